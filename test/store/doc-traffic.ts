// Records shaped like the telemetry Logfire's documentation queries are written for (HTTP server spans with
// routes, database spans, LLM calls with costs, Kubernetes events, exceptions, nested attributes, span
// metrics), added to the demo store so those queries have rows to find. Deterministic for a given `now`.
// No record lies within 10 minutes of 1 hour back from `now` (the only window edge the queries use).
import type { RecordRow } from '../../server/telemetry/store';
import { recordRow } from './sql-helpers';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTES = [
  { method: 'GET', route: '/checkout', slow: 0.5 },
  { method: 'GET', route: '/members/{user_id}', slow: 0.08 },
  { method: 'POST', route: '/orders', slow: 0.12 },
  { method: 'GET', route: '/health', slow: 0.005 },
];
const STATEMENTS = ['SELECT * FROM orders WHERE user_id = $1', 'SELECT * FROM order_items WHERE order_id = $1', 'UPDATE carts SET total = $1 WHERE id = $2'];
const MODELS = [
  { model: 'gpt-4o', inPrice: 2.5e-6, outPrice: 1e-5 },
  { model: 'claude-sonnet-4', inPrice: 3e-6, outPrice: 1.5e-5 },
  { model: 'gemini-2.5-flash', inPrice: 3e-7, outPrice: 2.5e-6 },
];

