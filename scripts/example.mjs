// The main job on the bundled example, end to end:
//   1. build the bundles,
//   2. lint examples/code-puppy with the CLI (findings are expected: the example has deliberate mistakes),
//   3. start the OTLP receiver on an embedded DuckDB store and send it a day of demo Code Puppy traffic,
//   4. run the bundled health checks on that store,
//   5. build the .vsix.
// Output goes to .telemetry-lens/example/ (the store) and the repository root (the .vsix).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist', 'server', 'cli.js');
const outDir = path.join(root, '.telemetry-lens', 'example');
const db = path.join(outDir, 'telemetry.duckdb');

function step(title) {
  console.log(`\n=== ${title}`);
}
function run(args, { okCodes = [0], cmd = process.execPath } = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (!okCodes.includes(r.status ?? -1)) {
    console.error(`example: \`${[path.basename(cmd), ...args].join(' ')}\` exited with ${r.status}`);
    process.exit(1);
  }
  return r.status;
}

step('build');
run(['esbuild.config.mjs']);

step('lint examples/code-puppy (exit 1 = findings at error severity, expected here)');
const lintStatus = run([cli, 'lint', 'examples/code-puppy'], { okCodes: [0, 1] });

step('ingest demo traffic through the OTLP receiver into the embedded store');
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const serve = spawn(process.execPath, [cli, 'serve', '--port', '0', '--db', db], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve, reject) => {
  let buf = '';
  const timer = setTimeout(() => reject(new Error('receiver did not start within 30 s')), 30_000);
  serve.stdout.on('data', (d) => {
    buf += d;
    process.stdout.write(d);
    const m = /listening on (http:\/\/\S+)/.exec(buf);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  serve.on('exit', (code) => reject(new Error(`receiver exited with ${code}`)));
});
run([cli, 'demo', '--send', url]);
await new Promise((resolve) => {
  serve.on('exit', resolve);
  serve.kill('SIGINT');
});

step('health checks on the embedded store (exit 1 = a check failed)');
const checkStatus = run([cli, 'check', '--db', db], { okCodes: [0, 1] });

step('package the VS Code extension');
run(['scripts/package.mjs']);

console.log(`\nDone. lint exit ${lintStatus}, check exit ${checkStatus}; store at ${path.relative(root, db)}.`);
