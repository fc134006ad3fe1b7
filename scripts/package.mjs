#!/usr/bin/env node
// Builds the platform-specific VSIX: `npm run package [-- --target linux-x64] [--out file.vsix] [--record]`.
//
// The VSIX is assembled in a staging copy of the tree (.cache/vsix-stage-*/, removed afterwards) so that a production build
// never overwrites the development bundles in dist/ that tests and a running debug session use:
//   1. copy the project's files (not node_modules, tests or benchmarks) into the stage,
//   2. production build there (`node esbuild.config.mjs --production`: minified, no source maps),
//   3. copy DuckDB's native package for the target platform into dist/node_modules/ so that the bundled
//      DuckDB loader's `require('@duckdb/node-bindings-<platform>/duckdb.node')` resolves inside the
//      installed extension (DuckDB's JavaScript is in the production bundles),
//   4. `vsce package --target <target> --no-dependencies`, filtered by .vscodeignore.
//
// @vscode/vsce is pinned to 3.9.2 because it runs on Node 20; vsce 4.x requires Node >= 22.
// One VSIX per platform: @duckdb/node-api loads a native binary from @duckdb/node-bindings-<platform>.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** vsce target name and DuckDB platform package suffix for this machine (or --target). */
function resolveTarget() {
  const musl = process.platform === 'linux' && !process.report?.getReport()?.header?.glibcVersionRuntime;
  const arch = process.arch;
  const table = {
    'linux-x64': 'linux-x64',
    'linux-arm64': 'linux-arm64',
    'alpine-x64': 'linux-x64-musl',
    'alpine-arm64': 'linux-arm64-musl',
    'darwin-x64': 'darwin-x64',
    'darwin-arm64': 'darwin-arm64',
    'win32-x64': 'win32-x64',
    'win32-arm64': 'win32-arm64',
  };
  const target = opt('--target') ?? `${musl ? 'alpine' : process.platform}-${arch}`;
  const duckdb = table[target];
  if (!duckdb) {
    console.error(`package: no DuckDB binary for target ${target}; supported: ${Object.keys(table).join(', ')}`);
    process.exit(2);
  }
  return { target, duckdbPackage: `@duckdb/node-bindings-${duckdb}` };
}

