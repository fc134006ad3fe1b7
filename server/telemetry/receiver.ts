// OTLP/HTTP receiver on 127.0.0.1 (OTLP/HTTP, https://opentelemetry.io/docs/specs/otlp/): POST /v1/traces, /v1/logs, /v1/metrics in protobuf or
// JSON, optionally gzip/deflate-compressed. Answers in the request's content type:
//   200 (+ partialSuccess when items were rejected) only after the data is committed to DuckDB;
//   400 undecodable body · 403 a request from a web page (an `Origin` header) or addressed to a host
//   name other than a loopback one (DNS rebinding) · 404 unknown path · 405 not POST · 413 body over the cap (checked on the
//   compressed AND the decompressed stream, so a gzip bomb is cut off early) · 415 unknown content
//   type or encoding · 503 + Retry-After when the write queue is full or the store failed.
import http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { decodeLogs, decodeMetrics, decodeTraces, encodeResponse, encodeStatus, OtlpDecodeError, type Encoding, type Signal } from './otlp/decode';
import { mapLogs, mapMetrics, mapTraces } from './map';
import { IngestQueue, QueueFullError, isDataError, type CommittedBatch } from './ingest';

export const DEFAULT_OTLP_PORT = 4318;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface ReceiverOptions {
  queue: IngestQueue;
  /** Preferred port (default 4318); 0 = any free port. When taken, the next free ports are tried. */
  port?: number;
  /** How many ports after `port` to try when it is taken (default 20). */
  portAttempts?: number;
  /** Request body cap in bytes, compressed and decompressed (default 64 MiB). */
  maxBodyBytes?: number;
}

export interface ReceiverStats {
  requests: number;
  accepted: number;
  /** Items rejected inside otherwise accepted requests (partial success). */
  rejectedItems: number;
  /** Requests answered with a 4xx/5xx, by status. */
  errors: Record<number, number>;
}

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
// google.rpc.Code values for the Status body (clients ignore them; the collector sets them too).
const RPC = { INVALID_ARGUMENT: 3, NOT_FOUND: 5, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, UNIMPLEMENTED: 12, UNAVAILABLE: 14 };

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly rpcCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const IPV4_LOOPBACK = /^127\.(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){2}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Why a request may not be served, or undefined. The receiver listens on loopback, but a web page the
 * user visits can still reach it: directly (its requests carry `Origin`), or through a DNS name that
 * resolves to 127.0.0.1 (DNS rebinding: the request then names the attacker's host in `Host`). OTLP
 * exporters are local processes that send neither an `Origin` nor another host's name.
 */
export function refusedRequest(headers: http.IncomingHttpHeaders, port: number): string | undefined {
  const origin = headers.origin;
  if (origin !== undefined) {
    return `requests from web pages are refused (this one carries Origin: ${JSON.stringify(origin)}); the receiver accepts OTLP only from local processes such as OpenTelemetry or Logfire exporters`;
  }
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'none') {
    return `requests from web pages are refused (this one carries Sec-Fetch-Site: ${JSON.stringify(site)}); the receiver accepts OTLP only from local processes`;
  }
  const host = headers.host;
  if (!host) return 'a Host header is required (e.g. Host: 127.0.0.1:' + port + ')';
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(host.trim());
  const name = m?.[1].toLowerCase();
  const hostPort = m ? (m[2] === undefined ? 80 : Number(m[2])) : NaN;
  const loopback = name === 'localhost' || name === '[::1]' || (name !== undefined && IPV4_LOOPBACK.test(name));
  if (!loopback || hostPort !== port) {
    return `requests must be addressed to this receiver by a loopback name (localhost, 127.0.0.1 or [::1]) and its port ${port}, got Host: ${JSON.stringify(host)}; another name can be a DNS rebinding attack from a web page`;
  }
  return undefined;
}

