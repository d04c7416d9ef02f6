/**
 * `audit --typecheck`: type-check a .ts layer module before the audit. Loading it is transpile-only
 * (ts-node), so that a user's tsconfig cannot stop an audit; that also means type errors pass
 * silently, which this check is for. Uses the TypeScript compiler the user's project has.
 */
import { dirname, relative } from 'node:path';
import { CliError } from './errors';

/** At most this many diagnostics are listed; the rest are counted. */
const SHOWN = 10;

/**
 * Type-checks `file` (strict, CommonJS, as the audit loads it) and throws a CliError listing
 * its diagnostics (file:line:col TSnnnn message) when there are any. `cwd` shortens the paths.
 */
export function typecheckLayer(file: string, cwd: string): void {
  const ts = loadTypeScript(file, cwd);
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    esModuleInterop: true,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (diagnostics.length === 0) return;
  const lines = diagnostics.slice(0, SHOWN).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    if (d.file === undefined || d.start === undefined) return `  TS${d.code}: ${text}`;
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const where = relative(cwd, d.file.fileName) || d.file.fileName;
    return `  ${where}:${line + 1}:${character + 1}: TS${d.code}: ${text}`;
  });
  const more = diagnostics.length - SHOWN;
  if (more > 0) lines.push(`  (and ${more} more)`);
  const n = diagnostics.length;
  throw new CliError(
    `rdmacheck audit: --typecheck: ${relative(cwd, file) || file} has ${n} type error${n === 1 ? '' : 's'}; fix ${n === 1 ? 'it' : 'them'}, or audit without --typecheck:\n${lines.join('\n')}`,
  );
}

function loadTypeScript(file: string, cwd: string): typeof import('typescript') {
  let path: string;
  try {
    path = require.resolve('typescript', { paths: [cwd, dirname(file), __dirname] });
  } catch {
    throw new CliError('rdmacheck audit: --typecheck needs typescript; install it (npm install -D typescript@5)');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- typescript is the user's, found at run time
  const ts = require(path) as typeof import('typescript');
  const missing = missingCompilerApi(ts, path);
  if (missing !== undefined) throw new CliError(`rdmacheck audit: --typecheck ${missing}`);
  return ts;
}

/**
 * Why the typescript package at `path` cannot compile for rdmacheck (undefined when it can):
 * typescript 7, the native port, ships no JavaScript compiler API, which ts-node and
 * --typecheck need. Says which version was found and what to install.
 */
export function missingCompilerApi(ts: unknown, path: string): string | undefined {
  const api = ts as { createProgram?: unknown; version?: unknown };
  if (typeof api.createProgram === 'function') return undefined;
  const version = typeof api.version === 'string' ? ` ${api.version}` : '';
  return (
    `needs the TypeScript compiler API, which the typescript${version} at ${dirname(path)} does not have ` +
    '(typescript 7 is a native port without it); install typescript 5 (npm install -D typescript@5), or compile the layer and pass the .js'
  );
}

/** Throws a CliError for a .ts layer when the typescript ts-node would use has no compiler API. */
export function checkTypeScriptForTsNode(file: string, tsNodePath: string): void {
  let path: string;
  try {
    path = require.resolve('typescript', { paths: [process.cwd(), dirname(file), dirname(tsNodePath)] });
  } catch {
    return; // ts-node reports a missing typescript itself
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- typescript is the user's, found at run time
  const missing = missingCompilerApi(require(path), path);
  if (missing !== undefined) throw new CliError(`rdmacheck: loading ${file} ${missing}`);
}
