// The telemetry requests over LSP: receiver status, demo data + RunQuery, health checks, agent runs
// through the real OTLP receiver, runtime-conformance diagnostics, CodeLens, clearing the store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { CodeLensRequest, type CodeLens } from 'vscode-languageserver-protocol';
import { CancellationTokenSource } from 'vscode-jsonrpc';
import {
  ClearLocalData,
  DraftSchema,
  ExportRecords,
  GenerateDemoData,
  ImportRecords,
  GetChartData,
  GetReceiverStatus,
  GetTrace,
  ListTraces,
  LintWorkspace,
  ListEvents,
  ListRuns,
  PrepareRun,
  EndRun,
  RunHealthChecks,
  RunQuery,
  SavedQueries,
  SchemaInfo,
} from '../../protocol/protocol';
import { makeWorkspace, TestClient } from './client';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { recordLine } from '../../server/telemetry/bulk';
import { SEED_PY } from './fixtures';

function post(port: number, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/traces', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function logfireLog(opts: { template: string; message: string; attrs: Record<string, string | number>; runId?: string; file?: string; line?: number; level?: number }) {
  const now = BigInt(Date.now()) * 1_000_000n;
  const attributes = [
    { key: 'logfire.msg_template', value: { stringValue: opts.template } },
    { key: 'logfire.msg', value: { stringValue: opts.message } },
    { key: 'logfire.span_type', value: { stringValue: 'log' } },
    { key: 'logfire.level_num', value: { intValue: String(opts.level ?? 9) } },
    ...Object.entries(opts.attrs).map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v } })),
    ...(opts.file ? [{ key: 'code.filepath', value: { stringValue: opts.file } }, { key: 'code.lineno', value: { intValue: String(opts.line ?? 1) } }] : []),
  ];
  const resource = [{ key: 'service.name', value: { stringValue: 'agent' } }, ...(opts.runId ? [{ key: 'telemetry_lens.run_id', value: { stringValue: opts.runId } }] : [])];
  return {
    resourceSpans: [
      {
        resource: { attributes: resource },
        scopeSpans: [
          {
            scope: { name: 'logfire' },
            spans: [
              {
                traceId: [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join(''),
                spanId: [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join(''),
                name: opts.template,
                kind: 1,
                startTimeUnixNano: now.toString(),
                endTimeUnixNano: now.toString(),
                attributes,
              },
            ],
          },
        ],
      },
    ],
  };
}

test('receiver, demo data, queries, health checks, runs, runtime diagnostics and code lens over LSP', async () => {
  const ws = makeWorkspace({ 'agent.py': SEED_PY });
  const { client } = await TestClient.start({ workspace: ws, settings: { receiver: { autoStart: true, port: 0 } } });
  try {
    await client.conn.sendRequest(LintWorkspace);
    const status = await client.conn.sendRequest(GetReceiverStatus);
    assert.equal(status.running, true, JSON.stringify(status));
    assert.ok(status.port && status.port > 0);
    assert.match(status.dbPath, /\.telemetry-lens\/telemetry\.duckdb$/);
    // the default store folder keeps itself out of version control
    assert.match(fs.readFileSync(path.join(path.dirname(status.dbPath), '.gitignore'), 'utf8'), /^\*$/m);
    assert.equal(status.recordCount, 0);

    const info = await client.conn.sendRequest(SchemaInfo);
    assert.equal(info.bundled, true);
    assert.equal(info.events, 6);

    const demo = await client.conn.sendRequest(GenerateDemoData, { records: 400 });
    assert.ok(demo.records > 300, JSON.stringify(demo));
    const q = await client.conn.sendRequest(RunQuery, { sql: 'SELECT count(*) AS n FROM records', backend: 'local' });
    assert.deepEqual(q.columns.map((c) => c.name), ['n']);
    assert.equal(Number(q.rows[0][0]), demo.records);
    assert.equal(q.backend, 'local');
    // a bad query is an error with the position, not a crash
    await assert.rejects(client.conn.sendRequest(RunQuery, { sql: 'DELETE FROM records', backend: 'local' }), /read-only|not allowed|SELECT/i);
    // StoreChanged notification after the committed demo batch
    for (let i = 0; i < 100 && !client.notifications.some((n) => n.method === 'telemetryLens/storeChanged'); i++) await new Promise((r) => setTimeout(r, 50));
    const changed = client.notifications.find((n) => n.method === 'telemetryLens/storeChanged')!.params as { recordCount: number; added: number; port: number };
    assert.equal(changed.added, demo.records);
    assert.equal(changed.port, status.port);

    // a long query is cancelled with $/cancelRequest
    const cts = new CancellationTokenSource();
    const slow = client.conn.sendRequest(
      RunQuery,
      { sql: "SELECT count(*) FROM records a, records b, records c WHERE a.message || b.message || c.message LIKE '%no such text%'", backend: 'local' },
      cts.token,
    );
    setTimeout(() => cts.cancel(), 300);
    const t0 = Date.now();
    await assert.rejects(slow, /cancel/i);
    assert.ok(Date.now() - t0 < 10_000, 'cancelled promptly');

    const charts = await client.conn.sendRequest(GetChartData, { backend: 'local', timeRange: '24h' });
    assert.ok(charts.routing.length > 0 && charts.routing.every((r) => r.calls > 0), JSON.stringify(charts.routing));

    const draft = await client.conn.sendRequest(DraftSchema);
    assert.match(draft.text, /Workload routing: \{agent\} → \{workload\} → \{model\}/);
    assert.equal(draft.events, 1);
    assert.ok(draft.suggestedPath.endsWith('telemetry.schema.yaml'));

    const saved = await client.conn.sendRequest(SavedQueries);
    assert.ok(saved.length > 0 && saved.every((s) => s.name && s.sql));
    const report = await client.conn.sendRequest(RunHealthChecks, { backend: 'local', timeRange: '24h' });
    assert.ok(report.checks.length >= 4);
    assert.ok(report.checks.every((c) => ['pass', 'warn', 'fail', 'error'].includes(c.verdict)));
    assert.ok(report.checks.some((c) => c.verdict !== 'error'), JSON.stringify(report.checks.map((c) => [c.id, c.verdict, c.error])));

    // code lens above the seed call counts the demo's routing records
    const uri = await client.open('agent.py', 'python');
    await client.diagnostics(uri, 1);
    const lenses = (await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
    assert.equal(lenses.length, 1);
    assert.match(lenses[0].command!.title, /^fired \d[\d,]*× in 24h · last \d\d:\d\d$/);
    assert.equal(lenses[0].range.start.line, 4);

    // an editor-launched run: env for the agent, spans through the real receiver, listed as a run
    const run = await client.conn.sendRequest(PrepareRun, { label: 'python agent.py' });
    assert.equal(run.env.OTEL_EXPORTER_OTLP_ENDPOINT, `http://127.0.0.1:${status.port}`);
    assert.equal(run.env.OTEL_EXPORTER_OTLP_PROTOCOL, 'http/protobuf');
    assert.equal(run.env.OTEL_RESOURCE_ATTRIBUTES, `telemetry_lens.run_id=${run.runId}`);
    assert.equal(run.env.LOGFIRE_SEND_TO_LOGFIRE, 'false');
    const nodeRun = await client.conn.sendRequest(PrepareRun, { label: 'fixture', command: 'node agent.mjs' });
    assert.equal(nodeRun.env.LOGFIRE_BASE_URL, `http://127.0.0.1:${status.port}`);
    assert.equal(nodeRun.env.LOGFIRE_SEND_TO_LOGFIRE, 'true', 'logfire-node sends nothing when this is false');
    assert.ok(nodeRun.env.LOGFIRE_TOKEN);

    // a runtime violation at agent.py line 5: wrong workload value, seen twice
    const before = client.published.length;
    for (let i = 0; i < 2; i++) {
      const code = await post(
        status.port!,
        logfireLog({
          template: 'Workload routing: {agent} → {workload} → {model}',
          message: 'Workload routing: husky → BAKING → glm',
          attrs: { agent: 'husky', workload: 'BAKING', orchestrated_model: 'glm', default_model: 'x' },
          runId: run.runId,
          file: 'agent.py',
          line: 5,
        }),
      );
      assert.equal(code, 200);
    }
    const runtime = await client.waitFor(
      (p) => p.params.uri === uri && p.params.diagnostics.some((d) => d.source === 'Telemetry Lens (runtime)' && /2×/.test(d.message)),
      20_000,
      before,
    );
    const rd = runtime.params.diagnostics.find((d) => d.source === 'Telemetry Lens (runtime)')!;
    assert.equal(rd.code, 'TL005');
    assert.equal(rd.range.start.line, 4);
    assert.match(rd.message, /BAKING.*\(seen at runtime: 2×, last \d\d:\d\d\)$/);
    // the static TL007 finding is still there next to it
    assert.ok(runtime.params.diagnostics.some((d) => d.source === 'Telemetry Lens' && d.code === 'TL007'));

    const runs = await client.conn.sendRequest(ListRuns);
    const mine = runs.find((r) => r.runId === run.runId);
    assert.ok(mine, JSON.stringify(runs));
    assert.equal(mine.spanCount, 2);
    assert.equal(mine.label, 'python agent.py');
    assert.equal(mine.live, true, 'data arrived just now and nobody ended the run');
    assert.equal(mine.endedAt, undefined);
    // the client reports the agent's exit: the run ends at once, not after the 2-minute quiet rule
    await client.conn.sendRequest(EndRun, { runId: run.runId, exitCode: 0 });
    const endedRun = (await client.conn.sendRequest(ListRuns)).find((r) => r.runId === run.runId);
    assert.equal(endedRun?.live, false);
    assert.ok(endedRun?.endedAt && Date.parse(endedRun.endedAt) >= Date.parse(endedRun.startedAt), JSON.stringify(endedRun));
    assert.equal(endedRun?.spanCount, 2);
    const traces = await client.conn.sendRequest(ListTraces, { runId: run.runId });
    assert.equal(traces.length, 2);
    const trace = await client.conn.sendRequest(GetTrace, { traceId: traces[0].traceId });
    assert.equal(trace?.spans.length, 1);
    assert.equal(trace?.spans[0].codeLineno, 5);
    assert.ok(trace?.spans[0].violations.includes('TL005'), JSON.stringify(trace?.spans[0].violations));

    const events = await client.conn.sendRequest(ListEvents);
    const routing = events.find((e) => e.template?.startsWith('Workload routing'))!;
    assert.equal(routing.callSites, 1);
    assert.ok(routing.runtimeCount >= 2);

    const cleared = await client.conn.sendRequest(ClearLocalData);
    assert.equal(cleared.recordCount, 0);
    const gone = await client.waitFor((p) => p.params.uri === uri && !p.params.diagnostics.some((d) => d.source === 'Telemetry Lens (runtime)'), 20_000, client.published.length - 1);
    assert.ok(gone.params.diagnostics.some((d) => d.code === 'TL007'), 'static findings stay after the runtime ones are cleared');
  } finally {
    await client.stop();
  }
});

test('Import Records and Export Records over LSP: the editor loads and writes records files while it holds the store', async () => {
  const ws = makeWorkspace({ 'agent.py': SEED_PY });
  const { client } = await TestClient.start({ workspace: ws, settings: { receiver: { autoStart: true, port: 0 } } });
  try {
    const status = await client.conn.sendRequest(GetReceiverStatus);
    assert.equal(status.running, true, JSON.stringify(status));
    // records files written by the demo generator, as `telemetry-lens import` reads them
    const rows = generateDemoRecords({ records: 600, seed: 3 });
    const file = path.join(ws, 'records.ndjson');
    fs.writeFileSync(file, rows.map(recordLine).join('\n') + '\n');
    const before = client.notifications.length;
    const imported = await client.conn.sendRequest(ImportRecords, { files: [file] });
    assert.deepEqual([imported.files, imported.rows, imported.inserted, imported.duplicates], [1, rows.length, rows.length, 0]);
    assert.ok(imported.runIds.length > 0, 'demo records carry run ids');
    const changed = client.notifications.slice(before).find((n) => n.method === 'telemetryLens/storeChanged')?.params as { recordCount: number; added: number; runIds: string[] } | undefined;
    assert.deepEqual([changed?.recordCount, changed?.added], [rows.length, rows.length], 'the views hear about the imported rows');
    const runs = await client.conn.sendRequest(ListRuns);
    assert.ok(imported.runIds.every((id) => runs.some((r) => r.runId === id)), 'imported runs appear in Agent Runs');
    // the receiver keeps working after the import, and an import never duplicates
    assert.equal(await post(status.port!, logfireLog({ template: 'After import {n}', message: 'After import 1', attrs: { n: 1 } })), 200);
    const again = await client.conn.sendRequest(ImportRecords, { files: [file] });
    assert.deepEqual([again.inserted, again.duplicates], [0, rows.length]);
    const count = await client.conn.sendRequest(RunQuery, { sql: 'SELECT count(*) AS n FROM records', backend: 'local' });
    assert.equal(Number(count.rows[0][0]), rows.length + 1);

    // a bad file: the error names file:line and nothing is imported
    const bad = path.join(ws, 'bad.ndjson');
    fs.writeFileSync(bad, `${recordLine(rows[0])}\n{oops\n`);
    await assert.rejects(client.conn.sendRequest(ImportRecords, { files: [bad] }), (e: Error) => e.message.includes(`${bad}:2: malformed JSON`));

    // export one run to Parquet and everything to NDJSON; both read back
    const runId = imported.runIds[0];
    const one = await client.conn.sendRequest(ExportRecords, { file: path.join(ws, 'run.parquet'), runId });
    const [inRun] = (await client.conn.sendRequest(RunQuery, { sql: `SELECT count(*) FROM records WHERE run_id = '${runId}'`, backend: 'local' })).rows;
    assert.deepEqual([one.format, one.rows], ['parquet', Number(inRun[0])]);
    const all = await client.conn.sendRequest(ExportRecords, { file: path.join(ws, 'all.jsonl') });
    assert.deepEqual([all.format, all.rows], ['ndjson', rows.length + 1]);
    assert.equal(fs.readFileSync(path.join(ws, 'all.jsonl'), 'utf8').trim().split('\n').length, rows.length + 1);
    const back = await client.conn.sendRequest(ImportRecords, { files: [path.join(ws, 'run.parquet'), path.join(ws, 'all.jsonl')] });
    assert.equal(back.inserted, 0, 'everything exported is already stored');
    await assert.rejects(client.conn.sendRequest(ExportRecords, { file: path.join(ws, 'records.txt') }), /cannot tell the format from 'records\.txt'/);
  } finally {
    await client.stop();
  }
});
