// `telemetry-lens serve`: the OTLP/HTTP receiver on loopback, writing into the local store until Ctrl-C.
import { IngestQueue } from '../telemetry/ingest';
import { DEFAULT_OTLP_PORT, OtlpReceiver } from '../telemetry/receiver';
import { TelemetryStore } from '../telemetry/store';
import { UsageError, type Command } from './command';
import { guarded, intOption, parse } from './options';
import { defaultDbPath } from './store-common';

const SERVE_HELP = `usage: telemetry-lens serve [--port N] [--db FILE]

Runs the OTLP/HTTP receiver on 127.0.0.1 (default port ${DEFAULT_OTLP_PORT}; the next free port when taken)
and writes what it receives into the local store until interrupted (Ctrl-C).`;

const command: Command = {
  name: 'serve',
  usage: SERVE_HELP,
  summary: 'run the local OTLP receiver and store',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { port: { type: 'string' }, db: { type: 'string' } }, SERVE_HELP);
      if (!a) return 0;
      const port = intOption(a.values.port, 'port', DEFAULT_OTLP_PORT);
      if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
      const store = await TelemetryStore.open({ path: a.values.db ?? defaultDbPath() });
      const queue = new IngestQueue(store);
      let receiver: OtlpReceiver;
      try {
        receiver = await OtlpReceiver.start({ queue, port });
      } catch (e) {
        await store.close();
        throw new UsageError((e as Error).message);
      }
      process.stdout.write(`Telemetry Lens receiver listening on ${receiver.url} (store: ${store.path})\n`);
      process.stdout.write(`  export OTEL_EXPORTER_OTLP_ENDPOINT=${receiver.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await receiver.close();
      await store.close();
      process.stdout.write(`stopped; ${queue.totals.records} record(s) received\n`);
      return 0;
    }),
};

export default command;
