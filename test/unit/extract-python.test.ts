import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractCalls, mayContainTelemetry } from '../../server/languages';
import type { TelemetryCall } from '../../server/model/calls';
import type { WrapperSpec } from '../../server/schema/model';

const WRAPPERS: WrapperSpec[] = [
  { name: 'log_info', kind: 'log', level: 'info' },
  { name: 'start_span', kind: 'span' },
];

async function calls(src: string, wrappers: WrapperSpec[] = WRAPPERS): Promise<TelemetryCall[]> {
  return extractCalls(src, 'python', 'x.py', { wrappers });
}

/** [library, kind, method, level, message value (or kind), attribute keys] */
type Row = [string, string, string, string | undefined, unknown, string[]];
function rows(cs: TelemetryCall[]): Row[] {
  return cs.map((c) => [c.library, c.kind, c.method, c.level, c.message ? (c.message.value ?? c.message.kind) : undefined, c.attributes.map((a) => a.key)]);
}

/** Text of a range in the source. */
function textAt(src: string, r: TelemetryCall['range']): string {
  const lines = src.split('\n');
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return src.slice(off(r.start), off(r.end));
}

const cases: { name: string; src: string; want: Row[] }[] = [
  {
    name: 'logfire module methods, every level spelling',
    src: `import logfire
logfire.trace("t")
logfire.debug("d")
logfire.info("i {a}", a=1)
logfire.notice("n")
logfire.warn("w")
logfire.warning("w2")
logfire.error("e")
logfire.fatal("f")
logfire.exception("x")
logfire.configure(token="abc")
logfire.metric_counter("requests")
`,
    want: [
      ['logfire', 'log', 'trace', 'trace', 't', []],
      ['logfire', 'log', 'debug', 'debug', 'd', []],
      ['logfire', 'log', 'info', 'info', 'i {a}', ['a']],
      ['logfire', 'log', 'notice', 'notice', 'n', []],
      ['logfire', 'log', 'warn', 'warn', 'w', []],
      ['logfire', 'log', 'warning', 'warn', 'w2', []],
      ['logfire', 'log', 'error', 'error', 'e', []],
      ['logfire', 'log', 'fatal', 'fatal', 'f', []],
      ['logfire', 'log', 'exception', 'error', 'x', []],
    ],
  },
  {
    name: 'aliases, from-imports, logfire_api, with_tags, Logfire instances',
    src: `import logfire as lf
import logfire_api as logfire
from logfire import info, span as sp, Logfire
lf.info("a")
logfire.notice("b")
info("c", k=1)
with sp("d"):
    pass
logfire.with_tags("x", "y").error("e")
inst = Logfire(service_name="svc")
inst.debug("f")
other = lf.Logfire()
other.warn("g")
`,
    want: [
      ['logfire', 'log', 'info', 'info', 'a', []],
      ['logfire', 'log', 'notice', 'notice', 'b', []],
      ['logfire', 'log', 'info', 'info', 'c', ['k']],
      ['logfire', 'span', 'span', undefined, 'd', []],
      ['logfire', 'log', 'error', 'error', 'e', []],
      ['logfire', 'log', 'debug', 'debug', 'f', []],
      ['logfire', 'log', 'warn', 'warn', 'g', []],
    ],
  },
  {
    name: 'logfire.log with level argument and attributes dict',
    src: `import logfire
logfire.log('warn', 'Thing {x}', {'x': 1, "y": 2.5})
logfire.log(level='error', msg_template='Other', attributes={'z': True})
logfire.log(17, 'Numeric')
`,
    want: [
      ['logfire', 'log', 'log', 'warn', 'Thing {x}', ['x', 'y']],
      ['logfire', 'log', 'log', 'error', 'Other', ['z']],
      ['logfire', 'log', 'log', 'error', 'Numeric', []],
    ],
  },
  {
    name: 'spans, set_attribute on the with-target, instrument decorators',
    src: `import logfire
with logfire.span("EAR phase: {from_phase}", from_phase=p, _level="debug") as s:
    s.set_attribute("confidence", 0.9)
    s.set_attributes({"a": 1})
@logfire.instrument("Calling {x}", extract_args=["x"])
def f(x, y):
    pass
@logfire.instrument
def g(self, a, b=2, *rest):
    pass
@logfire.instrument("No args", extract_args=False)
def h(a):
    pass
`,
    want: [
      ['logfire', 'span', 'span', 'debug', 'EAR phase: {from_phase}', ['from_phase']],
      ['logfire', 'set-attribute', 'set_attribute', undefined, undefined, ['confidence']],
      ['logfire', 'set-attribute', 'set_attributes', undefined, undefined, ['a']],
      ['logfire', 'instrument', 'instrument', undefined, 'Calling {x}', ['x']],
      ['logfire', 'instrument', 'instrument', undefined, undefined, ['a', 'b']],
      ['logfire', 'instrument', 'instrument', undefined, 'No args', []],
    ],
  },
  {
    name: 'structlog: get_logger bound to any name, LOG, self._logger, bind() results, async methods',
    src: `import structlog
from structlog import get_logger
LOG = structlog.get_logger()
logger = get_logger(__name__)
log = LOG.bind(request_id="r1", user="u")
class Agent:
    _cls_logger = structlog.stdlib.get_logger()
    def __init__(self):
        self._logger = structlog.get_logger().bind(component="agent")
    def run(self):
        self._logger.info("agent.created", model="gpt-4", exc_info=True)
        self._cls_logger.debug("agent.debugged")
LOG.warning("session.loaded", session_id=s)
logger.error(event="session.load_error", error=str(e))
log.critical("db.failed", table="t")
await LOG.ainfo("async.event", n=1)
LOG.log(30, "numeric.level")
LOG.bind(x=1)
`,
    want: [
      ['structlog', 'log', 'info', 'info', 'agent.created', ['model']],
      ['structlog', 'log', 'debug', 'debug', 'agent.debugged', []],
      ['structlog', 'log', 'warning', 'warn', 'session.loaded', ['session_id']],
      ['structlog', 'log', 'error', 'error', 'session.load_error', ['error']],
      ['structlog', 'log', 'critical', 'fatal', 'db.failed', ['table']],
      ['structlog', 'log', 'ainfo', 'info', 'async.event', ['n']],
      ['structlog', 'log', 'log', 'warn', 'numeric.level', []],
    ],
  },
  {
    name: 'loguru: aliases, opt(), bind(), extra= and keyword attributes, dict messages',
    src: `from loguru import logger
from loguru import logger as lg
import loguru
logger.info("Agent response generated", extra={"call_id": "c1", "agent": "starter"})
lg.opt(exception=True).error("failed {x}", x=1)
logger.bind(call_id="c").success("done")
loguru.logger.critical("crit")
logger.info({"event": "agent_created", "model": model_name})
logger.log("WARNING", "by name")
logger.add("file.log")
`,
    want: [
      ['loguru', 'log', 'info', 'info', 'Agent response generated', ['call_id', 'agent']],
      ['loguru', 'log', 'error', 'error', 'failed {x}', ['x']],
      ['loguru', 'log', 'success', 'info', 'done', []],
      ['loguru', 'log', 'critical', 'fatal', 'crit', []],
      ['loguru', 'log', 'info', 'info', 'agent_created', ['model']],
      ['loguru', 'log', 'log', 'warn', 'by name', []],
    ],
  },
  {
    name: 'stdlib logging: only calls with extra= are telemetry',
    src: `import logging
logger = logging.getLogger(__name__)
logger.info("plain")
logger.warning("with extra", extra={"k": 1, "v": "x"})
logging.error("module level", extra=ctx)
logger.log(logging.ERROR, "via log", extra={"a": 1})
logger.getChild("c").debug("child", extra={"b": 2})
`,
    want: [
      ['stdlib', 'log', 'warning', 'warn', 'with extra', ['k', 'v']],
      ['stdlib', 'log', 'error', 'error', 'module level', []],
      ['stdlib', 'log', 'log', 'error', 'via log', ['a']],
      ['stdlib', 'log', 'debug', 'debug', 'child', ['b']],
    ],
  },
  {
    name: 'OpenTelemetry: tracers, with-spans, decorators, current span, events',
    src: `from opentelemetry import trace
import opentelemetry.trace as ot
tracer = trace.get_tracer(__name__)
t2 = ot.get_tracer("x")
with tracer.start_as_current_span("http_request", attributes={"http.method": "GET"}) as span:
    span.set_attribute("http.url", str(u))
    span.add_event("retry", {"n": 1})
@tracer.start_as_current_span("translate_prompt")
def translate(p):
    span = trace.get_current_span()
    span.set_attribute("prompt_length", len(p))
s = t2.start_span(name="manual")
s.set_attributes({"a": 1})
`,
    want: [
      ['otel', 'span', 'start_as_current_span', undefined, 'http_request', ['http.method']],
      ['otel', 'set-attribute', 'set_attribute', undefined, undefined, ['http.url']],
      ['otel', 'event', 'add_event', undefined, 'retry', ['n']],
      ['otel', 'span', 'start_as_current_span', undefined, 'translate_prompt', []],
      ['otel', 'set-attribute', 'set_attribute', undefined, undefined, ['prompt_length']],
      ['otel', 'span', 'start_span', undefined, 'manual', []],
      ['otel', 'set-attribute', 'set_attributes', undefined, undefined, ['a']],
    ],
  },
  {
    name: 'configured wrappers (seed 001)',
    src: `from weaver_ai.telemetry import start_span, log_info, log_error
with start_span("agent.execute", task_id=task.task_id, capability=task.capability):
    log_info("Starting agent execution", task_id=task.task_id)
    log_error("Agent execution failed", error=str(e))
    telemetry.log_info("Qualified", a=1)
`,
    want: [
      ['wrapper', 'span', 'start_span', undefined, 'agent.execute', ['task_id', 'capability']],
      ['wrapper', 'log', 'log_info', 'info', 'Starting agent execution', ['task_id']],
      ['wrapper', 'log', 'log_info', 'info', 'Qualified', ['a']],
    ],
  },
  {
    name: 'names that merely look like loggers are not telemetry',
    src: `import logfire
logger = make_logger()
logger.info("not ours")
info("not imported")
self.log.warn("unknown receiver")
span.set_attribute("k", 1)
`,
    want: [],
  },
];

