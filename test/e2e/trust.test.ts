// End-to-end, Workspace Trust on: a cloned repository whose .vscode/settings.json picks the Logfire
// backend, points telemetryLens.logfire.baseUrl at its own loopback server and sets an agent command,
// opened in a real VS Code (code-server) in Restricted Mode. Checks that linting works, the Health view
// says what is off and why, Trace Agent Run refuses, the read token goes only to the user's own
// (confirmed) base URL and never to the workspace's, and that granting trust turns the features on.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { CodeServer, Workbench, findChromium, freePort, packageVsix, root, setupTools, waitFor } from './harness';

const chromiumPath = findChromium();
const inCI = !!process.env.CI && process.env.CI !== 'false';
const skip = !chromiumPath && !inCI ? 'no Chromium here (apt-get install -y chromium, or set CHROMIUM_PATH); CI runs this test' : false;
if (skip) console.log(`# e2e (trust) skipped: ${skip}`);

const TOKEN = 'pylf_v1_us_e2eTrustToken0123456789';

interface Recorder {
  url: string;
  requests: { path: string; auth?: string }[];
  close(): Promise<void>;
}

/** A loopback HTTP server answering like Logfire's query API (empty results) and recording each request. */
async function recorder(): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const srv = http.createServer((req, res) => {
    requests.push({ path: new URL(req.url ?? '/', 'http://x').pathname, auth: req.headers.authorization });
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url?.startsWith('/v1/read-token-info')) res.end(JSON.stringify({ organization_name: 'acme', project_name: 'e2e' }));
      else res.end(JSON.stringify({ schema: { fields: [] }, data: [] }));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`, requests, close: () => new Promise((r) => srv.close(() => r())) };
}

describe('Workspace Trust and the Logfire token in code-server (packaged VSIX, Restricted Mode)', { skip, timeout: 12 * 60_000 }, () => {
  let vsix = '';
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  let fixture = '';
  let userHost: Recorder;
  let workspaceHost: Recorder;
  let marker = '';

  before(async () => {
    if (!chromiumPath) throw new Error('Chromium not found: CI must install it (apt-get install -y chromium) or set CHROMIUM_PATH');
    const tools = setupTools();
    vsix = packageVsix(path.join(root, '.cache', 'e2e', `telemetry-lens-e2e-trust-${process.pid}.vsix`)).vsix;
    userHost = await recorder();
    workspaceHost = await recorder();
    // The repository a user clones: its settings aim the token at its own server and set a command.
    fixture = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2e-trust-fixture-'));
    fs.copyFileSync(path.join(root, 'test', 'e2e', 'workspace', 'agent_routing.py'), path.join(fixture, 'agent_routing.py'));
    fs.writeFileSync(path.join(fixture, 'mark.js'), "require('fs').writeFileSync(require('path').join(__dirname, 'agent-ran.txt'), 'ran');\n");
    fs.writeFileSync(
      path.join(fixture, 'telemetry.schema.yaml'),
      "version: 1\nextends: default\nhealth:\n  - id: workspace_only\n    name: Workspace-only check\n    sql: SELECT count(*) AS n FROM records\n",
    );
    fs.mkdirSync(path.join(fixture, '.vscode'));
    fs.writeFileSync(
      path.join(fixture, '.vscode', 'settings.json'),
      JSON.stringify({ 'telemetryLens.backend': 'logfire', 'telemetryLens.logfire.baseUrl': workspaceHost.url, 'telemetryLens.agentCommand': 'node mark.js' }, null, 2),
    );
    server = new CodeServer({
      tools,
      vsix,
      workspaceFixture: fixture,
      workspaceTrust: true,
      artifactPrefix: 'e2e-trust',
      userSettings: {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        // Trust on, no startup dialog: the folder opens in Restricted Mode until trusted.
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        // The user's own Logfire stand-in (loopback http: allowed only from user settings, after confirming).
        'telemetryLens.logfire.baseUrl': userHost.url,
        'telemetryLens.receiver.port': await freePort(),
      },
    });
    marker = path.join(server.workspace, 'agent-ran.txt');
    server.installExtension();
    await server.start();
    wb = await Workbench.open(chromiumPath as string, server.url());
  });

  after(async () => {
    await wb?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await userHost?.close();
    await workspaceHost?.close();
    if (vsix) fs.rmSync(vsix, { force: true });
    if (fixture) fs.rmSync(fixture, { recursive: true, force: true });
  });

  afterEach(async (t) => {
    const slug = t.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 40).toLowerCase();
    await wb?.screenshot(`e2e-trust-${slug}.png`).catch(() => undefined);
  });

  const notification = (re: RegExp, what: string, timeoutMs = 60_000) =>
    waitFor(what, async () => (await wb?.notifications())?.find((n) => re.test(n)), timeoutMs, async () => `Notifications:\n${(await wb?.notifications())?.join('\n')}`);

  it('Restricted Mode: linting works, the Health view says what is off, Trace Agent Run refuses', async () => {
    assert.ok(wb);
    await wb.openFile('agent_routing.py');
    await wb.showProblems();
    await waitFor('TL007 in the Problems panel', async () => (await wb?.problems())?.find((p) => /TL007/.test(p.text)), 120_000, async () => `${await wb?.problemsText()}`);

    await wb.runCommand('Telemetry Lens: Run Health Checks');
    const frame = await waitFor('the Restricted Mode notice in the Health view', async () => (await wb?.framesWith('#restricted'))?.[0], 90_000);
    const text = await frame.locator('#restricted').innerText();
    assert.match(text, /Restricted Mode/);
    assert.match(text, /health checks/);
    assert.ok(await frame.locator('#manage-trust').isVisible(), 'offers Manage Workspace Trust');
    // The workspace's backend choice is ignored: the view stays on the local store.
    assert.equal(await frame.locator('#backend').inputValue(), 'local');

    await wb.runCommand('Telemetry Lens: Trace Agent Run…');
    await notification(/Trace Agent Run is off in Restricted Mode/, 'the Restricted Mode notification');
    assert.ok(!fs.existsSync(marker), "the workspace's agent command ran in Restricted Mode");
    assert.deepEqual(workspaceHost.requests, []);
  });

  it("the token goes to the user's base URL once confirmed, never to the workspace's", async () => {
    assert.ok(wb);
    const page = wb.page;
    await wb.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    await wb.runCommand('Telemetry Lens: Set Logfire Read Token');
    await waitFor('the token input box', () => page.locator('.quick-input-widget input[type="password"]').isVisible(), 15_000);
    await page.locator('.quick-input-widget input').fill(TOKEN);
    await page.keyboard.press('Enter');
    const dialog = page.locator('.monaco-dialog-box');
    await waitFor('the confirmation dialog for the user base URL', async () => ((await dialog.isVisible()) ? true : undefined), 30_000);
    assert.match(await dialog.innerText(), new RegExp(`Send your Logfire read token to ${userHost.url.replace(/[.]/g, '\\.')}`));
    assert.equal(userHost.requests.length, 0, 'nothing is sent before the user allows the host');
    await dialog.locator('.monaco-button', { hasText: 'Send Token to This Host' }).click();
    await notification(/Logfire token stored/, 'the token stored notification');
    assert.ok(userHost.requests.some((r) => r.auth === `Bearer ${TOKEN}`), JSON.stringify(userHost.requests));
    assert.deepEqual(workspaceHost.requests, [], 'the workspace base URL got a request');
  });

  it('granting trust turns on the workspace backend, health checks and agent command; the token still avoids the workspace host', async () => {
    assert.ok(wb);
    const page = wb.page;
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    const trustButton = page.locator('.workspace-trust-editor .workspace-trust-buttons-row .monaco-button', { hasText: /^Trust$/ }).first();
    await waitFor('the Trust button', () => trustButton.isVisible(), 30_000);
    await trustButton.click();
    await waitFor('the Restricted Mode notice to go', async () => ((await wb?.framesWith('#restricted'))?.length === 0 ? true : undefined), 60_000);

    // Now the workspace's backend (Logfire) applies, still through the user's approved base URL.
    const before = userHost.requests.length;
    await wb.runCommand('Telemetry Lens: Run Health Checks');
    await waitFor('health queries at the user host', async () => (userHost.requests.slice(before).some((r) => r.path === '/v2/query' && r.auth === `Bearer ${TOKEN}`) ? true : undefined), 90_000);
    assert.deepEqual(workspaceHost.requests, [], 'the workspace base URL got a request');

    await wb.runCommand('Telemetry Lens: Trace Agent Run…');
    await waitFor("the workspace's agent command to run", async () => (fs.existsSync(marker) ? true : undefined), 90_000, async () => `Notifications:\n${(await wb?.notifications())?.join('\n')}`);
  });
});
