// `telemetry-lens compare RUN_A RUN_B`: what changed from run A to run B, as text or JSON, exiting 1
// when run B crosses a limit of the schema's `compare:` section (for CI).
import type { RunComparison } from '../../protocol/protocol';
import { formatDuration, formatNumber, formatPercent, plural } from '../../protocol/format';
import { compareRuns, RunNotFoundError } from '../telemetry/compare';
import { UsageError, type Command } from './command';
import { guarded, parse } from './options';
import { cliSchema, defaultDbPath, openExisting } from './store-common';

const HELP = `usage: telemetry-lens compare RUN_A RUN_B [--db FILE] [--schema FILE] [--format text|json]

Compares two agent runs of the local store (run ids as in the Agent Runs view; runs loaded with
\`import\` too): span counts and p50/p95 durations per span name, failovers, rate limits and capacity
warnings per model, errors and exceptions, token usage, span names that appeared or vanished, and
runtime conformance findings. Exit status 1 when run B crosses a limit of the schema's \`compare:\`
section (p95_increase_pct, error_rate_increase, new_failovers), 2 for a usage error or unknown run.`;

const delta = (a: number, b: number): string => (b === a ? '=' : `${b > a ? '+' : ''}${formatNumber(b - a)}`);
const ms = (v: number | null): string => (v === null ? '—' : formatDuration(v));

/** The comparison as plain text: one section per table, changed rows only where that helps. */
export function formatComparison(c: RunComparison): string {
  const out: string[] = [];
  const side = (n: string, s: RunComparison['a']) =>
    `${n}: ${s.runId}${s.label !== s.runId ? ` (${s.label})` : ''} · ${plural(s.records, 'record')} · ${plural(s.traces, 'trace')} · ${plural(s.errors, 'error')} (${formatPercent(s.errorRate * 100)})`;
  out.push(side('A', c.a), side('B', c.b), '');
  out.push('Span names (count A → B, p50, p95):');
  for (const s of c.spans) {
    out.push(`  ${s.spanName}: ${formatNumber(s.countA)} → ${formatNumber(s.countB)} (${delta(s.countA, s.countB)})` +
      (s.p95A !== null || s.p95B !== null ? `; p50 ${ms(s.p50A)} → ${ms(s.p50B)}; p95 ${ms(s.p95A)} → ${ms(s.p95B)}` : '') +
      (s.errorsA || s.errorsB ? `; errors ${s.errorsA} → ${s.errorsB}` : ''));
  }
  if (c.appeared.length) out.push('', `Appeared in B: ${c.appeared.join(', ')}`);
  if (c.vanished.length) out.push('', `Vanished from B: ${c.vanished.join(', ')}`);
  if (c.models.length) {
    out.push('', 'Per model (failovers, rate limits, capacity warnings; A → B):');
    for (const m of c.models) {
      out.push(`  ${m.model}: failovers ${m.failoversA} → ${m.failoversB}, rate limits ${m.rateLimitsA} → ${m.rateLimitsB}, capacity warnings ${m.capacityWarningsA} → ${m.capacityWarningsB}`);
    }
  }
  if (c.errors.length) {
    out.push('', 'Errors and exceptions (A → B):');
    for (const e of c.errors) out.push(`  ${e.key}: ${e.a} → ${e.b}${e.detail ? ` — ${e.detail}` : ''}`);
  }
  if (c.tokens.length) {
    out.push('', 'Token usage (A → B):');
    for (const t of c.tokens) out.push(`  ${t.key}: ${formatNumber(t.a)} → ${formatNumber(t.b)} (${delta(t.a, t.b)})`);
  }
  if (c.conformance.length) {
    out.push('', 'Runtime conformance findings (A → B):');
    for (const f of c.conformance) out.push(`  ${f.key} ${f.detail ?? ''}: ${f.a} → ${f.b}`);
  }
  if (c.thresholds.length) {
    out.push('', 'Limits (schema compare:):');
    for (const t of c.thresholds) {
      out.push(`  ${t.crossed ? 'CROSSED' : 'ok'} ${t.limit}: ${formatNumber(t.actual)} (allowed ${formatNumber(t.allowed)})${t.subject ? ` — ${t.subject}` : ''}`);
    }
  }
  return out.join('\n');
}

const command: Command = {
  name: 'compare',
  usage: HELP,
  summary: 'compare two agent runs (exit 1 when a schema compare: limit is crossed)',
  run: (argv) =>
    guarded(async () => {
      const a = parse(argv, { db: { type: 'string' }, schema: { type: 'string' }, format: { type: 'string' } }, HELP);
      if (!a) return 0;
      const format = a.values.format ?? 'text';
      if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json, got '${format}'`);
      if (a.positionals.length !== 2) throw new UsageError(`compare needs two run ids, got ${a.positionals.length}\n\n${HELP}`);
      const [runA, runB] = a.positionals;
      const schema = await cliSchema(a.values.schema, 'compared');
      const store = await openExisting(a.values.db ?? defaultDbPath());
      let c: RunComparison;
      try {
        c = await compareRuns(store, runA, runB, schema.compare ?? {});
      } catch (e) {
        if (e instanceof RunNotFoundError) throw new UsageError(e.message);
        throw e;
      } finally {
        await store.close();
      }
      process.stdout.write((format === 'json' ? JSON.stringify(c, null, 2) : formatComparison(c)) + '\n');
      return c.thresholds.some((t) => t.crossed) ? 1 : 0;
    }),
};

export default command;
