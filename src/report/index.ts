/** Reports: the trace-file codec, loading and validation, and the text/Mermaid/HTML renderings. */
export { counterexampleToYAML } from './codec';
export type { ToYamlOptions } from './codec';
export { CounterexampleRecord, makeCounterexample, rewrapReport } from './counterexample';
export { SUPPORTED_TRACE_VERSIONS, TRACE_FORMAT_VERSION } from './format';
export { renderText } from './text';
export type { TextOptions } from './text';
export { renderMermaid } from './mermaid';
export type { MermaidOptions } from './mermaid';
export { isReport, renderHtml } from './html';
export type { HtmlOptions } from './html';
export { auditMatrix, renderMatrixText } from './matrix';
export { renderCoverageText } from './coverage';
export type { AuditMatrix, MatrixCell } from './matrix';
export { replayCommand } from './replay-command';
export { loadTrace, parseTrace, TraceFileError } from './load';
export type { LoadedTrace } from './load';
export { counterexampleBaseName } from './file-name';
export { eventLine, orderedEvent } from './event-line';
