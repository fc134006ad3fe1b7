// Run comparison: what changed between two agent runs of the local store (run B against run A) —
// span counts and p50/p95 durations per span name, failovers / rate limits / capacity warnings per
// model, errors and exceptions, token usage, span names that appeared or vanished, runtime
// conformance findings — and the schema's `compare:` limits checked on it (for CI).
import type {
  CompareCountRow, CompareModelRow, CompareRunSide, CompareSpanRow, CompareThresholdResult, RunComparison,
} from '../../protocol/protocol';
import type { CompareThresholds } from '../schema/model';
import { type ConnectionSource, runDuckDbSql } from './sql/index';

type Row = Record<string, unknown>;

/** A run id with no records (the message lists the latest run ids). */
export class RunNotFoundError extends Error {}

async function objects(source: ConnectionSource, sql: string, params: (string | number | null)[]): Promise<Row[]> {
  const r = await runDuckDbSql(source, sql, { params, limit: 10_000, readOnly: true });
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The model events compared per model: the message template's fixed start and the attribute naming
 * the model (Code Puppy's failover chain, as in the bundled default schema).
 */
const MODEL_EVENTS = [
  { kind: 'failovers', like: 'Failover triggered%', attr: 'from_model' },
  { kind: 'rateLimits', like: 'Rate limit%', attr: 'model' },
  { kind: 'capacityWarnings', like: 'Capacity warning%', attr: 'model' },
] as const;

/** Token usage attributes summed per run (OpenTelemetry GenAI semantic conventions, and Logfire's short names). */
const TOKEN_KEYS = ['gen_ai.usage.input_tokens', 'gen_ai.usage.output_tokens', 'input_tokens', 'output_tokens'];

async function side(source: ConnectionSource, runId: string): Promise<CompareRunSide> {
  const [r] = await objects(
    source,
    `SELECT COUNT(*) AS n, COUNT(DISTINCT trace_id) AS traces, COUNT(*) FILTER (WHERE level >= 17 OR is_exception) AS errors,
            MIN(start_timestamp) AS started,
            (SELECT COALESCE(label, command) FROM runs WHERE run_id = $1) AS label
     FROM records_all WHERE run_id = $1 AND kind <> 'pending_span'`,
    [runId],
  );
  const records = num(r?.n);
  if (records === 0) {
    const known = (await objects(source, `SELECT run_id FROM records_all WHERE run_id IS NOT NULL GROUP BY run_id ORDER BY MAX(start_timestamp) DESC LIMIT 8`, [])).map((x) => String(x.run_id));
    throw new RunNotFoundError(`run '${runId}' has no records in the local store${known.length ? ` (latest runs: ${known.join(', ')})` : ' (it holds no agent runs)'}`);
  }
  const errors = num(r.errors);
  return {
    runId,
    label: r.label ? String(r.label) : runId,
    records,
    traces: num(r.traces),
    errors,
    errorRate: records ? errors / records : 0,
    startedAt: r.started ? new Date(String(r.started)).toISOString() : null,
  };
}

/** Compares run B against run A; throws when either run has no records. */
export async function compareRuns(source: ConnectionSource, runA: string, runB: string, thresholds: CompareThresholds = {}): Promise<RunComparison> {
  const a = await side(source, runA);
  const b = await side(source, runB);
  const params = [runA, runB];

  const spanRows = await objects(
    source,
    `SELECT span_name,
            COUNT(*) FILTER (WHERE run_id = $1) AS count_a, COUNT(*) FILTER (WHERE run_id = $2) AS count_b,
            quantile_cont(duration, 0.5) FILTER (WHERE run_id = $1 AND kind = 'span') * 1000 AS p50_a,
            quantile_cont(duration, 0.5) FILTER (WHERE run_id = $2 AND kind = 'span') * 1000 AS p50_b,
            quantile_cont(duration, 0.95) FILTER (WHERE run_id = $1 AND kind = 'span') * 1000 AS p95_a,
            quantile_cont(duration, 0.95) FILTER (WHERE run_id = $2 AND kind = 'span') * 1000 AS p95_b,
            COUNT(*) FILTER (WHERE run_id = $1 AND (level >= 17 OR is_exception)) AS errors_a,
            COUNT(*) FILTER (WHERE run_id = $2 AND (level >= 17 OR is_exception)) AS errors_b
     FROM records_all WHERE run_id IN ($1, $2) AND kind <> 'pending_span'
     GROUP BY span_name ORDER BY count_a + count_b DESC, span_name`,
    params,
  );
  const spans: CompareSpanRow[] = spanRows.map((r) => ({
    spanName: String(r.span_name),
    countA: num(r.count_a),
    countB: num(r.count_b),
    p50A: numOrNull(r.p50_a),
    p50B: numOrNull(r.p50_b),
    p95A: numOrNull(r.p95_a),
    p95B: numOrNull(r.p95_b),
    errorsA: num(r.errors_a),
    errorsB: num(r.errors_b),
  }));

  const models = new Map<string, CompareModelRow>();
  for (const ev of MODEL_EVENTS) {
    const rows = await objects(
      source,
      `SELECT COALESCE(attributes->>'${ev.attr}', '(no ${ev.attr})') AS model,
              COUNT(*) FILTER (WHERE run_id = $1) AS a, COUNT(*) FILTER (WHERE run_id = $2) AS b
       FROM records_all WHERE run_id IN ($1, $2) AND message LIKE '${ev.like}' GROUP BY 1`,
      params,
    );
    for (const r of rows) {
      const model = String(r.model);
      const m = models.get(model) ?? { model, failoversA: 0, failoversB: 0, rateLimitsA: 0, rateLimitsB: 0, capacityWarningsA: 0, capacityWarningsB: 0 };
      m[`${ev.kind}A`] = num(r.a);
      m[`${ev.kind}B`] = num(r.b);
      models.set(model, m);
    }
  }

  const errors: CompareCountRow[] = (await objects(
    source,
    `SELECT COALESCE(exception_type, CASE WHEN is_exception THEN 'exception' END, span_name) AS key,
            ANY_VALUE(COALESCE(exception_message, otel_status_message, message)) AS detail,
            COUNT(*) FILTER (WHERE run_id = $1) AS a, COUNT(*) FILTER (WHERE run_id = $2) AS b
     FROM records_all WHERE run_id IN ($1, $2) AND (level >= 17 OR is_exception) AND kind <> 'pending_span'
     GROUP BY 1 ORDER BY a + b DESC, 1`,
    params,
  )).map((r) => ({ key: String(r.key), ...(r.detail ? { detail: String(r.detail) } : {}), a: num(r.a), b: num(r.b) }));

  const tokens: CompareCountRow[] = [];
  for (const k of TOKEN_KEYS) {
    const [r] = await objects(
      source,
      `SELECT SUM(TRY_CAST(attributes->>'${k}' AS DOUBLE)) FILTER (WHERE run_id = $1) AS a,
              SUM(TRY_CAST(attributes->>'${k}' AS DOUBLE)) FILTER (WHERE run_id = $2) AS b
       FROM records_all WHERE run_id IN ($1, $2)`,
      params,
    );
    if (r && (r.a !== null || r.b !== null)) tokens.push({ key: k, a: num(r.a), b: num(r.b) });
  }

  const conformance: CompareCountRow[] = (await objects(
    source,
    `SELECT code AS key, message AS detail, COUNT(*) FILTER (WHERE run_id = $1) AS a, COUNT(*) FILTER (WHERE run_id = $2) AS b
     FROM span_violations WHERE run_id IN ($1, $2) GROUP BY code, message ORDER BY code, message`,
    params,
  )).map((r) => ({ key: String(r.key), detail: String(r.detail), a: num(r.a), b: num(r.b) }));

  const comparison: RunComparison = {
    a,
    b,
    spans,
    models: [...models.values()].sort((x, y) => x.model.localeCompare(y.model)),
    errors,
    tokens,
    conformance,
    appeared: spans.filter((s) => s.countA === 0 && s.countB > 0).map((s) => s.spanName),
    vanished: spans.filter((s) => s.countA > 0 && s.countB === 0).map((s) => s.spanName),
    thresholds: [],
  };
  comparison.thresholds = checkThresholds(comparison, thresholds);
  return comparison;
}

/** The schema's `compare:` limits evaluated on a comparison (only those declared). */
export function checkThresholds(c: Omit<RunComparison, 'thresholds'>, t: CompareThresholds): CompareThresholdResult[] {
  const out: CompareThresholdResult[] = [];
  if (t.p95IncreasePct !== undefined) {
    // The span name whose p95 grew most (in percent), among names with a p95 in both runs.
    let worst: { name: string; pct: number } | undefined;
    for (const s of c.spans) {
      if (s.p95A === null || s.p95B === null || s.p95A <= 0) continue;
      const pct = ((s.p95B - s.p95A) / s.p95A) * 100;
      if (!worst || pct > worst.pct) worst = { name: s.spanName, pct };
    }
    const actual = worst ? Math.round(worst.pct * 10) / 10 : 0;
    out.push({ limit: 'p95_increase_pct', allowed: t.p95IncreasePct, actual, crossed: actual > t.p95IncreasePct, ...(worst ? { subject: worst.name } : {}) });
  }
  if (t.errorRateIncrease !== undefined) {
    const actual = Math.round((c.b.errorRate - c.a.errorRate) * 100 * 100) / 100;
    out.push({ limit: 'error_rate_increase', allowed: t.errorRateIncrease, actual, crossed: actual > t.errorRateIncrease });
  }
  if (t.newFailovers !== undefined) {
    const fa = c.models.reduce((s, m) => s + m.failoversA, 0);
    const fb = c.models.reduce((s, m) => s + m.failoversB, 0);
    out.push({ limit: 'new_failovers', allowed: t.newFailovers, actual: fb - fa, crossed: fb - fa > t.newFailovers });
  }
  return out;
}