function encodingOf(contentType: string | undefined): Encoding | null {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (media === 'application/x-protobuf' || media === 'application/protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return null;
}

export class OtlpReceiver {
  readonly stats: ReceiverStats = { requests: 0, accepted: 0, rejectedItems: 0, errors: {} };
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    readonly queue: IngestQueue,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Base URL for OTLP exporters (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening on 127.0.0.1; resolves with the receiver once bound (see `port`). */
  static async start(opts: ReceiverOptions): Promise<OtlpReceiver> {
    const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    let receiver: OtlpReceiver | undefined;
    const server = http.createServer((req, res) => {
      receiver!.handle(req, res, max).catch((e: unknown) => {
        // Last resort: never leave a request hanging or crash the process.
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`internal error: ${e instanceof Error ? e.message : String(e)}`);
        } else res.destroy();
      });
    });
    server.keepAliveTimeout = 30_000;
    server.requestTimeout = 120_000;
    const first = opts.port ?? DEFAULT_OTLP_PORT;
    const attempts = first === 0 ? 1 : (opts.portAttempts ?? 20);
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      const port = first === 0 ? 0 : first + i;
      try {
        await new Promise<void>((resolve, reject) => {
          const onErr = (e: Error) => {
            server.off('listening', onOk);
            reject(e);
          };
          const onOk = () => {
            server.off('error', onErr);
            resolve();
          };
          server.once('error', onErr);
          server.once('listening', onOk);
          server.listen(port, '127.0.0.1');
        });
        receiver = new OtlpReceiver(server, (server.address() as AddressInfo).port, opts.queue);
        return receiver;
      } catch (e) {
        lastErr = e;
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    throw new Error(`cannot listen on 127.0.0.1:${first}${attempts > 1 ? `..${first + attempts - 1}` : ''}: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`);
  }

  onCommitted(listener: (b: CommittedBatch) => void): () => void {
    return this.queue.onCommitted(listener);
  }

  /** Stops accepting requests, waits for queued writes, closes idle connections. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      setTimeout(() => {
        for (const s of this.sockets) s.destroy();
      }, 2000).unref();
    });
    await this.queue.drain();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, maxBytes: number): Promise<void> {
    this.stats.requests++;
    const encoding = encodingOf(req.headers['content-type']) ?? 'json';
    try {
      const refused = refusedRequest(req.headers, this.port);
      if (refused) throw new HttpError(403, RPC.PERMISSION_DENIED, refused);
      const signal = PATHS[(req.url ?? '').split('?')[0]];
      if (!signal) throw new HttpError(404, RPC.NOT_FOUND, `unknown path ${req.url}; OTLP/HTTP paths are /v1/traces, /v1/logs and /v1/metrics`);
      if (req.method !== 'POST') throw new HttpError(405, RPC.UNIMPLEMENTED, `method ${req.method} not allowed; use POST`, { allow: 'POST' });
      const enc = encodingOf(req.headers['content-type']);
      if (!enc) {
        throw new HttpError(415, RPC.INVALID_ARGUMENT, `unsupported content type ${JSON.stringify(req.headers['content-type'] ?? '')}; use application/x-protobuf or application/json`);
      }
      if (this.queue.isFull()) {
        throw new HttpError(503, RPC.UNAVAILABLE, 'the telemetry store is busy (write queue full); retry later', { 'retry-after': '1' });
      }
      const body = await readBody(req, maxBytes);
      const received = BigInt(Date.now()) * 1_000_000n;
      let rejected: number;
      let errors: string[];
      let item;
      try {
        if (signal === 'traces') {
          const d = decodeTraces(body, enc);
          ({ rejected, errors } = d);
          item = { records: mapTraces(d) };
        } else if (signal === 'logs') {
          const d = decodeLogs(body, enc);
          ({ rejected, errors } = d);
          item = { records: mapLogs(d, received) };
        } else {
          const d = decodeMetrics(body, enc);
          ({ rejected, errors } = d);
          item = { metrics: mapMetrics(d) };
        }
      } catch (e) {
        if (e instanceof OtlpDecodeError) throw new HttpError(400, RPC.INVALID_ARGUMENT, e.message);
        throw e;
      }
      try {
        await this.queue.submit(item);
      } catch (e) {
        if (e instanceof QueueFullError) throw new HttpError(503, RPC.UNAVAILABLE, e.message, { 'retry-after': String(e.retryAfterSeconds) });
        const why = e instanceof Error ? e.message : String(e);
        if (isDataError(e)) throw new HttpError(400, RPC.INVALID_ARGUMENT, `the store refused this request's data: ${why}`);
        throw new HttpError(503, RPC.UNAVAILABLE, `could not store telemetry: ${why}`, { 'retry-after': '5' });
      }
      this.stats.accepted++;
      this.stats.rejectedItems += rejected;
      const out = encodeResponse(signal, enc, rejected, rejected ? `${rejected} item(s) rejected: ${errors.join('; ')}` : '');
      res.writeHead(200, { 'content-type': enc === 'json' ? 'application/json' : 'application/x-protobuf', 'content-length': out.byteLength });
      res.end(out);
    } catch (e) {
      const err = e instanceof HttpError ? e : new HttpError(500, 13, e instanceof Error ? e.message : String(e));
      this.stats.errors[err.status] = (this.stats.errors[err.status] ?? 0) + 1;
      const out = encodeStatus(encoding, err.rpcCode, err.message);
      const headers: Record<string, string | number> = {
        'content-type': encoding === 'json' ? 'application/json' : 'application/x-protobuf',
        'content-length': out.byteLength,
        ...err.headers,
      };
      // The rest of an unread body is not worth reading: close the connection after answering.
      const unread = !req.complete;
      if (unread) headers.connection = 'close';
      res.writeHead(err.status, headers);
      res.end(out);
      if (unread) {
        res.on('finish', () => req.destroy());
        req.resume();
      }
    }
  }
}

/**
 * Reads the body, decompressing gzip/deflate as a stream, and stops as soon as either the wire bytes
 * or the decompressed bytes exceed `max` (413). Never holds more than `max` bytes.
 */
function readBody(req: http.IncomingMessage, max: number): Promise<Uint8Array> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > max) {
    return Promise.reject(new HttpError(413, RPC.RESOURCE_EXHAUSTED, `request body of ${declared} bytes exceeds the ${max}-byte limit`));
  }
  const ce = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let inflater: zlib.Gunzip | zlib.Inflate | undefined;
  if (ce === 'gzip' || ce === 'x-gzip') inflater = zlib.createGunzip();
  else if (ce === 'deflate') inflater = zlib.createInflate();
  else if (ce !== 'identity' && ce !== '') {
    return Promise.reject(new HttpError(415, RPC.INVALID_ARGUMENT, `unsupported content encoding ${JSON.stringify(ce)}; use gzip, deflate or none`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let wire = 0;
    let size = 0;
    let done = false;
    const fail = (e: unknown) => {
      if (done) return;
      done = true;
      inflater?.destroy();
      reject(e);
    };
    const tooBig = (what: string) =>
      fail(new HttpError(413, RPC.RESOURCE_EXHAUSTED, `request body exceeds the ${max}-byte limit${what}`));
    const sink = (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) return tooBig(inflater ? ' after decompression' : '');
      chunks.push(c);
    };
    const finish = () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    req.on('data', (c: Buffer) => {
      if (done) return;
      wire += c.length;
      if (wire > max) return tooBig('');
      if (inflater) inflater.write(c);
      else sink(c);
    });
    req.on('error', fail);
    req.on('aborted', () => fail(new HttpError(400, RPC.INVALID_ARGUMENT, 'request aborted by the client')));
    if (inflater) {
      inflater.on('data', sink);
      inflater.on('error', (e) => fail(new HttpError(400, RPC.INVALID_ARGUMENT, `cannot decompress ${ce} body: ${e.message}`)));
      inflater.on('end', finish);
      req.on('end', () => {
        if (!done) inflater!.end();
      });
    } else req.on('end', finish);
  });
}
