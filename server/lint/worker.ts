// Lint worker thread (bundled to dist/server/lint-worker.js): lints batches of files (their text
// read by workspace.ts) with the schema and settings it was started with. Its first message
// carries the tree-sitter modules the main thread compiled (when it has them), so the worker
// neither compiles nor re-optimises the parser.
import { parentPort, workerData } from 'node:worker_threads';
import { loadAllGrammars } from '../languages';
import { initFromCompiled } from '../languages/parser';
import { type FileResult, type WorkerData, type WorkerRequest, type WorkerResponse, lintWorkerItem } from './workspace';

const port = parentPort;
if (!port) throw new Error('lint-worker.js must run as a worker thread');
const data = workerData as WorkerData;

function send(m: WorkerResponse): void {
  port!.postMessage(m);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function onRequest(m: WorkerRequest): void {
  if (m.type === 'init') {
    if (m.wasm) initFromCompiled(m.wasm);
    loadAllGrammars().then(
      () => send({ type: 'ready' }),
      (err: unknown) => send({ type: 'error', message: errorText(err) }),
    );
  } else if (m.type === 'stop') {
    port!.close();
  } else {
    void (async () => {
      const results: { i: number; result: FileResult }[] = [];
      for (const item of m.items) results.push({ i: item.i, result: await lintWorkerItem(item, data) });
      send({ type: 'done', results });
    })().catch((err: unknown) => send({ type: 'error', message: errorText(err) }));
  }
}

port.on('message', onRequest);
