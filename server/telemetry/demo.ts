// Demo traffic: Code Puppy-style telemetry (the bundled schema's six events) over the last 24 hours,
// deterministic for a given seed. Produces store rows for bulk loading and Logfire-shaped OTLP/JSON
// (what the Logfire SDK sends) for going through the receiver.
//
// The model: agent turns arrive all day with a daily load curve. Each turn is one trace: a root span
// `agent run {agent}` with a workload-routing log, sometimes capacity warnings (80–99 %), rate limits
// (always preceded by a warning for the same model in the healthy scenario), a failover with usually
// a recovery, and an EAR loop observe → orient → decide → act → complete (or refused / error).
import type { RecordRow } from './store/types';
import { seededRandom as rng } from '../random';

export type DemoScenario = 'healthy' | 'degraded';

export interface DemoOptions {
  /** Approximate number of records to produce (default 5,000). */
  records?: number;
  seed?: number;
  /** End of the window (default now). */
  now?: Date;
  /** Window length in hours (default 24). */
  hours?: number;
  /** 'degraded' breaks every bundled health check's criterion (CODING on Kimi, unwarned rate limits, format errors, EAR errors). */
  scenario?: DemoScenario;
  serviceName?: string;
}

interface Weighted<T> {
  v: T;
  w: number;
}
function pick<T>(r: () => number, items: Weighted<T>[]): T {
  const total = items.reduce((s, i) => s + i.w, 0);
  let x = r() * total;
  for (const i of items) {
    x -= i.w;
    if (x <= 0) return i.v;
  }
  return items[items.length - 1].v;
}
function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/**
 * The bundled schema's six events: templates and where the bundled example (examples/code-puppy) emits them, as
 * the Logfire SDK records it (`code.lineno` is the first line of the call, `code.function` the
 * qualified name). test/unit/demo-locations.test.ts checks each against the example's calls.
 */
export const DEMO_EVENTS = {
  routing: { template: 'Workload routing: {agent} → {workload} → {model}', level: 9, file: 'code_puppy/agents/base_agent.py', line: 36, fn: 'BaseAgent.get_model_name' },
  failover: { template: 'Failover triggered: {from_model} → {to_model} ({error_type})', level: 13, file: 'code_puppy/failover_model.py', line: 59, fn: 'FailoverModel.run' },
  success: { template: 'Failover success: now using {model}', level: 9, file: 'code_puppy/failover_model.py', line: 69, fn: 'FailoverModel.run' },
  rateLimit: { template: 'Rate limit: {model} ({workload}) - cooldown {cooldown}s', level: 13, file: 'code_puppy/failover_model.py', line: 36, fn: 'FailoverModel.record_rate_limit' },
  capacity: { template: 'Capacity warning: {model} at {pct}% ({limit_type})', level: 13, file: 'code_puppy/core/model_capacity.py', line: 29, fn: 'ModelCapacity._emit_capacity_warning' },
  ear: { template: 'EAR phase: {from_phase} → {to_phase}', level: 9, file: 'code_puppy/epistemic/ear-runtime/src/ear/core/ralph_loop.py', line: 21, fn: 'RalphLoop.transition' },
} as const;
type EventKey = keyof typeof DEMO_EVENTS;
/** The span around each agent turn (`with logfire.span("agent run {agent}", ...)` in the example). */
export const DEMO_ROOT_SPAN = { template: 'agent run {agent}', file: 'code_puppy/agents/base_agent.py', line: 49, fn: 'BaseAgent.run' } as const;

