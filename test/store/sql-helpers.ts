// Shared by the SQL / health / views / remote tests: a real in-memory store with rows, and the
// seed's queries extracted from the seed document text itself.
import fs from 'node:fs';
import path from 'node:path';
import { TelemetryStore, type RecordRow } from '../../server/telemetry/store';
import { packageRoot } from '../../server/paths';

export async function memoryStore(rows: RecordRow[] = []): Promise<TelemetryStore> {
  const store = await TelemetryStore.open({ path: ':memory:', retentionIntervalMs: 0 });
  if (rows.length) await store.insertBatch({ records: rows });
  return store;
}

/** A records row with every optional column NULL; tests override only what they care about. */
export function recordRow(over: Partial<RecordRow> = {}): RecordRow {
  return {
    start_timestamp: 0,
    end_timestamp: 0,
    duration: null,
    trace_id: '0'.repeat(31) + '1',
    span_id: '0'.repeat(15) + '1',
    parent_span_id: null,
    kind: 'log',
    level: 9,
    span_name: '',
    message: '',
    log_body: null,
    attributes: {},
    attributes_json_schema: null,
    tags: [],
    is_exception: false,
    exception_type: null,
    exception_message: null,
    exception_stacktrace: null,
    otel_status_code: null,
    otel_status_message: null,
    otel_events: null,
    otel_links: null,
    otel_scope_name: 'logfire',
    otel_scope_version: null,
    otel_scope_attributes: null,
    otel_resource_attributes: null,
    service_name: 'test',
    service_version: null,
    service_namespace: null,
    service_instance_id: null,
    process_pid: null,
    deployment_environment: null,
    telemetry_sdk_name: null,
    telemetry_sdk_language: null,
    telemetry_sdk_version: null,
    http_response_status_code: null,
    http_method: null,
    http_route: null,
    url_full: null,
    url_path: null,
    url_query: null,
    run_id: null,
    ...over,
  };
}

let seq = 0;
/** A log record with sensible defaults; `at` is a Date, attributes are merged. */
export function row(p: { at: Date; message: string; span_name?: string; level?: number; attributes?: Record<string, unknown>; tags?: string[]; trace_id?: string; kind?: 'log' | 'span'; run_id?: string | null }): RecordRow {
  const us = p.at.getTime() * 1000;
  seq++;
  return recordRow({
    start_timestamp: us,
    end_timestamp: us,
    trace_id: p.trace_id ?? seq.toString(16).padStart(32, '0'),
    span_id: seq.toString(16).padStart(16, '0'),
    kind: p.kind ?? 'log',
    level: p.level ?? 9,
    span_name: p.span_name ?? p.message,
    message: p.message,
    attributes: p.attributes ?? {},
    tags: p.tags ?? [],
    run_id: p.run_id ?? null,
  });
}

/** The ```sql blocks of seed 000 in document order (4 per-event, 4 dashboard, 4 plan queries). */
export function seedQueries(): string[] {
  const candidates = [path.join(packageRoot(), '..', 'shared', 'seeds'), '/work/shared/seeds'];
  for (const dir of candidates) {
    if (!fs.existsSync(dir)) continue;
    const f = fs.readdirSync(dir).find((n) => n.startsWith('000_'));
    if (!f) continue;
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const out: string[] = [];
    const fence = '```sql\n';
    for (let i = text.indexOf(fence); i >= 0; i = text.indexOf(fence, i + 1)) {
      const start = i + fence.length;
      out.push(text.slice(start, text.indexOf('```', start)));
    }
    return out;
  }
  return [];
}

export const HOUR = 3600_000;

/**
 * The seed's SQL reads NOW() when each query runs, seconds after the rows were generated: rows within
 * 15 minutes of a window edge the bundled checks use (1, 12 and 24 hours back from `now`) are left out,
 * so two runs a moment apart, or a JS count and the SQL, agree however slow the machine is.
 */
export function awayFromWindowEdges(rows: RecordRow[], now: Date): RecordRow[] {
  const near = (r: RecordRow) => [1, 12, 24].some((h) => Math.abs(r.start_timestamp / 1000 - (now.getTime() - h * HOUR)) < 15 * 60_000);
  return rows.filter((r) => !near(r));
}
