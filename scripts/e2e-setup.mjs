#!/usr/bin/env node
// Installs what the real-VS-Code end-to-end test needs into .cache/ (once; later runs reuse it):
//   .cache/node24/       Node 24 from the npm package `node` (code-server requires Node 24)
//   .cache/code-server/  code-server (VS Code in a browser), installed and built with that Node
// and writes .cache/e2e-tools.json describing where everything is. Chromium is not installed here:
// it comes from the system package manager (`apt-get install -y chromium` on Debian/Ubuntu).
//
// `npm test` (scripts/test.mjs) runs this as its own step before the tests, so a slow first download
// never runs inside a test's time limit; the e2e test itself only checks (`--check`) that the tools
// are there. Installs print progress every 30 s and are retried (3 attempts) before giving up.
//
// Usage: node scripts/e2e-setup.mjs [--quiet] [--check]
//   --check  install nothing: exit 1 with a message when the tools are missing, else print their JSON
// Exit code 0 = ready; 1 = a prerequisite is missing or an install failed (the message says which and
// how to fix it).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// TELEMETRY_LENS_E2E_CACHE moves the install (the setup's own tests use a scratch folder).
const cache = process.env.TELEMETRY_LENS_E2E_CACHE ? path.resolve(process.env.TELEMETRY_LENS_E2E_CACHE) : path.join(root, '.cache');
const quiet = process.argv.includes('--quiet');
const checkOnly = process.argv.includes('--check');
const ATTEMPTS = 3;
const PROGRESS_EVERY_MS = 30_000;
const log = (msg) => {
  if (!quiet) console.error(`[e2e-setup] ${msg}`);
};

function missing(msg) {
  console.error(`[e2e-setup] ${msg}: install the end-to-end test tools first with \`node scripts/e2e-setup.mjs\` (\`npm test\` does this before the tests)`);
  process.exit(1);
}

function fail(msg) {
  console.error(`[e2e-setup] ERROR: ${msg}`);
  process.exit(1);
}

function npmCli() {
  // npm's own CLI script beside the Node running this script; run it with whichever Node we choose.
  const candidates = [
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
    '/usr/lib/node_modules/npm/bin/npm-cli.js',
    '/usr/local/lib/node_modules/npm/bin/npm-cli.js',
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) fail(`cannot find npm's CLI next to ${process.execPath}`);
  return found;
}

/** One attempt: resolves with the exit status (or the spawn error's message), printing progress while it runs. */
function attempt(cmd, args, opts, what) {
  return new Promise((resolve) => {
    const started = Date.now();
    // stdin ignored; npm's output goes to our stderr so stdout stays the JSON result.
    const child = spawn(cmd, args, { stdio: ['ignore', quiet ? 'ignore' : process.stderr, process.stderr], ...opts });
    const timer = setInterval(() => log(`${what}: still running after ${Math.round((Date.now() - started) / 1000)} s…`), PROGRESS_EVERY_MS);
    const done = (result) => {
      clearInterval(timer);
      resolve(result);
    };
    child.on('error', (e) => done({ error: e.message }));
    child.on('exit', (code, signal) => done({ code, signal }));
  });
}

/** Runs an install step with progress, retrying failed attempts; returns the time it took. */
async function run(cmd, args, opts, what) {
  const started = Date.now();
  for (let i = 1; i <= ATTEMPTS; i++) {
    const r = await attempt(cmd, args, opts, what);
    if (!r.error && r.code === 0) return Date.now() - started;
    const why = r.error ?? `exited with ${r.code}${r.signal ? ` (${r.signal})` : ''}`;
    if (i === ATTEMPTS) {
      fail(
        `${what} failed ${ATTEMPTS} times; last: \`${path.basename(cmd)} ${args.join(' ')}\` ${why}.\n` +
          `  The npm registry must be reachable (npm's own proxy and registry settings apply). Run \`node scripts/e2e-setup.mjs\` again to retry;\n` +
          `  delete .cache/${what.startsWith('Node') ? 'node24' : 'code-server'} first if a partial install keeps failing.`,
      );
    }
    const wait = 5 * i;
    log(`${what}: attempt ${i} of ${ATTEMPTS} ${why}; retrying in ${wait} s`);
    await new Promise((r2) => setTimeout(r2, wait * 1000));
  }
  return Date.now() - started;
}

/**
 * The environment for a nested npm: without the outer `npm test`'s npm_* variables. npm reads
 * npm_config_* from the environment as configuration, so an inherited npm_config_user_agent
 * ("npm/11 node/v20") would make code-server's postinstall believe it runs on Node 20.
 */
function cleanNpmEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD') env[k] = v;
  return { ...env, ...extra };
}

function writePrivatePackage(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const pj = path.join(dir, 'package.json');
  if (!fs.existsSync(pj)) fs.writeFileSync(pj, JSON.stringify({ name: path.basename(dir), private: true }, null, 2) + '\n');
}

