import { rule } from '../../server/rules/TL017';
import { ruleTable } from './ruleTester';

const OTEL_PY = 'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\n';
const OTEL_TS = "import { trace } from '@opentelemetry/api';\nconst tracer = trace.getTracer('agent');\n";

ruleTable(rule, {
  valid: [
    // current names, and keys outside the conventions
    `${OTEL_PY}with tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.usage.input_tokens", 10)\n    span.set_attribute("my_app.step", 1)\n`,
    { code: `${OTEL_TS}tracer.startActiveSpan('chat', { attributes: { 'gen_ai.provider.name': 'openai', tokens: 3 } }, (s) => s.end());\n`, language: 'typescript' },
    // a key the matched project event declares itself is TL003's, not this rule's
    {
      code: 'import logfire\nlogfire.info("llm.call", **{"gen_ai.system": "openai"})\n',
      schema: 'version: 1\nevents:\n  - name: llm.call\n    attributes:\n      gen_ai.system: string\n',
    },
  ],
  invalid: [
    {
      name: 'Python set_attribute with gen_ai.usage.prompt_tokens',
      code: `${OTEL_PY}with tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.usage.prompt_tokens", usage.prompt_tokens)\n`,
      errors: [
        {
          message: 'Attribute `gen_ai.usage.prompt_tokens` is deprecated in the OpenTelemetry semantic conventions 1.41.1; use `gen_ai.usage.input_tokens`',
          line: 4,
          column: 25,
          severity: 'warning',
          fixes: ['Rename `gen_ai.usage.prompt_tokens` to `gen_ai.usage.input_tokens`'],
        },
      ],
      output: `${OTEL_PY}with tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.usage.input_tokens", usage.prompt_tokens)\n`,
    },
    {
      name: 'Python start_as_current_span attributes= with gen_ai.system',
      code: `${OTEL_PY}with tracer.start_as_current_span("chat", attributes={"gen_ai.system": "openai", "gen_ai.usage.completion_tokens": 3}):\n    pass\n`,
      errors: [
        { message: 'use `gen_ai.provider.name`', line: 3, fixes: ['Rename `gen_ai.system` to `gen_ai.provider.name`'] },
        { message: 'use `gen_ai.usage.output_tokens`', line: 3, fixes: ['Rename `gen_ai.usage.completion_tokens` to `gen_ai.usage.output_tokens`'] },
      ],
      output: `${OTEL_PY}with tracer.start_as_current_span("chat", attributes={"gen_ai.provider.name": "openai", "gen_ai.usage.output_tokens": 3}):\n    pass\n`,
    },
    {
      name: 'TypeScript startActiveSpan attributes and setAttribute',
      language: 'typescript',
      code: `${OTEL_TS}tracer.startActiveSpan('chat', { attributes: { 'gen_ai.system': 'openai' } }, (span) => {\n  span.setAttribute('gen_ai.usage.prompt_tokens', 12);\n  span.end();\n});\n`,
      errors: [
        { message: 'Attribute `gen_ai.system` is deprecated in the OpenTelemetry semantic conventions 1.41.1; use `gen_ai.provider.name`', line: 3, column: 49 },
        { message: 'use `gen_ai.usage.input_tokens`', line: 4, column: 22, fixes: ['Rename `gen_ai.usage.prompt_tokens` to `gen_ai.usage.input_tokens`'] },
      ],
      output: `${OTEL_TS}tracer.startActiveSpan('chat', { attributes: { 'gen_ai.provider.name': 'openai' } }, (span) => {\n  span.setAttribute('gen_ai.usage.input_tokens', 12);\n  span.end();\n});\n`,
    },
    {
      name: "logfire.span with **{'gen_ai.system': ...}",
      code: "import logfire\nwith logfire.span('chat {model}', model=m, **{'gen_ai.system': 'openai'}):\n    pass\n",
      errors: [{ message: 'use `gen_ai.provider.name`', line: 2, column: 48 }],
      output: "import logfire\nwith logfire.span('chat {model}', model=m, **{'gen_ai.provider.name': 'openai'}):\n    pass\n",
    },
    {
      name: 'a deprecated enum value',
      code: `${OTEL_PY}with tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.operation.name", "chat")\n    span.set_attribute("gen_ai.provider.name", "openai")\n    span.set_attribute("messaging.operation.type", "publish")\n`,
      errors: [{ message: "Value `\"publish\"` of attribute `messaging.operation.type` is deprecated in the OpenTelemetry semantic conventions 1.41.1; use 'send'", line: 6 }],
      output: `${OTEL_PY}with tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.operation.name", "chat")\n    span.set_attribute("gen_ai.provider.name", "openai")\n    span.set_attribute("messaging.operation.type", "send")\n`,
    },
    {
      name: 'a deprecation without a replacement: reported, no fix',
      language: 'typescript',
      code: `${OTEL_TS}const s = tracer.startSpan('chat', { attributes: { 'gen_ai.prompt': text } });\n`,
      errors: [{ message: 'Attribute `gen_ai.prompt` is deprecated in the OpenTelemetry semantic conventions 1.41.1 (obsoleted)', fixes: [] }],
      output: null,
    },
    {
      name: 'the replacement already passed: no rename',
      code: `${OTEL_PY}with tracer.start_as_current_span("chat") as span:\n    span.set_attributes({"gen_ai.usage.prompt_tokens": 1, "gen_ai.usage.input_tokens": 1})\n`,
      errors: [{ message: 'use `gen_ai.usage.input_tokens`', fixes: [] }],
      output: null,
    },
  ],
});