const AGENTS: Weighted<{ agent: string; workload: string }>[] = [
  { v: { agent: 'husky', workload: 'CODING' }, w: 45 },
  { v: { agent: 'pack-leader', workload: 'ORCHESTRATOR' }, w: 20 },
  { v: { agent: 'context-curator', workload: 'LIBRARIAN' }, w: 15 },
  { v: { agent: 'watchdog', workload: 'REASONING' }, w: 20 },
];
const MODELS: Record<string, { healthy: Weighted<string>[]; degraded: Weighted<string>[]; fallback: string[] }> = {
  CODING: {
    healthy: [
      { v: 'Cerebras-GLM-4.7', w: 60 },
      { v: 'hf:zai-org/GLM-4.7', w: 28 },
      { v: 'hf:moonshotai/Kimi-K2.5', w: 12 },
    ],
    degraded: [
      { v: 'hf:moonshotai/Kimi-K2.5', w: 70 },
      { v: 'Cerebras-GLM-4.7', w: 30 },
    ],
    fallback: ['hf:moonshotai/Kimi-K2.5', 'hf:deepseek-ai/DeepSeek-V3.2'],
  },
  ORCHESTRATOR: { healthy: [{ v: 'claude-sonnet-4-5', w: 70 }, { v: 'gpt-5.2-codex', w: 30 }], degraded: [{ v: 'claude-sonnet-4-5', w: 1 }], fallback: ['gpt-5.2-codex'] },
  LIBRARIAN: { healthy: [{ v: 'gemini-2.5-flash', w: 60 }, { v: 'gpt-5-mini', w: 40 }], degraded: [{ v: 'gemini-2.5-flash', w: 1 }], fallback: ['gpt-5-mini'] },
  REASONING: { healthy: [{ v: 'claude-opus-4-5', w: 80 }, { v: 'gpt-5.2', w: 20 }], degraded: [{ v: 'claude-opus-4-5', w: 1 }], fallback: ['gpt-5.2'] },
};
function providerOf(model: string): string {
  if (model.startsWith('Cerebras')) return 'cerebras';
  if (model.startsWith('hf:')) return 'synthetic';
  if (model.startsWith('claude')) return 'anthropic';
  if (model.startsWith('gemini')) return 'google';
  return 'openai';
}
function limitTypeOf(provider: string): string {
  return provider === 'synthetic' ? 'window_tokens' : provider === 'cerebras' ? 'day_requests' : 'minute_tokens';
}

function formatTemplate(t: string, attrs: Record<string, unknown>): string {
  let out = '';
  let i = 0;
  while (i < t.length) {
    const open = t.indexOf('{', i);
    if (open < 0) break;
    const close = t.indexOf('}', open);
    if (close < 0) break;
    out += t.slice(i, open) + String(attrs[t.slice(open + 1, close)] ?? '');
    i = close + 1;
  }
  return out + t.slice(i);
}

