// Builds the shipped bundles (dist/) and a per-file transpile of every TypeScript source for the
// test runner (out/). esbuild does not type-check: `npm run typecheck` does that.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(new URL(import.meta.url).pathname);
const onlyOut = process.argv.includes('--out-only');
const production = process.argv.includes('--production');

/**
 * Packages left outside the bundles. The development build keeps DuckDB's packages in node_modules; the
 * production build (the VSIX) bundles DuckDB's JavaScript too and leaves out only the platform package that
 * holds the native library (`@duckdb/node-bindings-<platform>/duckdb.node`), shipped beside the bundles.
 */
const external = production ? ['vscode', '@duckdb/node-bindings-*'] : ['vscode', '@duckdb/node-api', '@duckdb/node-bindings', '@duckdb/node-bindings-*'];

/** Bundled entry points: [source, output]. Missing sources are skipped so partial trees build. */
const bundles = [
  ['client/extension.ts', 'dist/client/extension.js'],
  ['server/server.ts', 'dist/server/server.js'],
  ['server/cli/main.ts', 'dist/server/cli.js'],
  ['server/lint/worker.ts', 'dist/server/lint-worker.js'],
];
for (const f of fs.existsSync(path.join(root, 'media/src')) ? fs.readdirSync(path.join(root, 'media/src')) : []) {
  if (f.endsWith('.ts') && !f.endsWith('.d.ts')) bundles.push([`media/src/${f}`, `dist/media/${f.replace(/\.ts$/, '.js')}`]);
}

/** Runtime assets copied next to the bundles: [from (package-relative), to]. */
const assets = [
  ['node_modules/web-tree-sitter/web-tree-sitter.wasm', 'dist/wasm/web-tree-sitter.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/wasm/tree-sitter-python.wasm'],
  ['node_modules/tree-sitter-typescript/tree-sitter-typescript.wasm', 'dist/wasm/tree-sitter-typescript.wasm'],
  ['node_modules/tree-sitter-typescript/tree-sitter-tsx.wasm', 'dist/wasm/tree-sitter-tsx.wasm'],
  ['node_modules/libpg-query/wasm/libpg-query.wasm', 'dist/wasm/libpg-query.wasm'],
  // The built-in OpenTelemetry semantic conventions, read on first use (scripts/gen-semconv.mjs).
  ...(fs.existsSync(path.join(root, 'server/schema/semconv'))
    ? fs.readdirSync(path.join(root, 'server/schema/semconv')).filter((f) => f.endsWith('.json') || f === 'NOTICE').map((f) => [`server/schema/semconv/${f}`, `dist/semconv/${f}`])
    : []),
  // VS Code's icon font for the webviews (icons that render without an emoji font).
  ['node_modules/@vscode/codicons/dist/codicon.css', 'dist/media/codicon.css'],
  ['node_modules/@vscode/codicons/dist/codicon.ttf', 'dist/media/codicon.ttf'],
];

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

async function buildBundles() {
  const present = bundles.filter(([src]) => fs.existsSync(path.join(root, src)));
  await Promise.all(
    present.map(([src, outfile]) => {
      const isWeb = src.startsWith('media/');
      return esbuild.build({
        entryPoints: [path.join(root, src)],
        outfile: path.join(root, outfile),
        bundle: true,
        platform: isWeb ? 'browser' : 'node',
        format: isWeb ? 'iife' : 'cjs',
        target: isWeb ? 'es2022' : 'node20',
        external: isWeb ? [] : external,
        sourcemap: production ? false : 'linked',
        minify: production,
        logLevel: 'warning',
        loader: { '.md': 'text', '.sql': 'text', '.yaml': 'text' },
        define: { 'process.env.TELEMETRY_LENS_BUNDLED': '"1"' },
        mainFields: isWeb ? ['browser', 'module', 'main'] : ['module', 'main'],
      });
    }),
  );
  for (const [from, to] of assets) {
    const src = path.join(root, from);
    if (!fs.existsSync(src)) continue;
    fs.mkdirSync(path.dirname(path.join(root, to)), { recursive: true });
    fs.copyFileSync(src, path.join(root, to));
  }
}

/**
 * Each test and benchmark file bundled on its own into out/ (npm packages stay external), so tests
 * run the same code paths as the shipped bundles, including text-loaded docs and SQL.
 */
async function buildOut() {
  const entries = [...walk(path.join(root, 'test')), ...walk(path.join(root, 'bench'))].filter(
    (f) => /\.(test|bench)\.ts$/.test(f) && !f.includes(`${path.sep}fixtures${path.sep}`),
  );
  // A compiled test or benchmark whose source was deleted or renamed would still run: removed.
  for (const f of [...walk(path.join(root, 'out', 'test')), ...walk(path.join(root, 'out', 'bench'))]) {
    if (/\.(test|bench)\.js$/.test(f) && !fs.existsSync(path.join(root, path.relative(path.join(root, 'out'), f)).replace(/\.js$/, '.ts'))) fs.rmSync(f);
  }
  if (entries.length === 0) return;
  await esbuild.build({
    entryPoints: entries,
    outdir: path.join(root, 'out'),
    outbase: root,
    bundle: true,
    packages: 'external',
    external,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    loader: { '.md': 'text', '.sql': 'text', '.yaml': 'text' },
  });
}

if (!onlyOut) await buildBundles();
await buildOut();
