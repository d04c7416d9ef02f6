/**
 * The published package: what `npm pack` puts in the tarball. The compiled code with its types,
 * the CLI, the docs, the native addon's sources (it builds at install where libibverbs exists);
 * never the tests. Also the install contract: ts-node and typescript are optional peers (needed
 * only to audit a .ts layer), and every entry point the package declares is in the tarball.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; default: string } | string>;
  files: string[];
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional: boolean }>;
  dependencies: Record<string, string>;
};

let packed: string[] = [];

beforeAll(() => {
  // The tarball ships dist/: build it when this checkout has none (npm ci builds it through prepare).
  if (!existsSync(join(ROOT, pkg.main))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  packed = (JSON.parse(json) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
}, 180_000);

describe('npm pack: the tarball', () => {
  test('holds every entry point package.json declares: main, types, bin, each export', () => {
    const declared = [
      pkg.main,
      pkg.types,
      ...Object.values(pkg.bin),
      ...Object.values(pkg.exports).flatMap((e) => (typeof e === 'string' ? [e] : [e.types, e.default])),
    ].map((p) => p.replace(/^\.\//, ''));
    for (const file of declared.filter((f) => f !== 'package.json')) expect(packed).toContain(file);
    expect(packed).toContain('package.json');
  });

  test('holds the compiled code with its type declarations, and the CLI and jest integration', () => {
    for (const file of [
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/jest/index.js',
      'dist/src/jest/index.d.ts',
      'dist/src/cli/main.js',
      'dist/src/cli/audit-job.js',
      'dist/src/check/contained/worker-entry.js',
      'dist/adapters/sim/index.js',
      'dist/properties/index.js',
    ])
      expect(packed).toContain(file);
  });

  test('holds the README and every doc the README points to', () => {
    expect(packed).toContain('README.md');
    for (const doc of readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')))
      expect(packed).toContain(`docs/${doc}`);
  });

  test('holds the native addon sources and their build script (built at install where libibverbs exists)', () => {
    expect(packed).toContain('adapters/native/binding.gyp');
    expect(packed).toContain('scripts/build-native.js');
    const sources = readdirSync(join(ROOT, 'adapters', 'native', 'src'));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(packed).toContain(`adapters/native/src/${source}`);
  });

  test('holds the C headers for C-ABI layer authors when the tree has them', () => {
    const include = join(ROOT, 'include');
    const headers = existsSync(include)
      ? (readdirSync(include, { recursive: true }) as string[]).filter((f) => /\.h$/.test(f))
      : [];
    for (const header of headers) expect(packed).toContain(`include/${header}`);
  });

  test('holds no tests, fixtures, benchmarks, examples, TypeScript sources or source maps', () => {
    const unwanted = packed.filter(
      (p) =>
        /(^|\/)(test|bench|examples)\//.test(p) ||
        /\.test\.(js|ts|d\.ts)$/.test(p) ||
        (/\.ts$/.test(p) && !/\.d\.ts$/.test(p)) ||
        /\.(js|ts)\.map$/.test(p), // source maps (a .map linker script of a C library is a source)
    );
    expect(unwanted).toEqual([]);
  });
});

describe('the install contract', () => {
  test('ts-node and typescript are optional peer dependencies: needed only for .ts layers and --typecheck', () => {
    for (const name of ['ts-node', 'typescript']) {
      expect(pkg.peerDependencies[name]).toBeDefined();
      expect(pkg.peerDependenciesMeta[name]?.optional).toBe(true);
      expect(pkg.dependencies[name]).toBeUndefined();
    }
  });
});
