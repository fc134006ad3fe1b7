// Lint worker thread (bundled to dist/server/lint-worker.js): lints batches of files (their text
// read by workspace.ts) with the schema and settings it was started with. Its `init` message
// carries the tree-sitter modules the main thread compiled (when it has them), so the worker
// neither compiles nor re-optimises the parser. Batches may arrive before `init` (the main thread
// sends them as soon as the worker exists); they run in order once the grammars are loaded.
import { parentPort, workerData } from 'node:worker_threads';
import { errorText } from '../errors';
import { loadAllGrammars } from '../languages';
import { initFromCompiled } from '../languages/parser';
import { type FileResult, type WorkerData, type WorkerRequest, type WorkerResponse, lintWorkerItem } from './file-lint';

const port = parentPort;
if (!port) throw new Error('lint-worker.js must run as a worker thread');
const data = workerData as WorkerData;

function send(m: WorkerResponse): void {
  port!.postMessage(m);
}

let started!: () => void;
/** Settles when `init` has loaded the grammars; every batch runs after it, one after another. */
let chain = new Promise<void>((resolve) => (started = resolve));

async function lintBatch(items: WorkerRequest & { type: 'lint' }): Promise<void> {
  const results: { i: number; result: FileResult }[] = [];
  for (const item of items.items) results.push({ i: item.i, result: await lintWorkerItem(item, data) });
  send({ type: 'done', results });
}

function onRequest(m: WorkerRequest): void {
  if (m.type === 'init') {
    if (m.wasm) initFromCompiled(m.wasm);
    loadAllGrammars().then(started, (err: unknown) => send({ type: 'error', message: errorText(err) }));
  } else if (m.type === 'stop') {
    void chain.then(() => port!.close());
  } else {
    chain = chain.then(() => lintBatch(m)).catch((err: unknown) => send({ type: 'error', message: errorText(err) }));
  }
}

port.on('message', onRequest);
