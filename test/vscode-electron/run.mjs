#!/usr/bin/env node
// `npm run test:electron`: the end-to-end scenario in a downloaded desktop VS Code, through
// @vscode/test-electron (pinned 2.5.2: 3.x requires Node >= 22). It needs to download VS Code, so it is
// for developers' machines and is not part of `npm test` (which runs the code-server e2e instead).
//
//   npm run test:electron                       # latest stable VS Code
//   VSCODE_VERSION=1.139.1 npm run test:electron
//   VSCODE_EXECUTABLE=/path/to/code npm run test:electron   # an installed VS Code, no download
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

// The extension as shipped (bundles in dist/), then the in-editor suite.
const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const suiteOut = path.join(root, 'out', 'vscode-electron', 'suite.js');
await esbuild.build({
  entryPoints: [path.join(root, 'test', 'vscode-electron', 'suite.ts')],
  outfile: suiteOut,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  sourcemap: 'inline',
  logLevel: 'warning',
});

// A throwaway copy of the e2e fixture workspace and a clean profile.
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-electron-'));
const workspace = path.join(base, 'workspace');
fs.cpSync(path.join(root, 'test', 'e2e', 'workspace'), workspace, { recursive: true });

try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
    extensionDevelopmentPath: root,
    extensionTestsPath: suiteOut,
    extensionTestsEnv: { TELEMETRY_LENS_E2E_WORKSPACE: workspace },
    launchArgs: [
      workspace,
      '--disable-extensions', // other installed extensions stay out of the way
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', path.join(base, 'user-data'),
    ],
  });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : '';
  const offline = /^(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH)$/.test(code) || /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|download/i.test(message);
  if (offline && !process.env.VSCODE_EXECUTABLE) {
    console.error(
      `test:electron: could not download VS Code (${message}).\n` +
        'This suite needs to reach update.code.visualstudio.com, or an installed VS Code given as VSCODE_EXECUTABLE=/path/to/code.\n' +
        'Where VS Code cannot be downloaded, the code-server end-to-end test (test/e2e/codeServer.test.ts, part of `npm test`) runs the same scenario in a real VS Code.',
    );
  } else console.error(`test:electron failed: ${message}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