/** Node 24: `<prefix>/node_modules/node/bin/node`, headers in the platform package `node-<os>-<arch>`. */
async function ensureNode24() {
  const prefix = path.join(cache, 'node24');
  const bin = path.join(prefix, 'node_modules', 'node', 'bin', 'node');
  const platformPkg = `node-${process.platform}-${process.arch}`;
  const headerDirs = [
    path.join(prefix, 'node_modules', 'node', 'node_modules', platformPkg),
    path.join(prefix, 'node_modules', platformPkg),
  ];
  const version = () => {
    if (!fs.existsSync(bin)) return '';
    const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : '';
  };
  let installMs = 0;
  if (version() !== `v${NODE_VERSION}`) {
    if (checkOnly) missing(`Node ${NODE_VERSION} is not installed in ${path.relative(root, prefix)}/`);
    log(`installing Node ${NODE_VERSION} (npm package \`node\`) into ${path.relative(root, prefix)}/`);
    writePrivatePackage(prefix);
    installMs = await run(process.execPath, [npmCli(), 'install', '--no-audit', '--no-fund', '--no-save', `node@${NODE_VERSION}`], {
      cwd: prefix,
      env: cleanNpmEnv(),
    }, `Node ${NODE_VERSION} install`);
    if (version() !== `v${NODE_VERSION}`) fail(`Node ${NODE_VERSION} did not install at ${bin}`);
  } else log(`Node ${NODE_VERSION} already in ${path.relative(root, prefix)}/`);
  const nodedir = headerDirs.find((d) => fs.existsSync(path.join(d, 'include', 'node', 'node_version.h')));
  if (!nodedir) fail(`Node ${NODE_VERSION} headers (include/node) not found in ${headerDirs.join(' or ')}`);
  return { bin, binDir: path.dirname(bin), nodedir, installMs };
}

/** Native modules in code-server (kerberos) compile against the system's Kerberos GSS-API headers. */
function checkBuildPrerequisites() {
  const missing = [];
  if (spawnSync('pkg-config', ['--version']).status !== 0) missing.push('pkg-config');
  if (process.platform === 'linux' && spawnSync('pkg-config', ['--exists', 'krb5-gssapi']).status !== 0) missing.push('libkrb5-dev');
  for (const tool of ['make', 'g++', 'python3']) if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(tool);
  if (missing.length) {
    fail(
      `code-server's native modules need build tools that are missing: ${missing.join(', ')}.\n` +
        `  On Debian/Ubuntu: apt-get install -y libkrb5-dev pkg-config build-essential python3`,
    );
  }
}

async function ensureCodeServer(node) {
  const prefix = path.join(cache, 'code-server');
  const pkgDir = path.join(prefix, 'node_modules', 'code-server');
  const entry = path.join(pkgDir, 'out', 'node', 'entry.js');
  const marker = path.join(prefix, `.installed-${CODE_SERVER_VERSION}-node${NODE_VERSION}`);
  let installMs = 0;
  if (fs.existsSync(marker) && fs.existsSync(entry)) {
    log(`code-server ${CODE_SERVER_VERSION} already in ${path.relative(root, prefix)}/`);
  } else {
    if (checkOnly) missing(`code-server ${CODE_SERVER_VERSION} is not installed in ${path.relative(root, prefix)}/`);
    checkBuildPrerequisites();
    log(`installing code-server ${CODE_SERVER_VERSION} into ${path.relative(root, prefix)}/ (first time only: 3 to 20 minutes, depending on the network and the machine's load)`);
    writePrivatePackage(prefix);
    installMs = await run(node.bin, [npmCli(), 'install', '--no-audit', '--no-fund', '--no-save', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: prefix,
      env: cleanNpmEnv({
        PATH: `${node.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
        // The machine-wide npm config may point node-gyp at another Node's headers.
        npm_config_nodedir: node.nodedir,
        npm_config_update_notifier: 'false',
      }),
    }, `code-server ${CODE_SERVER_VERSION} install`);
    if (!fs.existsSync(entry)) fail(`code-server installed but ${entry} is missing`);
    fs.writeFileSync(marker, `${new Date().toISOString()} ${installMs} ms\n`);
    log(`code-server installed in ${(installMs / 1000).toFixed(0)} s`);
  }
  return { entry, installMs };
}

export function findChromium() {
  const fromEnv = process.env.CHROMIUM_PATH;
  const candidates = [fromEnv, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/snap/bin/chromium'].filter(Boolean);
  return candidates.find((p) => fs.existsSync(p));
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const started = Date.now();
  const node = await ensureNode24();
  const codeServer = await ensureCodeServer(node);
  const info = {
    nodeVersion: NODE_VERSION,
    codeServerVersion: CODE_SERVER_VERSION,
    node: node.bin,
    nodeBinDir: node.binDir,
    nodedir: node.nodedir,
    codeServerEntry: codeServer.entry,
    chromium: findChromium() ?? null,
    installMs: node.installMs + codeServer.installMs,
    setupMs: Date.now() - started,
  };
  const infoFile = path.join(cache, 'e2e-tools.json');
  if (checkOnly) {
    // The install itself happened in an earlier setup step: report its time, keep its record.
    try {
      info.installMs = JSON.parse(fs.readFileSync(infoFile, 'utf8')).installMs ?? 0;
    } catch {
      info.installMs = 0;
    }
  } else fs.writeFileSync(infoFile, JSON.stringify(info, null, 2) + '\n');
  if (!info.chromium) log('note: no Chromium found (install with `apt-get install -y chromium`, or set CHROMIUM_PATH)');
  process.stdout.write(JSON.stringify(info) + '\n');
}