export function docTrafficRecords(now: Date, seed = 7): RecordRow[] {
  const r = rng(seed);
  const rows: RecordRow[] = [];
  const nowUs = now.getTime() * 1000;
  let n = 0;
  const hex = (len: number) => {
    n++;
    return (n * 2654435761 + Math.floor(r() * 1e9)).toString(16).padStart(len, '0').slice(-len);
  };
  /** A start time: mostly 1.5–23 h ago, a share 5–45 min ago (inside "the last hour"). */
  const when = (recent = r() < 0.3) => nowUs - Math.round((recent ? 5 + r() * 40 : 90 + r() * 1290) * 60e6);
  const span = (o: Partial<RecordRow> & { start: number; dur: number | null }): RecordRow => {
    const { start, dur, ...rest } = o;
    return recordRow({
      start_timestamp: start,
      end_timestamp: start + Math.round((dur ?? 0) * 1e6),
      duration: dur,
      trace_id: hex(32),
      span_id: hex(16),
      kind: dur === null ? 'log' : 'span',
      ...rest,
    });
  };

  // HTTP server requests (service api; a few from service backend), each with one or two database spans.
  for (let i = 0; i < 160; i++) {
    const route = ROUTES[Math.floor(r() * ROUTES.length)];
    const status = r() < 0.08 ? 500 : r() < 0.1 ? 404 : 200;
    const dur = Math.round(route.slow * (0.3 + r() * 2.4) * 1e6) / 1e6;
    const service = route.route === '/health' && r() < 0.5 ? 'backend' : 'api';
    const failed = route.route === '/members/{user_id}' && status === 500;
    const http = span({
      start: when(),
      dur,
      span_name: `${route.method} ${route.route}`,
      message: `${route.method} ${route.route.replace('{user_id}', String(100 + i))} → ${status}`,
      level: status >= 500 ? 17 : status >= 400 ? 13 : 9,
      service_name: service,
      otel_scope_name: i % 5 === 0 ? 'opentelemetry.instrumentation.django' : 'opentelemetry.instrumentation.fastapi',
      attributes: { 'http.method': route.method, 'http.route': route.route, 'http.response.status_code': status, 'url.path': route.route },
      http_method: route.method,
      http_route: route.route,
      http_response_status_code: status,
      is_exception: failed,
      exception_type: failed ? 'KeyError' : null,
      exception_message: failed ? `'user ${100 + i}'` : null,
      exception_stacktrace: failed ? 'Traceback (most recent call last): …' : null,
      otel_resource_attributes: { 'service.name': service },
    });
    rows.push(http);
    if (route.route === '/health') continue;
    for (let k = 0; k < 1 + (i % 2); k++) {
      const stmt = STATEMENTS[Math.floor(r() * STATEMENTS.length)];
      rows.push(
        span({
          start: http.start_timestamp + 1000,
          dur: Math.round(dur * (0.1 + r() * 0.6) * 1e6) / 1e6,
          trace_id: http.trace_id,
          parent_span_id: http.span_id,
          span_name: stmt.split(' ').slice(0, 4).join(' '),
          message: stmt,
          service_name: service,
          otel_scope_name: 'opentelemetry.instrumentation.psycopg',
          attributes: { 'db.statement': stmt, 'db.system': 'postgresql' },
        }),
      );
    }
  }

  // LLM calls with token usage and cost (service my-ai-service).
  for (let i = 0; i < 90; i++) {
    const m = MODELS[i % MODELS.length];
    const input = 200 + Math.floor(r() * 3000);
    const output = 50 + Math.floor(r() * 800);
    const cost = Math.round((input * m.inPrice + output * m.outPrice) * 1e9) / 1e9;
    rows.push(
      span({
        start: when(),
        dur: Math.round((0.4 + r() * 6) * 1e6) / 1e6,
        span_name: 'chat {gen_ai.request.model}',
        message: `chat ${m.model}`,
        service_name: 'my-ai-service',
        otel_scope_name: 'logfire.openai',
        attributes: {
          'gen_ai.request.model': m.model,
          'gen_ai.usage.input_tokens': input,
          'gen_ai.usage.output_tokens': output,
          'operation.cost': cost,
          token_count: input + output,
        },
      }),
    );
  }

  // Kubernetes events (logs) and exceptions by namespace.
  for (let i = 0; i < 40; i++) {
    const ns = i % 3 === 0 ? 'kube-system' : 'default';
    const reason = ['BackOff', 'Pulled', 'Scheduled', 'Killing'][i % 4];
    rows.push(
      span({
        start: when(),
        dur: null,
        span_name: 'k8s event',
        message: `${reason} pod/web-${i}`,
        level: reason === 'BackOff' ? 13 : 9,
        service_name: 'k8s-events',
        attributes: i % 8 === 7 ? { note: 'no reason' } : { 'k8s.event.reason': reason, 'k8s.event.action': reason === 'Killing' ? 'Killing' : 'Binding' },
        otel_resource_attributes: { 'k8s.cluster.name': i % 5 === 4 ? 'other-cluster' : 'my-cluster', 'k8s.namespace.name': ns },
      }),
    );
    if (i % 4 === 0) {
      rows.push(
        span({
          start: when(),
          dur: null,
          span_name: 'worker failed',
          message: 'worker failed',
          level: 17,
          service_name: 'worker',
          is_exception: true,
          exception_type: 'RuntimeError',
          exception_message: `job ${i} failed`,
          otel_resource_attributes: { 'k8s.cluster.name': 'my-cluster', 'k8s.namespace.name': ns },
        }),
      );
    }
  }

  // The SDK examples of the docs: 'Hello {name}', logfire.warn('beware: {thing}', thing='bad', _tags=['a tag']),
  // nested results, span metrics.
  for (let i = 0; i < 12; i++) {
    const name = ['Alice', 'Bob', 'Ben'][i % 3];
    rows.push(span({ start: when(), dur: null, span_name: 'Hello {name}', message: `Hello ${name}`, attributes: { name }, service_name: 'docs-app' }));
    rows.push(
      span({
        start: when(),
        dur: null,
        span_name: 'beware: {thing}',
        message: i % 2 ? 'beware: bad' : 'beware: worse',
        level: 13,
        tags: i % 2 ? ['a tag'] : ['another tag'],
        attributes: { thing: i % 2 ? 'bad' : 'worse', nested: { key: `v${i % 3}` } },
        service_name: 'docs-app',
      }),
    );
    rows.push(
      span({
        start: when(),
        dur: 0.01 * (i + 1),
        span_name: 'lookup {name}',
        message: `lookup ${name}`,
        attributes: { result: { name, dob: `19${80 + i}-0${1 + (i % 9)}-15`, country_code: i % 3 === 1 ? 'GBR' : 'USA' } },
        service_name: 'docs-app',
      }),
    );
  }
  for (let i = 0; i < 6; i++) {
    const amount = 10 + i;
    const input = 100 + 10 * i;
    const output = 40 + i;
    rows.push(
      span({
        start: when(),
        dur: 0.5 + i / 10,
        span_name: 'doing stuff',
        message: 'doing stuff',
        service_name: 'docs-app',
        attributes: {
          'logfire.metrics': {
            my_amount: { details: [{ attributes: {}, total: amount }], total: amount },
            'gen_ai.client.token.usage': {
              details: [
                { attributes: { 'gen_ai.token.type': 'input', 'gen_ai.system': 'openai' }, total: input },
                { attributes: { 'gen_ai.token.type': 'output', 'gen_ai.system': 'openai' }, total: output },
              ],
              total: input + output,
            },
          },
        },
      }),
    );
  }
  return rows;
}