/** Generates demo records, oldest first, ending at `now`. */
export function generateDemoRecords(opts: DemoOptions = {}): RecordRow[] {
  const target = Math.max(1, opts.records ?? 5000);
  const r = rng(opts.seed ?? 42);
  const nowUs = (opts.now ?? new Date()).getTime() * 1000;
  const hours = opts.hours ?? 24;
  const degraded = opts.scenario === 'degraded';
  const service = opts.serviceName ?? 'code-puppy';
  const windowUs = hours * 3600e6;
  // Records per turn is ~4.6 on average; spread turns evenly with jitter, weighted by a daily curve.
  const turns = Math.max(1, Math.round(target / 4.6));
  const rows: RecordRow[] = [];
  const stepUs = windowUs / turns;
  const runEvery = Math.max(1, Math.round(turns / Math.max(1, hours))); // about one run per hour
  let runId = '';

  const emit = (
    key: EventKey,
    ts: number,
    traceId: string,
    parent: string,
    attrs: Record<string, unknown>,
  ): void => {
    const ev = DEMO_EVENTS[key];
    const attributes: Record<string, unknown> = {
      ...attrs,
      'logfire.msg_template': ev.template,
      'code.filepath': ev.file,
      'code.lineno': ev.line,
      'code.function': ev.fn,
    };
    rows.push(baseRow(ts, ts, traceId, hex(r, 16), parent, 'log', ev.level, ev.template, formatTemplate(ev.template, attrs), attributes, service, runId));
  };

  for (let t = 0; t < turns; t++) {
    if (t % runEvery === 0) runId = `demo-${(opts.seed ?? 42).toString(16)}-${String(Math.floor(t / runEvery)).padStart(3, '0')}`;
    let ts = nowUs - windowUs + t * stepUs + r() * stepUs * 0.8;
    const start = ts;
    const traceId = hex(r, 32);
    const rootId = hex(r, 16);
    const { agent, workload } = pick(r, AGENTS);
    const m = MODELS[workload];
    const model = pick(r, degraded ? m.degraded : m.healthy);
    emit('routing', (ts += 2e3), traceId, rootId, { agent, workload, orchestrated_model: model, default_model: m.fallback[0] });

    // Capacity pressure comes in waves (busy hours) and builds up per model.
    const hourOfDay = new Date((start / 1000) | 0).getUTCHours();
    const busy = hourOfDay >= 13 && hourOfDay <= 20 ? 3 : 1;
    if (r() < 0.12 * busy) {
      const provider = providerOf(model);
      const pct = Math.round((80 + r() * (r() < 0.3 ? 19.5 : 14)) * 10) / 10;
      const limit = provider === 'cerebras' ? 14400 : 500000;
      if (!degraded) {
        emit('capacity', (ts += 5e4), traceId, rootId, {
          model,
          pct,
          limit_type: limitTypeOf(provider),
          used: Math.round((limit * pct) / 100),
          limit,
          provider,
        });
      }
      if (pct >= 93 || degraded) {
        const consecutive = 1 + Math.floor(r() * 3);
        emit('rateLimit', (ts += 2e6 + r() * 3e7), traceId, rootId, { model, workload, cooldown: 30 * 2 ** (consecutive - 1), consecutive_429s: consecutive });
        const failsOver = !degraded && r() < 0.95;
        if (failsOver) {
          const to = m.fallback[Math.floor(r() * m.fallback.length)];
          emit('failover', (ts += 1e5), traceId, rootId, { from_model: model, to_model: to, error_type: 'rate_limit', workload });
          if (r() < (degraded ? 0.4 : 0.9)) emit('success', (ts += 8e5), traceId, rootId, { model: to, workload, attempts: 2 });
        }
      }
    } else if (r() < (degraded ? 0.2 : 0.015)) {
      const to = degraded && r() < 0.5 ? 'claude-opus-4-5' : m.fallback[0];
      const errorType = degraded ? 'format_error' : pick(r, [{ v: 'timeout', w: 3 }, { v: 'format_error', w: 1 }]);
      emit('failover', (ts += 3e6), traceId, rootId, { from_model: model, to_model: to, error_type: errorType, workload });
      if (!degraded || r() < 0.3) emit('success', (ts += 9e5), traceId, rootId, { model: to, workload, attempts: 2 });
    }

    // EAR loop for most turns.
    if (r() < 0.6) {
      const loopId = hex(r, 8);
      const outcome = pick(r, degraded
        ? [{ v: 'complete', w: 70 }, { v: 'refused', w: 10 }, { v: 'error', w: 20 }]
        : [{ v: 'complete', w: 93 }, { v: 'refused', w: 5 }, { v: 'error', w: 2 }]);
      const phases = ['observe', 'orient', 'decide', 'act'];
      const stopAt = outcome === 'complete' ? 4 : 1 + Math.floor(r() * 3);
      for (let p = 0; p < stopAt - 1; p++) {
        const decision = phases[p + 1] === 'act' ? pick(r, [{ v: 'action', w: 6 }, { v: 'test', w: 2 }, { v: 'interaction', w: 1 }, { v: 'wait', w: 1 }]) : undefined;
        emit('ear', (ts += 2e5 + r() * 2e6), traceId, rootId, {
          loop_id: loopId,
          agent_id: agent,
          from_phase: phases[p],
          to_phase: phases[p + 1],
          ...(decision ? { decision_type: decision, confidence: Math.round((0.4 + r() * 0.6) * 100) / 100 } : {}),
        });
      }
      emit('ear', (ts += 2e5 + r() * 2e6), traceId, rootId, {
        loop_id: loopId,
        agent_id: agent,
        from_phase: phases[stopAt - 1],
        to_phase: outcome,
        ...(outcome === 'refused' ? { decision_type: 'refusal', confidence: Math.round(r() * 40) / 100 } : {}),
      });
    }
    const end = ts + 5e4 + r() * 2e5;
    const root = baseRow(start, end, traceId, rootId, null, 'span', outcomeLevel(rows, traceId), 'agent run {agent}', `agent run ${agent}`, {
      agent,
      workload,
      'logfire.msg_template': 'agent run {agent}',
      'logfire.span_type': 'span',
      'code.filepath': DEMO_ROOT_SPAN.file,
      'code.lineno': DEMO_ROOT_SPAN.line,
      'code.function': DEMO_ROOT_SPAN.fn,
    }, service, runId);
    rows.push(root);
  }
  rows.sort((a, b) => a.start_timestamp - b.start_timestamp);
  return rows;
}

function outcomeLevel(rows: RecordRow[], traceId: string): number {
  for (let i = rows.length - 1; i >= 0 && rows[i].trace_id === traceId; i--) {
    if ((rows[i].attributes as Record<string, unknown>).to_phase === 'error') return 17;
  }
  return 9;
}

