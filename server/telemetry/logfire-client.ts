// Logfire query API client (remote backend): `POST {base}/v2/query` with the legacy
// `GET {base}/v1/query` as fallback when v2 answers 404. See https://logfire.pydantic.dev/docs/how-to-guides/query-api/.
//
// The read token is a parameter of every call. It is never stored, never logged, and scrubbed
// from every error message (a server could echo it back). It only goes over https to Logfire's own
// API hosts, or to a base URL the caller marks as configured and confirmed by the user
// (`baseUrlApproved`); every other destination is refused before a connection is made.
import { request } from 'undici';
import { tokenDestinationProblem } from '../../protocol/logfire';
import type { QueryColumn, QueryResult } from '../../protocol/protocol';
import { type BackendQueryOptions, QueryError, type QueryBackend } from './sql/index';

export const LOGFIRE_REGIONS: Record<string, string> = {
  us: 'https://logfire-us.pydantic.dev',
  eu: 'https://logfire-eu.pydantic.dev',
};
/** Logfire's cap on rows per request (v1 and v2). */
export const LOGFIRE_MAX_LIMIT = 10_000;
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_WINDOW_MS = 24 * 3600_000;
const USER_AGENT = 'telemetry-lens (logfire query client)';

export interface LogfireRegion {
  region: string;
  baseUrl: string;
  /** False when the token carries no region or an unknown one (then US is used, like the SDK). */
  known: boolean;
}

/** Region from the token prefix `pylf_v<N>_<region>_…`; no/unknown region → US. */
export function regionFromToken(token: string): LogfireRegion {
  const m = /^pylf_v[0-9]+_([a-z]+)_/.exec(token.trim());
  const region = m?.[1];
  if (region && LOGFIRE_REGIONS[region]) return { region, baseUrl: LOGFIRE_REGIONS[region], known: true };
  return { region: 'us', baseUrl: LOGFIRE_REGIONS.us, known: false };
}

export interface LogfireCallOptions extends BackendQueryOptions {
  /** Base URL override (setting `telemetryLens.logfire.baseUrl`); default from the token region. */
  baseUrl?: string;
  /**
   * The user configured `baseUrl` in their own settings (or environment, for the CLI) and confirmed it:
   * the token may go there although it is not a Logfire API host (plain http only to loopback).
   */
  baseUrlApproved?: boolean;
  timeoutMs?: number;
  /** Session timezone for the query on Logfire, e.g. 'Europe/Paris' (default UTC). */
  timezone?: string;
}

/** A failed Logfire call. `status` is the HTTP status when there was a response. */
export class LogfireError extends QueryError {
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterSeconds?: number,
  ) {
    super(message, 'remote');
    this.name = 'LogfireError';
  }
}

function scrub(text: string, token: string): string {
  const t = token.trim();
  return t.length >= 4 ? text.split(t).join('[token]') : text;
}

function baseUrlFor(token: string, override?: string): string {
  const base = override?.trim() || regionFromToken(token).baseUrl;
  return base.replace(/\/+$/, '');
}

/** Origin of the caller's base URL when the user approved it. */
function approvedOrigin(opts: LogfireCallOptions): string | undefined {
  if (!opts.baseUrlApproved || !opts.baseUrl?.trim()) return undefined;
  try {
    return new URL(opts.baseUrl.trim()).origin;
  } catch {
    return undefined;
  }
}

interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

