// Lint worker thread (bundled to dist/server/lint-worker.js): lints batches of files (their text
// read by workspace.ts) with the schema and settings it was started with.
import { parentPort, workerData } from 'node:worker_threads';
import { loadAllGrammars } from '../languages';
import { type FileResult, type WorkerData, type WorkerRequest, type WorkerResponse, lintWorkerItem } from './workspace';

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
        const results: { i: number; result: FileResult }[] = [];
        for (const item of m.items) results.push({ i: item.i, result: await lintWorkerItem(item, data) });
        send({ type: 'done', results });
      })().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
    });
    send({ type: 'ready' });
  },
  (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
);