describe('Python extraction tables', () => {
  for (const c of cases) {
    it(c.name, async () => {
      assert.deepEqual(rows(await calls(c.src)), c.want);
    });
  }
});

describe('Python extraction details', () => {
  it('the seed 000 Workload routing call: ranges, attribute ranges and multi-line insertion', async () => {
    const src = `import logfire

def get_model_name(self):
    logfire.info(
        "Workload routing: {agent} → {workload} → {model}",
        agent=agent_name,
        workload=workload_type,
        orchestrated_model=model_from_orchestrator,
        default_model=fallback_model,
    )
`;
    const [c] = await calls(src);
    assert.equal(textAt(src, c.range), src.slice(src.indexOf('logfire.info('), src.indexOf(')\n', src.indexOf('fallback_model')) + 1));
    assert.equal(textAt(src, c.calleeRange), 'logfire.info');
    assert.equal(textAt(src, c.levelRange!), 'info');
    assert.equal(textAt(src, c.message!.range), '"Workload routing: {agent} → {workload} → {model}"');
    assert.equal(textAt(src, c.message!.contentRange!), 'Workload routing: {agent} → {workload} → {model}');
    const a = c.attributes[2];
    assert.equal(textAt(src, a.keyRange), 'orchestrated_model');
    assert.equal(textAt(src, a.range), 'orchestrated_model=model_from_orchestrator');
    assert.equal(a.value.kind, 'identifier');
    assert.equal(a.source, 'keyword');
    // After the trailing comma, on its own line with the arguments' indentation.
    assert.deepEqual(c.insertAttribute, { position: { line: 8, character: 37 }, prefix: '\n        ', suffix: ',', style: 'keyword' });
    assert.equal(c.hasSplat, false);
  });

  it('single-line insertion, splats, reserved keywords and value kinds', async () => {
    const src = `import logfire
logfire.warn(f"Rate limit: {model} ({w!r})", model="m", n=3, pct=-1.5, ok=False, none=None, d={}, l=[1], c="a" + b, fmt="{}".format(x), _tags=["t"], _exc_info=True, **extra)
`;
    const [c] = await calls(src);
    assert.equal(c.message!.kind, 'fstring');
    assert.deepEqual(c.message!.parts!.map((p) => p.expr), ['model', 'w']);
    assert.deepEqual(
      c.attributes.map((a) => [a.key, a.value.kind, a.value.value]),
      [
        ['model', 'string', 'm'],
        ['n', 'int', 3],
        ['pct', 'float', -1.5],
        ['ok', 'bool', false],
        ['none', 'none', null],
        ['d', 'dict', undefined],
        ['l', 'list', undefined],
        ['c', 'concat', undefined],
        ['fmt', 'concat', undefined],
      ],
    );
    assert.deepEqual(c.reservedKeywords.map((r) => r.name), ['_tags', '_exc_info']);
    assert.equal(textAt(src, c.reservedKeywords[0].range), '_tags=["t"]');
    assert.equal(c.hasSplat, true);
    assert.equal(c.insertAttribute!.prefix, ', ');
    assert.equal(textAt(src, { start: { line: 1, character: 0 }, end: c.insertAttribute!.position }).endsWith('**extra'), true);
  });

  it('multi-line call without a trailing comma, and an empty call', async () => {
    const src = `import logfire
logfire.info("a",
             x=1,
             y=2)
logfire.info("b")
logfire.span()
`;
    const [a, b, c] = await calls(src);
    assert.deepEqual(a.insertAttribute, { position: { line: 3, character: 16 }, prefix: ',\n             ', suffix: '', style: 'keyword' });
    assert.deepEqual(b.insertAttribute, { position: { line: 4, character: 16 }, prefix: ', ', suffix: '', style: 'keyword' });
    assert.equal(c.message, undefined);
    assert.deepEqual(c.insertAttribute, { position: { line: 5, character: 13 }, prefix: '', suffix: '', style: 'keyword' });
  });

  it('logfire.log level range covers the level string content; stdlib extra dict insertion', async () => {
    const src = `import logfire, logging
logfire.log('warning', 'T')
logging.getLogger().info("m", extra={"a": 1})
`;
    const [a, b] = await calls(src);
    assert.equal(textAt(src, a.levelRange!), 'warning');
    assert.equal(b.attributes[0].source, 'extra');
    assert.equal(textAt(src, b.attributes[0].keyRange), 'a');
    assert.deepEqual(b.insertAttribute, { position: { line: 2, character: 43 }, prefix: ', ', suffix: '', style: 'object' });
  });

  it('bound keys accumulate through bind() chains', async () => {
    const src = `import structlog
log = structlog.get_logger().bind(session_id=s)
log = log.bind(call_id=c)
log.info("x.done")
`;
    const [c] = await calls(src);
    assert.deepEqual(c.boundKeys?.sort(), ['call_id', 'session_id']);
  });

  it('string decoding: escapes, raw strings, implicit concatenation, f-string braces', async () => {
    const src = `import logfire
logfire.info("tab\\there")
logfire.info(r"raw\\n")
logfire.info("a" "b")
logfire.info(f"literal {{x}}")
logfire.info("""triple
line""")
`;
    assert.deepEqual((await calls(src)).map((c) => c.message?.value), ['tab\there', 'raw\\n', 'ab', 'literal {x}', 'triple\nline']);
  });

  it('span messages travel to set_attribute calls', async () => {
    const src = `import logfire
with logfire.span("Failover success: now using {model}", model=m) as s:
    s.set_attribute("attempts", 2)
`;
    const cs = await calls(src);
    assert.equal(cs[1].spanMessage?.value, 'Failover success: now using {model}');
    assert.equal(textAt(src, cs[1].attributes[0].keyRange), 'attempts');
    assert.equal(cs[1].attributes[0].source, 'setAttribute');
  });

  it('broken code still yields the calls tree-sitter can recover', async () => {
    const src = `import logfire
def f(:
    logfire.info("still here", a=1)
logfire.info("unterminated", b=
`;
    const cs = await calls(src);
    assert.ok(cs.some((c) => c.message?.value === 'still here'));
  });
});

describe('pre-filter', () => {
  it('rejects code without any telemetry library or wrapper name, accepts the rest', () => {
    assert.equal(mayContainTelemetry('def f():\n    return 1\n', 'python'), false);
    assert.equal(mayContainTelemetry('import logging\n', 'python'), true);
    assert.equal(mayContainTelemetry('from x import log_info\n', 'python'), false);
    assert.equal(mayContainTelemetry('from x import log_info\n', 'python', WRAPPERS), true);
    assert.equal(mayContainTelemetry("import { trace } from '@opentelemetry/api'", 'typescript'), true);
    assert.equal(mayContainTelemetry("import x from 'y'; console.log(1)", 'javascript'), false);
  });

  it('returns no calls for skipped files', async () => {
    assert.deepEqual(await calls('x = 1\n', []), []);
  });
});