async function call(token: string, url: string, init: { method: 'GET' | 'POST'; body?: string }, opts: LogfireCallOptions): Promise<HttpAnswer> {
  if (!token.trim()) throw new LogfireError('No Logfire read token: set one first (Telemetry Lens: Set Logfire Read Token, or LOGFIRE_READ_TOKEN for the CLI)');
  const problem = tokenDestinationProblem(url, approvedOrigin(opts));
  if (problem) throw new LogfireError(problem);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  try {
    const res = await request(url, {
      method: init.method,
      body: init.body,
      signal,
      headers: {
        authorization: `Bearer ${token.trim()}`,
        accept: 'application/json',
        'user-agent': USER_AGENT,
        ...(init.body ? { 'content-type': 'application/json' } : {}),
      },
    });
    const text = await res.body.text();
    const ct = String(res.headers['content-type'] ?? '');
    let body: unknown = text;
    if (ct.includes('json') || /^\s*[[{]/.test(text)) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.statusCode, headers: res.headers, body };
  } catch (e) {
    if (opts.signal?.aborted) throw new LogfireError('Query cancelled');
    if (timeout.aborted) throw new LogfireError(`Logfire did not answer within ${Math.round(timeoutMs / 1000)} s`);
    const msg = e instanceof Error ? e.message : String(e);
    throw new LogfireError(scrub(`Cannot reach Logfire at ${new URL(url).origin}: ${msg}`, token));
  }
}

function detailOf(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body) {
    const d = (body as { detail: unknown }).detail;
    if (typeof d === 'string') return d;
    if (Array.isArray(d)) {
      return d
        .map((x) => {
          const o = x as { loc?: unknown[]; msg?: string };
          return o.loc ? `${o.loc.join('.')}: ${o.msg ?? JSON.stringify(x)}` : (o.msg ?? JSON.stringify(x));
        })
        .join('; ');
    }
    return JSON.stringify(d);
  }
  if (typeof body === 'string') return body.trim().slice(0, 500);
  return JSON.stringify(body).slice(0, 500);
}

function errorFor(a: HttpAnswer, token: string): LogfireError {
  const detail = scrub(detailOf(a.body), token);
  switch (a.status) {
    case 401:
    case 403:
      return new LogfireError(
        `Logfire rejected the read token (HTTP ${a.status}). Check that it is a read token of the right project and region and has not been revoked.`,
        a.status,
      );
    case 400:
      return new LogfireError(`Logfire could not run the query: ${detail}`, 400);
    case 422:
      return new LogfireError(`Logfire rejected the request as invalid: ${detail}`, 422);
    case 429: {
      const ra = a.headers['retry-after'];
      const raText = Array.isArray(ra) ? ra[0] : ra;
      let seconds: number | undefined;
      if (raText !== undefined) {
        seconds = /^\d+$/.test(raText.trim()) ? Number(raText) : Math.max(0, Math.ceil((Date.parse(raText) - Date.now()) / 1000));
        if (Number.isNaN(seconds)) seconds = undefined;
      }
      return new LogfireError(
        `Logfire rate limit reached${detail ? ` (${detail})` : ''}${seconds !== undefined ? `; retry in ${seconds} s` : '; retry later'}`,
        429,
        seconds,
      );
    }
    default:
      return new LogfireError(`Unexpected response from Logfire: HTTP ${a.status}${detail ? `: ${detail}` : ''}`, a.status);
  }
}

function typeName(t: unknown): string {
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object') {
    const [k, v] = Object.entries(t)[0] ?? [];
    if (k === 'List' && v && typeof v === 'object') return `List(${typeName((v as { data_type?: unknown }).data_type)})`;
    if (Array.isArray(v)) return `${k}(${v.filter((x) => x !== null).join(', ')})`;
    if (k) return k;
  }
  return 'Unknown';
}

function normalizeValue(v: unknown): unknown {
  return v === undefined ? null : v;
}

/** v2 `{schema:{fields}, data:[{...}]}`, v1 row (`json_rows=true`) or v1 column-oriented → protocol rows. */
export function toQueryResult(body: unknown, started: number, limit: number): QueryResult {
  const b = (body ?? {}) as Record<string, unknown>;
  let columns: QueryColumn[] = [];
  let rows: unknown[][] = [];
  if (b.schema && Array.isArray(b.data)) {
    const fields = ((b.schema as { fields?: unknown[] }).fields ?? []) as { name: string; data_type?: unknown }[];
    columns = fields.map((f) => ({ name: f.name, type: typeName(f.data_type) }));
    rows = (b.data as Record<string, unknown>[]).map((r) => fields.map((f) => normalizeValue(r[f.name])));
  } else if (Array.isArray(b.columns)) {
    const cols = b.columns as { name: string; datatype?: unknown; values?: unknown[] }[];
    columns = cols.map((c) => ({ name: c.name, type: typeName(c.datatype) }));
    if (Array.isArray(b.rows)) {
      rows = (b.rows as Record<string, unknown>[]).map((r) => cols.map((c) => normalizeValue(r[c.name])));
    } else {
      const n = Math.max(0, ...cols.map((c) => c.values?.length ?? 0));
      for (let i = 0; i < n; i++) rows.push(cols.map((c) => normalizeValue(c.values?.[i])));
    }
  } else {
    throw new LogfireError('Unexpected response from Logfire: no schema/data or columns in the JSON body');
  }
  return { columns, rows, rowCount: rows.length, truncated: rows.length >= limit, durationMs: performance.now() - started, backend: 'logfire' };
}

