/**
 * docs/ci.md's GitHub Actions workflow is valid YAML, keeps the counterexamples when the audit
 * fails, and its rdmacheck command runs as written: against a layer at the path it names, with the
 * JUnit file and the counterexample folder it uploads.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { cli } from '../cli/io';
import { fencedBlocks, ROOT } from './markdown';

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}

const workflowBlocks = fencedBlocks('docs/ci.md').filter((b) => b.lang === 'yaml');
const workflow = parse(workflowBlocks[0]?.body ?? '') as { on: unknown; jobs: Record<string, { steps: Step[] }> };
const steps = Object.values(workflow.jobs ?? {}).flatMap((j) => j.steps);
const auditStep = steps.find((s) => s.run?.startsWith('npx rdmacheck audit'));

describe('docs/ci.md: the GitHub Actions example', () => {
  test('is one YAML workflow with a trigger and steps', () => {
    expect(workflowBlocks).toHaveLength(1);
    expect(workflow.on).toBeDefined();
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.some((s) => s.run === 'npm ci')).toBe(true);
  });

  test('uploads the JUnit file and the counterexample folders the commands write, even when a step failed', () => {
    const argv = (auditStep?.run ?? '').split(/\s+/);
    const junit = argv[argv.indexOf('--junit') + 1];
    const out = argv[argv.indexOf('--out') + 1];
    const jestStep = steps.find((s) => s.run?.startsWith('npx jest'));
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload?.if).toBe('always()');
    expect(jestStep?.if).toBe('always()');
    const uploaded = String(upload?.with?.path ?? '')
      .split('\n')
      .map((p) => p.trim().replace(/\/$/, ''))
      .filter((p) => p !== '');
    expect(uploaded).toEqual(expect.arrayContaining([junit, out, jestStep?.env?.RDMACHECK_OUT_DIR]));
  });

  test('its rdmacheck command runs as written, writing the JUnit cases and the counterexample files', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'rdmacheck-ci-'));
    mkdirSync(join(cwd, 'src'));
    // The reader's layer: a typed pass-through (it masks nothing, so failure-masking is violated).
    writeFileSync(
      join(cwd, 'src', 'myLayer.ts'),
      `import type { FailoverLayer } from ${JSON.stringify(join(ROOT, 'src', 'core', 'layer'))};\n` +
        'const layer: FailoverLayer = { name: "my-layer", create: (env) => ({\n' +
        '  postSend: (wr) => void env.post(0, wr), postRecv: (wr) => void env.postRecv(0, wr),\n' +
        '  onCompletion: (_path, wc) => env.deliver(wc) }) };\nexport default layer;\n',
    );
    const argv = (auditStep?.run ?? '').split(/\s+/).slice(2);
    // As written, plus a small sample so the test stays quick (a later option wins).
    const run = await cli([...argv, '--runs', '10', '--opcodes', 'WRITE,READ'], { cwd });
    expect(run.stderr).not.toMatch(/^rdmacheck audit: (?!.*: (holds|violated|unknown) \()/m);
    expect(run.code).toBe(1);
    const junit = readFileSync(join(cwd, argv[argv.indexOf('--junit') + 1]), 'utf8');
    const cases = [...junit.matchAll(/<testcase classname="rdmacheck\.my-layer" name="([^"]+)"/g)].map((m) => m[1]);
    expect(cases).toContain('failure-masking [WRITE]');
    expect(cases).toHaveLength(18); // 6 properties x (2 op classes + the mixed column)
    expect(readdirSync(join(cwd, argv[argv.indexOf('--out') + 1]))).toContain('my-layer.failure-masking.WRITE.yaml');
  });
});
