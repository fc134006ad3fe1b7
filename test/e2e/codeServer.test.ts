// End-to-end: the packaged VSIX installed into a real VS Code (code-server 4.139.1 = VS Code 1.139)
// and driven through headless Chromium. Node 24 + code-server are installed into .cache/ beforehand by
// scripts/e2e-setup.mjs (`npm test` runs it as its own step before the tests); this test only checks
// they are there. In CI (CI=true) a missing browser or missing tools are a failure, never a skip.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { CodeServer, Workbench, artifacts, findChromium, freePort, packageVsix, root, setupTools, vsixEntries, waitFor, type Tools } from './harness';

const chromiumPath = findChromium();
const inCI = !!process.env.CI && process.env.CI !== 'false';
const skip = !chromiumPath && !inCI ? 'no Chromium here (apt-get install -y chromium, or set CHROMIUM_PATH); CI runs this test' : false;
if (skip) console.log(`# e2e skipped: ${skip}`);

const metrics: Record<string, unknown> = {};
function saveMetrics(): void {
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, 'e2e-metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
}

describe('Telemetry Lens in code-server (packaged VSIX, headless Chromium)', { skip, timeout: 12 * 60_000 }, () => {
  const started = Date.now();
  let tools: Tools;
  let vsix: string;
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;

  before(async () => {
    fs.mkdirSync(artifacts, { recursive: true });
    if (!chromiumPath) throw new Error('Chromium not found: CI must install it (apt-get install -y chromium) or set CHROMIUM_PATH');
    tools = setupTools();
    metrics.toolsInstallMs = tools.installMs;
    metrics.toolsSetupMs = tools.setupMs;
    // A per-process file name: two test runs in one tree must not overwrite each other's VSIX.
    const pkg = packageVsix(path.join(root, '.cache', 'e2e', `telemetry-lens-e2e-${process.pid}.vsix`));
    vsix = pkg.vsix;
    metrics.packageMs = pkg.ms;
    metrics.vsixBytes = fs.statSync(vsix).size;
  });

  after(async () => {
    await wb?.close().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    if (vsix) fs.rmSync(vsix, { force: true });
    metrics.totalMs = Date.now() - started;
    metrics.loadAverage5m = Number(os.loadavg()[1].toFixed(1));
    saveMetrics();
  });

  afterEach(async (t) => {
    // The screen after every step, so a failure can be seen, not only read.
    const slug = t.name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').slice(0, 40).toLowerCase();
    await wb?.screenshot(`e2e-step-${slug}.png`).catch(() => undefined);
  });

  it('the VSIX holds the bundles, grammars, wasm and the native DuckDB binary, and no sources or tests', () => {
    const entries = vsixEntries(vsix);
    const files = entries.filter((e) => e.startsWith('extension/')).map((e) => e.slice('extension/'.length));
    for (const required of [
      'package.json',
      'LICENSE.txt',
      'dist/client/extension.js',
      'dist/server/server.js',
      'dist/wasm/web-tree-sitter.wasm',
      'dist/wasm/tree-sitter-python.wasm',
      'dist/wasm/tree-sitter-typescript.wasm',
      'dist/wasm/tree-sitter-tsx.wasm',
      'dist/wasm/libpg-query.wasm',
      'dist/media/codicon.css',
      'dist/media/codicon.ttf',
    ]) {
      assert.ok(files.includes(required), `VSIX lacks ${required}`);
    }
    const platformBinary = files.filter((f) => /^dist\/node_modules\/@duckdb\/node-bindings-[a-z0-9-]+\/duckdb\.node$/.test(f));
    assert.equal(platformBinary.length, 1, `exactly one platform DuckDB binary expected, got ${platformBinary.join(', ') || 'none'}`);
    // DuckDB's JavaScript is in the server bundles: beside them only the platform package with the native library.
    const modules = files.filter((f) => f.startsWith('dist/node_modules/') && !f.startsWith(path.posix.dirname(platformBinary[0]) + '/'));
    assert.deepEqual(modules, [], 'only the platform DuckDB package under dist/node_modules');
    const syntaxes = files.filter((f) => f.startsWith('syntaxes/') && f.endsWith('.json'));
    assert.ok(syntaxes.length > 0, 'VSIX lacks the TextMate grammars in syntaxes/');
    const forbidden = files.filter(
      (f) =>
        /\.(ts|tsx|map)$/.test(f) ||
        (/^(test|bench|client|server|protocol|scripts|examples|docs|out|node_modules)\//.test(f) && !/^server\/rules\/docs\/TL\d{3}\.md$/.test(f)) ||
        f.startsWith('media/src/'),
    );
    // Rule pages ship so that each diagnostic's code links to its documentation.
    assert.ok(files.includes('server/rules/docs/TL007.md'), 'VSIX lacks the rule documentation');
    assert.deepEqual(forbidden, [], 'sources, tests, source maps or root node_modules in the VSIX');
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    assert.ok(files.includes(manifest.main.replace(/^\.\//, '')), `VSIX lacks the manifest's main ${manifest.main}`);
  });

  it('installs with `code-server --install-extension` and starts', async () => {
    server = new CodeServer({
      tools,
      vsix,
      workspaceFixture: path.join(root, 'test', 'e2e', 'workspace'),
      userSettings: {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'extensions.ignoreRecommendations': true,
        'security.workspace.trust.enabled': false,
        'chat.disableAIFeatures': true,
        'workbench.colorTheme': 'Default Dark Modern',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'telemetryLens.agentCommand': 'node agent/run_agent.js',
        // A free port, so a receiver from another run on this machine cannot take the default 4318 first.
        'telemetryLens.receiver.port': await freePort(),
      },
      // The fixture agent resolves @pydantic/logfire-node from the project's node_modules.
      env: { NODE_PATH: path.join(root, 'node_modules') },
    });
    // The bundled example's sources, so that demo traffic (which names their calls) resolves to files.
    fs.cpSync(path.join(root, 'examples', 'code-puppy', 'code_puppy'), path.join(server.workspace, 'code_puppy'), { recursive: true });
    const t0 = Date.now();
    server.installExtension();
    metrics.installExtensionMs = Date.now() - t0;
    const installed = server.installedExtensions();
    assert.ok(installed.some((d) => d.startsWith('telemetry-lens.telemetry-lens-')), `installed: ${installed.join(', ')}`);
    const t1 = Date.now();
    await server.start();
    wb = await Workbench.open(chromiumPath as string, server.url());
    metrics.workbenchReadyMs = Date.now() - t1;
  });

  it('(a) a Python file with a known violation shows TL007 in the Problems panel', async () => {
    assert.ok(wb, 'workbench not started');
    const t0 = Date.now();
    await wb.openFile('agent_routing.py');
    await wb.showProblems();
    const tl007 = await waitFor(
      'TL007 in the Problems panel',
      async () => (await wb?.problems())?.find((p) => /TL007/.test(p.text)),
      120_000,
      async () => `Problems panel:\n${await wb?.problemsText()}\nNotifications:\n${(await wb?.notifications())?.join('\n')}`,
    );
    metrics.openToProblemsMs = Date.now() - t0;
    const shot = await wb.screenshot('e2e-problems.png');
    assert.ok(fs.statSync(shot).size > 10_000);
    assert.equal(tl007.file, 'agent_routing.py');
    assert.match(tl007.text, /\{model\}/, 'the TL007 message names the placeholder without an attribute');
    // On the routing call: the logfire.info call spans lines 11-17.
    assert.ok(tl007.line >= 11 && tl007.line <= 17, `TL007 reported at line ${tl007.line}, expected on the logfire.info call (lines 11-17)`);
  });

  it('(b) the sidebar Health view shows check verdicts and charts from demo traffic', async () => {
    assert.ok(wb, 'workbench not started');
    const page = wb.page;
    await wb.runCommand('Telemetry Lens: Run Demo Traffic');
    await waitFor(
      'the demo traffic notification',
      async () => (await wb?.notifications())?.find((n) => /wrote \d[\d,]* demo records/.test(n)),
      120_000,
      async () => `Notifications:\n${(await wb?.notifications())?.join('\n')}`,
    );
    // Open the view container from the activity bar, as a user would.
    await page.locator('.activitybar .action-item a[aria-label^="Telemetry Lens"]').first().click();
    let clickedRefresh = 0;
    const frame = await waitFor(
      'health cards in the Health webview',
      async () => {
        const frames = await wb?.framesWith('article.card');
        if (frames?.length) return frames[0];
        // The view may have rendered before the demo data landed: ask it to refresh (its own button).
        const withToolbar = await wb?.framesWith('#refresh');
        if (withToolbar?.length && clickedRefresh++ % 10 === 0) await withToolbar[0].locator('#refresh').click();
        return undefined;
      },
      90_000,
    );
    const verdicts = await frame.locator('article.card').evaluateAll((els) => els.map((e) => /verdict-(\w+)/.exec(e.className)?.[1] ?? '?'));
    assert.ok(verdicts.length >= 4, `expected one card per seed health check, got ${verdicts.length}`);
    for (const v of verdicts) assert.ok(['pass', 'warn', 'fail', 'error'].includes(v), `unexpected verdict ${v}`);
    assert.ok(verdicts.some((v) => v === 'pass' || v === 'warn' || v === 'fail'), `every check errored: ${verdicts.join(', ')}`);
    const titles = await frame.locator('article.card .card-title').allInnerTexts();
    assert.ok(titles.every((t) => t.trim().length > 0));
    await waitFor('rendered charts', async () => ((await frame.locator('figure.chart canvas').count()) >= 1 ? true : undefined), 30_000);
    metrics.healthVerdicts = verdicts;
    // A wide side bar with only the Health view open, for the screenshot.
    await wb.setSidebarWidth(900);
    await wb.setPaneExpanded('Agent Runs', false);
    await wb.setPaneExpanded('Events', false);
    await waitFor('cards laid out in columns', async () => {
      const boxes = await frame.locator('article.card').evaluateAll((els) => els.slice(0, 2).map((e) => e.getBoundingClientRect().top));
      return boxes.length === 2 && boxes[0] === boxes[1] ? true : undefined;
    }, 10_000).catch(() => undefined);
    await wb.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    await wb.screenshot('e2e-health.png');
    await frame.locator('section.charts').scrollIntoViewIfNeeded();
    await wb.screenshot('e2e-health-charts.png');
    await wb.setPaneExpanded('Agent Runs', true);
    await wb.setPaneExpanded('Events', true);
    await wb.setSidebarWidth(480);
  });

  it('(b2) the Health view at 1280×800 beside Agent Runs and Events shows every verdict', async () => {
    assert.ok(wb, 'workbench not started');
    const page = wb.page;
    await page.setViewportSize({ width: 1280, height: 800 });
    try {
      await wb.setSidebarWidth(320);
      await wb.setPaneExpanded('Agent Runs', true);
      await wb.setPaneExpanded('Events', true);
      const frame = (await waitFor('the Health webview', async () => (await wb?.framesWith('article.card'))?.[0], 30_000));
      const fit = await waitFor('every card inside the Health view', async () => {
        const r = await frame.evaluate(() => {
          window.scrollTo(0, 0); // as the view opens: the earlier step scrolled to the charts
          const cards = Array.from(document.querySelectorAll('article.card')).map((e) => e.getBoundingClientRect());
          return {
            n: cards.length, h: window.innerHeight, w: window.innerWidth,
            top: Math.min(...cards.map((c) => c.top)), bottom: Math.max(...cards.map((c) => c.bottom)), right: Math.max(...cards.map((c) => c.right)),
          };
        });
        return r.n >= 4 && r.top >= 0 && r.bottom <= r.h + 1 && r.right <= r.w + 1 ? r : undefined;
      }, 15_000, async () => JSON.stringify(await frame.evaluate(() => ({ h: window.innerHeight, w: window.innerWidth, cards: Array.from(document.querySelectorAll('article.card')).map((e) => e.getBoundingClientRect().bottom) }))));
      metrics.healthViewAt1280x800 = fit;
      await wb.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
      const shot = await wb.screenshot('e2e-health-1280x800.png');
      if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(shot, path.join(root, 'docs', 'images', 'e2e-health-1280x800.png'));
    } finally {
      await page.setViewportSize({ width: 1440, height: 900 });
      await wb.setSidebarWidth(480);
    }
  });

  it('(b3) jump-to-source from a demo span lands on the emitting line of the example', async () => {
    assert.ok(wb, 'workbench not started');
    const page = wb.page;
    await wb.setPaneExpanded('Agent Runs', true);
    const run = await wb.treeRow('Agent Runs', /demo-/);
    await run.click();
    const traceRow = await wb.treeRow('Agent Runs', /agent run /);
    await traceRow.click();
    const frame = await waitFor('the waterfall of a demo trace', async () => (await wb?.framesWith('.span-row'))?.[0], 30_000);
    await frame.locator('.span-row', { hasText: 'Workload routing' }).first().click();
    await frame.locator('#open-source').click();
    // The routing log of the demo is the logfire.info call at base_agent.py line 36.
    await waitFor('base_agent.py open at line 36', async () => {
      // Each editor group has an active tab: the one showing base_agent.py must be among them.
      const tab = await page.locator('.tabs-container .tab.active', { hasText: 'base_agent.py' }).count();
      const pos = await page.locator('#status\\.editor\\.selection').innerText().catch(() => '');
      return tab > 0 && /Ln 36,/.test(pos) ? true : undefined;
    }, 30_000, async () => `active tabs: ${(await page.locator('.tabs-container .tab.active').allInnerTexts().catch(() => [])).join(' | ')}; position: ${await page.locator('#status\\.editor\\.selection').innerText().catch(() => '?')}`);
    const line = await page.locator('.monaco-editor .view-line').filter({ hasText: 'logfire.info(' }).count();
    assert.ok(line >= 1, 'the editor shows the logfire.info call');
    const shot = await wb.screenshot('e2e-jump-to-source.png');
    if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(shot, path.join(root, 'docs', 'images', 'e2e-jump-to-source.png'));
  });

  it('(b4) "Compare Runs…" shows two demo runs side by side', async () => {
    assert.ok(wb, 'workbench not started');
    await wb.runCommand('Telemetry Lens: Compare Runs…');
    await wb.pickRow((l) => /^demo-/.test(l), 'the first demo run');
    await wb.pickRow((l) => /^demo-/.test(l), 'a second demo run');
    const frame = await waitFor('the comparison tables', async () => (await wb?.framesWith('#table-spans tbody tr'))?.[0], 60_000,
      async () => `errors: ${(await wb?.framesWith('#error'))?.length ?? 0}`);
    const rows = await frame.locator('#table-spans tbody tr').allInnerTexts();
    assert.ok(rows.some((r) => /agent run \{agent\}/.test(r)), rows.join('\n'));
    assert.match(await frame.locator('#run-a').innerText(), /^A: demo-/);
    assert.match(await frame.locator('#run-b').innerText(), /^B: demo-/);
    metrics.compareSpanRows = rows.length;
    const shot = await wb.screenshot('e2e-compare.png');
    if (process.env.UPDATE_SCREENSHOTS === '1') fs.copyFileSync(shot, path.join(root, 'docs', 'images', 'e2e-compare.png'));
    await wb.page.keyboard.press('Control+W');
  });

  it('(c) "Run Query…" from the palette returns rows in the results table', async () => {
    assert.ok(wb, 'workbench not started');
    const page = wb.page;
    await wb.runCommand('Telemetry Lens: Run Query…');
    await waitFor('the query picker', () => page.locator('.quick-input-widget input[placeholder*="SQL"]').isVisible(), 15_000);
    const sql = "SELECT attributes->>'workload' AS workload, COUNT(*) AS calls FROM records WHERE message LIKE 'Workload routing%' GROUP BY 1 ORDER BY calls DESC";
    await page.locator('.quick-input-widget input').fill(sql);
    await wb.pickRow((l) => l.startsWith('Run: '), '"Run: <typed SQL>"');
    const frame = await waitFor(
      'result rows in the query webview',
      async () => {
        const frames = await wb?.framesWith('#results tbody tr');
        return frames?.[0];
      },
      60_000,
      async () => {
        const errs = await wb?.framesWith('#error');
        return errs?.length ? `query error: ${await errs[0].locator('#error').innerText()}` : '';
      },
    );
    const header = await frame.locator('#results thead th').allInnerTexts();
    assert.deepEqual(header.map((h) => h.replace(/[▲▼]/g, '').trim()), ['workload', 'calls']);
    const rows = await frame.locator('#results tbody tr').allInnerTexts();
    assert.ok(rows.length >= 1);
    assert.ok(rows.some((r) => /CODING/.test(r)), `demo traffic routes CODING work; rows:\n${rows.join('\n')}`);
    metrics.queryRows = rows.length;
    await wb.screenshot('e2e-query.png');
  });

  it('(c2) "Export Records…" writes the store as Parquet and "Import Records…" reads it back without duplicating', async () => {
    assert.ok(wb && server, 'workbench not started');
    const page = wb.page;
    const target = path.join(server.workspace, 'telemetry-records.parquet');
    const input = page.locator('.quick-input-widget input');
    const dialog = async (what: string, file: string) => {
      // code-server's own file dialogs are a quick input holding a path (not the palette's `>` text)
      await waitFor(what, async () => ((await input.isVisible()) && (await input.inputValue()).startsWith('/') ? true : undefined), 15_000);
      // The dialog may still be loading its folder listing and rewrite the path after it is typed:
      // type it again until it stays (the same on two looks in a row).
      let seen = 0;
      await waitFor(
        `${what} showing ${path.basename(file)}`,
        async () => {
          if ((await input.inputValue()) === file) return ++seen >= 2 ? true : undefined;
          seen = 0;
          await input.fill(file);
          return undefined;
        },
        20_000,
        async () => `input holds: ${await input.inputValue().catch(() => '(gone)')}`,
      );
      await page.keyboard.press('Enter');
    };
    await wb.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    await wb.runCommand('Telemetry Lens: Export Records…');
    await dialog('the save dialog', target);
    const exported = await waitFor(
      'the export notification',
      async () => (await wb?.notifications())?.find((n) => /exported [\d,.]+ records to .*telemetry-records\.parquet \(parquet\)/.test(n)),
      60_000,
      async () => `Notifications:\n${(await wb?.notifications())?.join('\n')}`,
    );
    assert.ok(fs.statSync(target).size > 1000, 'the Parquet file is written');
    const n = /exported ([\d,.]+) records/.exec(exported)![1];
    await wb.runCommand('Notifications: Clear All Notifications').catch(() => undefined);
    await wb.runCommand('Telemetry Lens: Import Records…');
    await dialog('the open dialog', target);
    await waitFor(
      'the import notification',
      async () => (await wb?.notifications())?.find((m) => m.includes(`imported 0 of ${n} records from 1 file (${n} already stored or repeated)`)),
      60_000,
      async () => `Notifications:\n${(await wb?.notifications())?.join('\n')}`,
    );
  });

  it('(d) "Trace Agent Run…" runs the fixture agent (Logfire Node SDK) and the run appears in Agent Runs', async () => {
    assert.ok(wb, 'workbench not started');
    await wb.runCommand('Telemetry Lens: Trace Agent Run…');
    await waitFor(
      'the fixture run in the Agent Runs tree',
      async () => {
        const rows = await wb?.treeRows('Agent Runs');
        return rows?.find((r) => /run_agent\.js/.test(r) && /[1-9]\d* spans?/.test(r));
      },
      90_000,
      async () => `Agent Runs:\n${(await wb?.treeRows('Agent Runs'))?.join('\n')}\nNotifications:\n${(await wb?.notifications())?.join('\n')}`,
    );
    // The agent exits after sending: the client reports the task's end and the run stops being live
    // (it shows a duration instead of "running") without waiting for the 2-minute quiet rule.
    const ended = await waitFor(
      'the fixture run to end',
      async () => (await wb?.treeRows('Agent Runs'))?.find((r) => /run_agent\.js/.test(r) && !/running/.test(r)),
      60_000,
      async () => `Agent Runs:\n${(await wb?.treeRows('Agent Runs'))?.join('\n')}`,
    );
    metrics.agentRunRow = ended.replace(/\s+/g, ' ').trim();
    await wb.screenshot('e2e-agent-run.png');
  });

  it('(e) a runtime schema violation from that run shows in the Problems panel', async () => {
    assert.ok(wb, 'workbench not started');
    await wb.showProblems();
    const violation = await waitFor(
      'a runtime violation (workload BATCH) at run_agent.js',
      async () => (await wb?.problems())?.find((p) => p.file === 'run_agent.js' && /runtime/i.test(p.text) && /BATCH/.test(p.text)),
      90_000,
      async () => `Problems panel:\n${await wb?.problemsText()}`,
    );
    await wb.screenshot('e2e-runtime-violation.png');
    // Placed at the emitting call in the agent: the logfire.info call spans lines 19-25.
    assert.ok(violation.line >= 19 && violation.line <= 25, `runtime violation at line ${violation.line}, expected on the logfire.info call (19-25): ${violation.text}`);
    metrics.runtimeViolation = violation.text;
  });

  it('reports its activation time in "Developer: Show Running Extensions"', async () => {
    assert.ok(wb, 'workbench not started');
    await wb.runCommand('Developer: Show Running Extensions');
    const row = await waitFor(
      'Telemetry Lens in the running extensions list',
      async () => {
        // The list is virtualised: page through it until our row is rendered.
        const list = wb?.page.locator('.runtime-extensions-editor .monaco-list-row');
        const rows = await list?.allInnerTexts();
        const found = rows?.find((r) => /Telemetry Lens/.test(r));
        if (!found && rows?.length) {
          await list?.first().click();
          await wb?.page.keyboard.press('End');
        }
        return found;
      },
      20_000,
      async () => (await wb?.page.locator('.runtime-extensions-editor').innerText().catch(() => '')) ?? '',
    );
    const ms = /(\d+)\s*ms/.exec(row);
    assert.ok(ms, `no activation time in: ${row}`);
    metrics.activationMs = Number(ms[1]);
    metrics.activationRow = row.replace(/\s+/g, ' ').trim();
    // The client's own figure from its output channel ("[client] activated in N ms"), when logged.
    for (const f of server?.logs() ?? []) {
      if (!/Telemetry Lens\.log$/.test(f)) continue;
      const m = /activated in ([\d.]+) ms/.exec(fs.readFileSync(f, 'utf8'));
      if (m) metrics.clientActivationMs = Number(m[1]);
    }
    await wb.screenshot('e2e-running-extensions.png');
    await wb.page.keyboard.press('Control+W');
  });
});