/**
 * Runs Logfire SQL on Logfire. `minTimestamp` defaults to 24 h ago (v2 requires it), `limit` to
 * and at most 10,000.
 */
export async function logfireQuery(token: string, sql: string, opts: LogfireCallOptions = {}): Promise<QueryResult> {
  const started = performance.now();
  const base = baseUrlFor(token, opts.baseUrl);
  const limit = Math.max(1, Math.min(opts.limit ?? LOGFIRE_MAX_LIMIT, LOGFIRE_MAX_LIMIT));
  const min = (opts.minTimestamp ?? new Date(Date.now() - DEFAULT_WINDOW_MS)).toISOString();
  const max = opts.maxTimestamp?.toISOString();
  const body = JSON.stringify({ sql, min_timestamp: min, ...(max ? { max_timestamp: max } : {}), limit, ...(opts.timezone ? { timezone: opts.timezone } : {}) });
  const v2 = await call(token, `${base}/v2/query`, { method: 'POST', body }, opts);
  if (v2.status === 200) return toQueryResult(v2.body, started, limit);
  if (v2.status !== 404) throw errorFor(v2, token);
  // Legacy endpoint (before /v2/query existed): row-oriented JSON with json_rows=true.
  const qs = new URLSearchParams({ sql, min_timestamp: min, limit: String(limit), json_rows: 'true' });
  if (max) qs.set('max_timestamp', max);
  if (opts.timezone) qs.set('timezone', opts.timezone);
  const v1 = await call(token, `${base}/v1/query?${qs.toString()}`, { method: 'GET' }, opts);
  if (v1.status === 200) return toQueryResult(v1.body, started, limit);
  throw errorFor(v1, token);
}

export interface TokenCheck {
  ok: boolean;
  region: string;
  baseUrl: string;
  project?: string;
  error?: string;
}

/** Checks a read token with `/v1/read-token-info`, falling back to `SELECT 1`. The token is not kept. */
export async function validateToken(token: string, opts: { baseUrl?: string; baseUrlApproved?: boolean; timeoutMs?: number; signal?: AbortSignal } = {}): Promise<TokenCheck> {
  const reg = regionFromToken(token);
  const baseUrl = baseUrlFor(token, opts.baseUrl);
  const out: TokenCheck = { ok: false, region: opts.baseUrl ? 'custom' : reg.region, baseUrl };
  try {
    const info = await call(token, `${baseUrl}/v1/read-token-info`, { method: 'GET' }, opts);
    if (info.status === 200 && info.body && typeof info.body === 'object') {
      const b = info.body as { organization_name?: string; project_name?: string };
      out.ok = true;
      if (b.project_name) out.project = b.organization_name ? `${b.organization_name}/${b.project_name}` : b.project_name;
      return out;
    }
    if (info.status !== 404) throw errorFor(info, token);
    await logfireQuery(token, 'SELECT 1', { ...opts, limit: 1, minTimestamp: new Date(Date.now() - 3600_000) });
    out.ok = true;
  } catch (e) {
    out.error = scrub(e instanceof Error ? e.message : String(e), token);
  }
  return out;
}

/** Logfire as a query backend; the token is captured only for the lifetime of this object. */
export function logfireBackend(token: string, opts: { baseUrl?: string; baseUrlApproved?: boolean; timeoutMs?: number } = {}): QueryBackend {
  return {
    kind: 'logfire',
    query: (sql, q = {}) => logfireQuery(token, sql, { ...opts, ...q }),
  };
}
