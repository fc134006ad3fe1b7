// A local HTTP server honouring Logfire cloud's documented query API contract (logfire-spec.md §1):
// POST /v2/query (JSON body, min_timestamp required, limit default 100 / max 10,000, row-oriented
// `{schema:{fields}, data}`), GET /v1/query (legacy; column-oriented or `json_rows=true` rows),
// GET /v1/read-token-info, auth with or without `Bearer`, FastAPI-style `{"detail": …}` errors.
// SQL runs on a real DuckDB store through the Logfire SQL front end.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLogfireQuery, QueryError, type ConnectionSource } from '../../server/telemetry/sql/index';
import type { QueryResult } from '../../protocol/protocol';

export interface FakeLogfireOptions {
  token: string;
  store: ConnectionSource;
  /** 'v1-only' answers 404 on /v2/query (an older deployment). */
  mode?: 'v2' | 'v1-only';
  /** Answer every query with 429 (and this Retry-After, if set). */
  rateLimited?: { retryAfter?: string };
  /** Delay every answer (ms). */
  delayMs?: number;
  /** Put this text into every 400 detail (to test that clients scrub secrets). */
  echoAuthInErrors?: boolean;
}

export interface FakeLogfire {
  url: string;
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

function arrowType(duckType: string): unknown {
  const t = duckType.toUpperCase();
  if (t === 'VARCHAR' || t === 'JSON') return 'Utf8';
  if (t === 'BIGINT' || t === 'HUGEINT') return 'Int64';
  if (t === 'INTEGER') return 'Int32';
  if (t === 'DOUBLE' || t.startsWith('DECIMAL')) return 'Float64';
  if (t === 'BOOLEAN') return 'Boolean';
  if (t.startsWith('TIMESTAMP')) return { Timestamp: ['Microsecond', 'UTC'] };
  if (t.endsWith('[]')) return { List: { name: 'item', data_type: 'Utf8', nullable: true, dict_id: 0, dict_is_ordered: false, metadata: {} } };
  return 'Utf8';
}

export async function startFakeLogfire(opts: FakeLogfireOptions): Promise<FakeLogfire> {
  const requests: FakeLogfire['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        const out = () => {
          res.writeHead(status, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify(payload));
        };
        if (opts.delayMs) setTimeout(out, opts.delayMs);
        else out();
      };
      const auth = req.headers.authorization ?? '';
      const presented = auth.startsWith('Bearer ') ? auth.slice(7) : auth;
      if (presented !== opts.token) return send(401, { detail: 'Invalid read token' });
      if (opts.rateLimited) {
        return send(429, { detail: 'Rate limit exceeded (minute)' }, opts.rateLimited.retryAfter ? { 'retry-after': opts.rateLimited.retryAfter } : {});
      }
      if (url.pathname === '/v1/read-token-info' && req.method === 'GET') {
        return send(200, { token_id: 't1', organization_name: 'acme', project_name: 'code-puppy', organization_id: 'o1', project_id: 'p1' });
      }
      let params: { sql?: unknown; min_timestamp?: unknown; max_timestamp?: unknown; limit?: unknown; timezone?: unknown };
      let v1 = false;
      if (url.pathname === '/v2/query' && req.method === 'POST') {
        if (opts.mode === 'v1-only') return send(404, { detail: 'Not Found' });
        try {
          params = JSON.parse(body);
        } catch {
          return send(422, { detail: [{ type: 'json_invalid', loc: ['body'], msg: 'JSON decode error' }] });
        }
      } else if (url.pathname === '/v1/query' && req.method === 'GET') {
        v1 = true;
        params = {
          sql: url.searchParams.get('sql') ?? undefined,
          min_timestamp: url.searchParams.get('min_timestamp') ?? undefined,
          max_timestamp: url.searchParams.get('max_timestamp') ?? undefined,
          limit: url.searchParams.has('limit') ? Number(url.searchParams.get('limit')) : undefined,
        };
      } else {
        return send(404, { detail: 'Not Found' });
      }
      if (typeof params.sql !== 'string') return send(422, { detail: [{ type: 'missing', loc: [v1 ? 'query' : 'body', 'sql'], msg: 'Field required' }] });
      if (!v1 && typeof params.min_timestamp !== 'string') {
        return send(422, { detail: [{ type: 'missing', loc: ['body', 'min_timestamp'], msg: 'Field required' }] });
      }
      if (params.timezone !== undefined) {
        try {
          new Intl.DateTimeFormat('en', { timeZone: String(params.timezone) });
        } catch {
          return send(422, { detail: [{ type: 'value_error', loc: ['body', 'timezone'], msg: `Unknown timezone ${String(params.timezone)}` }] });
        }
      }
      const limit = params.limit === undefined ? (v1 ? 500 : 100) : Number(params.limit);
      if (!Number.isInteger(limit) || limit < 0 || limit > 10_000) {
        return send(422, { detail: [{ type: 'less_than_equal', loc: [v1 ? 'query' : 'body', 'limit'], msg: 'Input should be less than or equal to 10000' }] });
      }
      const min = typeof params.min_timestamp === 'string' ? new Date(params.min_timestamp) : undefined;
      const max = typeof params.max_timestamp === 'string' ? new Date(params.max_timestamp) : undefined;
      runLogfireQuery(opts.store, params.sql, { limit, minTimestamp: min, maxTimestamp: max }).then(
        (r: QueryResult) => {
          const fields = r.columns.map((c) => ({ name: c.name, data_type: arrowType(c.type), nullable: true, dict_id: 0, dict_is_ordered: false, metadata: {} }));
          const objects = r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
          if (!v1) return send(200, { schema: { fields, metadata: {} }, data: objects });
          const columns = r.columns.map((c, i) => ({ name: c.name, datatype: arrowType(c.type), nullable: true, ...(url.searchParams.get('json_rows') === 'true' ? {} : { values: r.rows.map((row) => row[i]) }) }));
          if (url.searchParams.get('json_rows') === 'true') return send(200, { columns, rows: objects });
          return send(200, { columns });
        },
        (e: unknown) => {
          const msg = e instanceof QueryError ? e.message : String(e);
          send(400, { detail: `Error during planning: ${msg}${opts.echoAuthInErrors ? ` (request authorization: ${auth})` : ''}` });
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
