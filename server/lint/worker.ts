// Lint worker thread (bundled to dist/server/lint-worker.js): lints batches of files sent by
// workspace.ts with the schema and settings it was started with.
import { parentPort, workerData } from 'node:worker_threads';
import { loadAllGrammars } from '../languages';
import { type FileResult, type WorkerData, type WorkerRequest, type WorkerResponse, lintFile } from './workspace';

const port = parentPort;
if (!port) throw new Error('lint-worker.js must run as a worker thread');
const data = workerData as WorkerData;

function send(m: WorkerResponse): void {
  port!.postMessage(m);
}

loadAllGrammars().then(
  () => {
    port.on('message', (m: WorkerRequest) => {
      if (m.type === 'stop') {
        port.close();
        return;
      }
      void (async () => {
        const results: FileResult[] = [];
        for (const f of m.files) results.push(await lintFile(f, data));
        send({ type: 'done', batch: m.batch, results });
      })().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
    });
    send({ type: 'ready' });
  },
  (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
);
