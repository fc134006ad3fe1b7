// `telemetry-lens demo`: Code Puppy-style traffic into the local store, or posted to a receiver.
import { demoOtlpRequests, generateDemoRecords } from '../telemetry/demo';
import { TelemetryStore } from '../telemetry/store';
import { UsageError, type Command } from './command';
import { guarded, intOption, parse } from './options';
import { defaultDbPath } from './store-common';

const DEMO_HELP = `usage: telemetry-lens demo [--db FILE] [--records N] [--seed N] [--scenario healthy|degraded] [--send URL]

Generates Code Puppy-style traffic over the last 24 hours (the bundled schema's six events). Written into the local
store, or with --send posted as OTLP/JSON to a receiver (e.g. http://127.0.0.1:4318).`;

const command: Command = {
  name: 'demo',
  usage: DEMO_HELP,
  summary: 'generate Code Puppy-style demo traffic',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { db: { type: 'string' }, records: { type: 'string' }, seed: { type: 'string' }, scenario: { type: 'string' }, send: { type: 'string' } }, DEMO_HELP);
      if (!a) return 0;
      const scenario = a.values.scenario ?? 'healthy';
      if (scenario !== 'healthy' && scenario !== 'degraded') throw new UsageError(`--scenario must be healthy or degraded, got '${scenario}'`);
      const rows = generateDemoRecords({ records: intOption(a.values.records, 'records', 5000), seed: intOption(a.values.seed, 'seed', 42), scenario });
      if (a.values.send) {
        let url: URL;
        try {
          url = new URL(a.values.send);
        } catch {
          throw new UsageError(`--send needs a URL, got '${a.values.send}'`);
        }
        if (!url.pathname.endsWith('/v1/traces')) url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
        let sent = 0;
        for (const body of demoOtlpRequests(rows)) {
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).catch((e: unknown) => {
            throw new UsageError(`cannot reach ${url.origin}: ${e instanceof Error ? e.message : String(e)}`);
          });
          const text = await res.text();
          if (!res.ok) throw new UsageError(`${url.href} answered HTTP ${res.status}: ${text.slice(0, 300)}`);
          sent += (body as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans[0].scopeSpans[0].spans.length;
        }
        process.stdout.write(`sent ${sent} span(s) to ${url.href}\n`);
        return 0;
      }
      const store = await TelemetryStore.open({ path: a.values.db ?? defaultDbPath(), retentionIntervalMs: 0 });
      try {
        const res = await store.insertBatch({ records: rows });
        process.stdout.write(`wrote ${res.records} demo record(s) (${scenario}) to ${store.path}\n`);
      } finally {
        await store.close();
      }
      return 0;
    }),
};

export default command;