function run(cmd, cmdArgs, cwd) {
  const r = spawnSync(cmd, cmdArgs, { cwd, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`package: \`${path.basename(cmd)} ${cmdArgs.join(' ')}\` failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}

/** Project files to stage: tracked and untracked-but-not-ignored, minus tests and benchmarks. */
function projectFiles() {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  let files;
  if (r.status === 0) files = r.stdout.split('\0').filter(Boolean);
  else {
    // Not a git checkout (e.g. an unpacked source archive): take the top-level project folders.
    files = [];
    const walk = (rel) => {
      for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (['node_modules', 'dist', 'out', '.cache', '.git', 'test-artifacts'].includes(p)) continue;
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk('');
  }
  return files.filter((f) => !/^(test|bench|test-artifacts|\.ci|\.cache)\//.test(f) && !f.endsWith('.vsix') && fs.existsSync(path.join(root, f)));
}

/** Figures from the last code-server e2e run (test-artifacts/e2e-metrics.json), when there is one. */
function e2eFigures() {
  const file = path.join(root, 'test-artifacts', 'e2e-metrics.json');
  if (!fs.existsSync(file)) return '';
  const m = JSON.parse(fs.readFileSync(file, 'utf8'));
  const s = (ms) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : 'n/a');
  return (
    `\nThe installed VSIX in code-server 4.139.1 (VS Code 1.139.1), from the last e2e run (\`test/e2e/codeServer.test.ts\`):\n\n` +
    `| measure | value |\n| --- | ---: |\n` +
    `| activation (client's own figure, \`[client] activated in N ms\`) | ${m.clientActivationMs ?? 'n/a'} ms |\n` +
    `| activation (Developer: Show Running Extensions) | ${m.activationMs ?? 'n/a'} ms |\n` +
    `| \`--install-extension\` | ${s(m.installExtensionMs)} |\n` +
    `| code-server start to workbench ready | ${s(m.workbenchReadyMs)} |\n` +
    `| whole e2e (tools cached) | ${s(m.totalMs)} |\n\n` +
    `Timings from a ${os.cpus().length}-core machine${typeof m.loadAverage5m === 'number' ? ` (5-minute load average ${m.loadAverage5m} during the run; with the rest of the suite beside it the load reaches about 18 and activation about 220 ms)` : ''}; ` +
    `Running Extensions times the whole activate() call including the language client start, the client's own figure stops when activation returns. ` +
    `First-time install of Node 24 + code-server (\`scripts/e2e-setup.mjs\`): about 3 min 17 s, 800 MB in \`.cache/\`.\n`
  );
}

const started = Date.now();
const { target, duckdbPackage } = resolveTarget();
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.resolve(opt('--out') ?? path.join(root, `${manifest.name}-${manifest.version}-${target}.vsix`));
fs.mkdirSync(path.join(root, '.cache'), { recursive: true });
const stage = fs.mkdtempSync(path.join(root, '.cache', 'vsix-stage-'));
process.on('exit', () => fs.rmSync(stage, { recursive: true, force: true }));

// 1. stage the sources
for (const f of projectFiles()) {
  fs.mkdirSync(path.dirname(path.join(stage, f)), { recursive: true });
  fs.copyFileSync(path.join(root, f), path.join(stage, f));
}
fs.symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'), 'junction');

// 2. production build
console.log(`package: production build (${target})`);
run(process.execPath, ['esbuild.config.mjs', '--production'], stage);
if (!fs.existsSync(path.join(stage, manifest.main))) {
  console.error(`package: the build did not produce the extension entry point ${manifest.main}`);
  process.exit(1);
}

// 3. DuckDB's native package beside the bundles
if (!fs.existsSync(path.join(root, 'node_modules', duckdbPackage))) {
  console.error(`package: ${duckdbPackage} is not installed; on another platform run \`npm install\` there, or package on that platform`);
  process.exit(1);
}
fs.cpSync(path.join(root, 'node_modules', duckdbPackage), path.join(stage, 'dist', 'node_modules', duckdbPackage), {
  recursive: true,
  dereference: true,
  // Type declarations, docs and source maps are not needed at runtime (licences stay).
  filter: (src) => !/\.(d\.ts|map|md)$/i.test(src),
});
fs.rmSync(path.join(stage, 'node_modules'));

// 4. vsce (pinned 3.9.2: the last major that runs on Node 20)
const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
fs.mkdirSync(path.dirname(out), { recursive: true });
run(
  process.execPath,
  [vsce, 'package', '--target', target, '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
  stage,
);

const bytes = fs.statSync(out).size;
const mb = (bytes / 1024 / 1024).toFixed(1);
console.log(`package: ${out} (${mb} MB, ${bytes} bytes) in ${((Date.now() - started) / 1000).toFixed(1)} s`);

if (args.includes('--record')) {
  const list = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' });
  const count = list.status === 0 ? list.stdout.split('\n').filter((l) => l.startsWith('extension/')).length : undefined;
  const unpacked = spawnSync('unzip', ['-l', out], { encoding: 'utf8' });
  const unpackedBytes = Number(/(\d+)\s+\d+ files\s*$/.exec(unpacked.stdout?.trim() ?? '')?.[1] ?? NaN);
  const section =
    `## Package\n\n` +
    `\`npm run package\` on ${target}, @vscode/vsce 3.9.2, Node ${process.version} (${new Date().toISOString().slice(0, 10)}):\n\n` +
    `| VSIX | size | unpacked | files |\n| --- | ---: | ---: | ---: |\n` +
    `| \`${path.basename(out)}\` | ${mb} MB | ${Number.isFinite(unpackedBytes) ? (unpackedBytes / 1024 / 1024).toFixed(1) + ' MB' : 'n/a'} | ${count ?? 'n/a'} |\n\n` +
    `Most of it is DuckDB's native library (\`${duckdbPackage}\`); the bundled client, server and wasm grammars are the rest.\n` +
    e2eFigures();
  const benchFile = path.join(root, 'BENCHMARKS.md');
  let text = fs.existsSync(benchFile) ? fs.readFileSync(benchFile, 'utf8') : '# Benchmarks\n';
  const re = /## Package\n[\s\S]*?(?=\n## |$)/;
  text = re.test(text) ? text.replace(re, section.trimEnd() + '\n') : text.trimEnd() + '\n\n' + section;
  fs.writeFileSync(benchFile, text);
  console.log('package: recorded the size in BENCHMARKS.md (## Package)');
}
