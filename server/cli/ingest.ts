// `telemetry-lens ingest FILE...`: OTLP JSON/protobuf files into the local store.
import type { Signal } from '../telemetry/otlp/decode';
import { decodeOtlpFile } from '../telemetry/otlp/file';
import { TelemetryStore } from '../telemetry/store';
import { UsageError, type Command } from './command';
import { guarded, parse } from './options';
import { defaultDbPath } from './store-common';

const INGEST_HELP = `usage: telemetry-lens ingest FILE... [--db FILE] [--signal traces|logs|metrics]

Loads OTLP export requests from files into the local store: protobuf (.pb/.bin/.protobuf) or JSON
(.json; also one request per line, as the OpenTelemetry Collector's file exporter writes), optionally
gzipped (.gz). The signal comes from the JSON keys, else from the file name (logs/metrics), else traces.
Files that cannot be read are reported with the reason; the others are still ingested (exit 1 then).`;

const command: Command = {
  name: 'ingest',
  usage: INGEST_HELP,
  summary: 'load OTLP JSON/protobuf files into the local store',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { db: { type: 'string' }, signal: { type: 'string' } }, INGEST_HELP);
      if (!a) return 0;
      if (a.positionals.length === 0) throw new UsageError(`no files given\n\n${INGEST_HELP}`);
      const forced = a.values.signal as Signal | undefined;
      if (forced && !['traces', 'logs', 'metrics'].includes(forced)) throw new UsageError(`--signal must be traces, logs or metrics, got '${forced}'`);
      const store = await TelemetryStore.open({ path: a.values.db ?? defaultDbPath(), retentionIntervalMs: 0 });
      let failed = 0;
      let total = 0;
      try {
        for (const file of a.positionals) {
          let decoded;
          try {
            decoded = decodeOtlpFile(file, forced);
          } catch (e) {
            failed++;
            process.stderr.write(`${file}: ${e instanceof Error ? e.message : String(e)}\n`);
            continue;
          }
          const res = await store.insertBatch({ records: decoded.records, metrics: decoded.metrics });
          total += res.records + res.metrics;
          const notes = [decoded.rejected ? `${decoded.rejected} invalid item(s) skipped${decoded.errors.length ? `: ${decoded.errors.join('; ')}` : ''}` : '', res.duplicates ? `${res.duplicates} duplicate(s)` : '']
            .filter(Boolean)
            .join(', ');
          process.stdout.write(`${file}: ${res.records} record(s), ${res.metrics} metric point(s)${notes ? ` (${notes})` : ''}\n`);
        }
      } finally {
        await store.close();
      }
      process.stdout.write(`ingested ${total} row(s) from ${a.positionals.length - failed} of ${a.positionals.length} file(s) into ${store.path}\n`);
      return failed ? 1 : 0;
    }),
};

export default command;
