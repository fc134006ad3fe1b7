import { rule } from '../../server/rules/TL004';
import { ruleTable } from './ruleTester';

const TYPES = `
version: 1
events:
  - name: ir.generated
    attributes:
      prompt_length: int
      effect_count: {type: int, required: true}
      duration_ms: float
      label: string
      cached: bool
      effects: array
      meta: object
      note:
`;

ruleTable(rule, {
  valid: [
    'import logfire\nlogfire.info("Failover success: now using {model}", model=m, workload="CODING", attempts=3)',
    // an int is a valid float; unknown expressions are not judged
    'import logfire\nlogfire.warn("Capacity warning: {model} at {pct}% ({limit_type})", model=m, pct=80, limit_type=t, used=compute(), limit=lim, provider=p)',
    // structlog: len() is an int, str() a string, f-strings are strings (seed 003 style)
    { code: 'import structlog\nlogger = structlog.get_logger()\nlogger.info("ir.generated", prompt_length=len(prompt), effect_count=len(ir.effects), duration_ms=duration, label=f"v{n}", cached=not miss, effects=[1, 2], meta={"a": 1}, note=3)', schema: TYPES },
    // optional attribute passed as None
    { code: 'import logfire\nlogfire.info("ir.generated", effect_count=1, label=None)', schema: TYPES },
    // JS: a number literal without fraction is an integer; .length is an integer
    { code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('ir.generated', { effect_count: items.length, duration_ms: 12, label: String(x) });", language: 'typescript', schema: TYPES },
  ],
  invalid: [
    {
      name: 'numeric string for an int field: unquote',
      code: 'import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown="30", consecutive_429s=1)\n',
      errors: [
        {
          message: 'Attribute `cooldown` of event `Rate limit: {model} ({workload}) - cooldown {cooldown}s` should be int, got str `"30"`',
          line: 2,
          column: 103,
          severity: 'error',
          fixes: ['Replace `"30"` with `30`'],
        },
      ],
      output: 'import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown=30, consecutive_429s=1)\n',
    },
    {
      name: 'float literal for an int field, str() for an int field',
      code: 'import logfire\nlogfire.info(\n    "Failover success: now using {model}",\n    model=m,\n    workload=w,\n    attempts=2.0,\n)\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown=str(c), consecutive_429s=1)\n',
      errors: [
        { message: 'should be int, got float `2.0`', line: 6, column: 14, fixes: ['Replace `2.0` with `2`'] },
        { message: 'Attribute `cooldown` of event `Rate limit: {model} ({workload}) - cooldown {cooldown}s` should be int, got str `str(c)`', line: 8, fixes: [] },
      ],
      output: 'import logfire\nlogfire.info(\n    "Failover success: now using {model}",\n    model=m,\n    workload=w,\n    attempts=2,\n)\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown=str(c), consecutive_429s=1)\n',
    },
    {
      name: 'number for a string field, bool for a string, f-string for an int',
      code: 'import structlog\nlog = structlog.get_logger()\nlog.info("ir.generated", effect_count=f"{n}", label=42, cached="yes")\n',
      schema: TYPES,
      errors: [
        { message: 'Attribute `effect_count` of event `ir.generated` should be int, got str `f"{n}"`', fixes: [] },
        { message: 'Attribute `label` of event `ir.generated` should be str, got int `42`', fixes: ['Replace `42` with `"42"`'] },
        { message: 'Attribute `cached` of event `ir.generated` should be bool, got str `"yes"`', fixes: [] },
      ],
      output: 'import structlog\nlog = structlog.get_logger()\nlog.info("ir.generated", effect_count=f"{n}", label="42", cached="yes")\n',
    },
    {
      name: 'required attribute passed as None (what the TL002 placeholder leaves)',
      code: 'import logfire\nlogfire.info("ir.generated", effect_count=None)\n',
      schema: TYPES,
      errors: [{ message: 'Required attribute `effect_count` of event `ir.generated` is None; pass an int', line: 2, column: 43 }],
      output: null,
    },
    {
      name: 'TypeScript: string for a number, fractional number for an integer',
      code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('ir.generated', { effect_count: 1.5, duration_ms: '12' });\n",
      language: 'typescript',
      schema: TYPES,
      errors: [
        { message: 'should be integer, got number `1.5`', fixes: [] },
        { message: 'Attribute `duration_ms` of event `ir.generated` should be number, got string', fixes: ["Replace `'12'` with `12`"] },
      ],
      output: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('ir.generated', { effect_count: 1.5, duration_ms: 12 });\n",
    },
  ],
});

// Dotted keys the matched event leaves open are typed by the built-in OpenTelemetry semantic conventions.
ruleTable(rule, {
  valid: [
    'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span("chat", attributes={"gen_ai.usage.input_tokens": 3, "gen_ai.request.temperature": 1}):\n    pass\n',
    { code: "import { trace } from '@opentelemetry/api';\nconst t = trace.getTracer('a');\nt.startSpan('chat', { attributes: { 'gen_ai.request.model': 'gpt-4o', 'gen_ai.request.stop_sequences': ['\\n'] } });\n", language: 'typescript' },
  ],
  invalid: [
    {
      name: 'a string for gen_ai.usage.input_tokens (Python set_attribute)',
      code: 'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.usage.input_tokens", "12")\n',
      errors: [{ message: 'Attribute `gen_ai.usage.input_tokens` (OpenTelemetry semantic conventions 1.41.1) should be int, got str `"12"`', line: 4, fixes: ['Replace `"12"` with `12`'] }],
      output: 'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.usage.input_tokens", 12)\n',
    },
    {
      name: 'a number for gen_ai.request.model (TS startActiveSpan)',
      language: 'typescript',
      code: "import { trace } from '@opentelemetry/api';\nconst t = trace.getTracer('a');\nt.startActiveSpan('chat', { attributes: { 'gen_ai.request.model': 4 } }, (s) => s.end());\n",
      errors: [{ message: 'Attribute `gen_ai.request.model` (OpenTelemetry semantic conventions 1.41.1) should be string, got integer `4`', line: 3 }],
      output: "import { trace } from '@opentelemetry/api';\nconst t = trace.getTracer('a');\nt.startActiveSpan('chat', { attributes: { 'gen_ai.request.model': '4' } }, (s) => s.end());\n",
    },
  ],
});