function baseRow(
  startUs: number,
  endUs: number,
  traceId: string,
  spanId: string,
  parent: string | null,
  kind: 'span' | 'log',
  level: number,
  spanName: string,
  message: string,
  attributes: Record<string, unknown>,
  service: string,
  runId: string,
): RecordRow {
  const s = Math.round(startUs);
  const e = Math.round(endUs);
  return {
    start_timestamp: s,
    end_timestamp: e,
    duration: kind === 'log' ? null : (e - s) / 1e6,
    trace_id: traceId,
    span_id: spanId,
    parent_span_id: parent,
    kind,
    level,
    span_name: spanName,
    message,
    log_body: null,
    attributes,
    attributes_json_schema: null,
    tags: ['demo'],
    is_exception: false,
    exception_type: null,
    exception_message: null,
    exception_stacktrace: null,
    otel_status_code: level >= 17 ? 'ERROR' : 'UNSET',
    otel_status_message: level >= 17 && kind === 'span' ? 'the EAR loop of this turn ended in error' : null,
    otel_events: null,
    otel_links: null,
    otel_scope_name: 'logfire',
    otel_scope_version: '4.16.0',
    otel_scope_attributes: null,
    otel_resource_attributes: { 'service.name': service, 'telemetry_lens.run_id': runId },
    service_name: service,
    service_version: '0.0.300',
    service_namespace: null,
    service_instance_id: null,
    process_pid: 4242,
    deployment_environment: 'dev',
    telemetry_sdk_name: 'opentelemetry',
    telemetry_sdk_language: 'python',
    telemetry_sdk_version: '1.39.0',
    http_response_status_code: null,
    http_method: null,
    http_route: null,
    url_full: null,
    url_path: null,
    url_query: null,
    run_id: runId,
  };
}

// ---------- OTLP/JSON (what the Logfire SDK would send) ----------

function anyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(anyValue) } };
  return { stringValue: JSON.stringify(v) };
}
const kv = (o: Record<string, unknown>) => Object.entries(o).map(([key, value]) => ({ key, value: anyValue(value) }));

/**
 * The same records as OTLP/JSON `ExportTraceServiceRequest` bodies (one per run, at most
 * `spansPerRequest` spans each), attributes as the Logfire SDK writes them.
 */
export function demoOtlpRequests(rows: RecordRow[], spansPerRequest = 2000): object[] {
  const byRun = new Map<string, RecordRow[]>();
  for (const row of rows) {
    const k = row.run_id ?? '';
    let l = byRun.get(k);
    if (!l) byRun.set(k, (l = []));
    l.push(row);
  }
  const out: object[] = [];
  for (const [runId, list] of byRun) {
    for (let i = 0; i < list.length; i += spansPerRequest) {
      const spans = list.slice(i, i + spansPerRequest).map((row) => {
        const attrs: Record<string, unknown> = { ...row.attributes, 'logfire.msg': row.message, 'logfire.level_num': row.level, 'logfire.tags': row.tags };
        if (row.kind === 'log') attrs['logfire.span_type'] = 'log';
        return {
          traceId: row.trace_id,
          spanId: row.span_id,
          ...(row.parent_span_id ? { parentSpanId: row.parent_span_id } : {}),
          name: row.span_name,
          kind: 1,
          startTimeUnixNano: `${row.start_timestamp}000`,
          endTimeUnixNano: `${row.end_timestamp}000`,
          attributes: kv(attrs),
          status: row.level >= 17 ? { code: 2, ...(row.otel_status_message ? { message: row.otel_status_message } : {}) } : {},
        };
      });
      out.push({
        resourceSpans: [
          {
            resource: {
              attributes: kv({
                'service.name': list[0].service_name,
                'service.version': list[0].service_version ?? '',
                'deployment.environment.name': 'dev',
                'process.pid': 4242,
                'telemetry.sdk.name': 'opentelemetry',
                'telemetry.sdk.language': 'python',
                'telemetry.sdk.version': '1.39.0',
                ...(runId ? { 'telemetry_lens.run_id': runId } : {}),
              }),
            },
            scopeSpans: [{ scope: { name: 'logfire', version: '4.16.0' }, spans }],
          },
        ],
      });
    }
  }
  return out;
}

/** Generates demo traffic and writes it into the store in batches; returns how many records were stored. */
export async function loadDemoData(
  store: { insertBatch(b: { records: RecordRow[] }): Promise<{ records: number }> },
  opts: DemoOptions = {},
): Promise<{ records: number }> {
  const rows = generateDemoRecords(opts);
  let records = 0;
  for (let i = 0; i < rows.length; i += 50_000) records += (await store.insertBatch({ records: rows.slice(i, i + 50_000) })).records;
  return { records };
}
