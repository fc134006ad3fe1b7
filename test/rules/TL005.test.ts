import { rule } from '../../server/rules/TL005';
import { ruleTable } from './ruleTester';

ruleTable(rule, {
  valid: [
    'import logfire\nlogfire.info("Failover success: now using {model}", model="m", workload="CODING", attempts=1)',
    // error_type is an open set ("rate_limit", "format_error", "timeout", etc.)
    'import logfire\nlogfire.warn("Failover triggered: {from_model} → {to_model} ({error_type})", from_model="a", to_model="b", error_type="server_error", workload="REASONING")',
    // ranges are inclusive; non-literals are not judged
    'import logfire\nlogfire.info("EAR phase: {from_phase} → {to_phase}", loop_id="0a1b2c3d", agent_id="a", from_phase="act", to_phase="complete", decision_type="wait", confidence=1)',
    'import logfire\nlogfire.warn("Capacity warning: {model} at {pct}% ({limit_type})", model=m, pct=pct, limit_type=kind, used=1, limit=2, provider="cerebras")',
    // wrong types are TL004's
    'import logfire\nlogfire.warn("Capacity warning: {model} at {pct}% ({limit_type})", model=m, pct="high", limit_type="day_requests", used=1, limit=2, provider="x")',
  ],
  invalid: [
    {
      name: 'enum value in the wrong case',
      code: 'import logfire\nlogfire.info("Failover success: now using {model}", model="m", workload="coding", attempts=1)\n',
      errors: [
        {
          message:
            "Value `\"coding\"` of attribute `workload` for event `Failover success: now using {model}` is not an allowed value (expected one of 'CODING', 'ORCHESTRATOR', 'REASONING', 'LIBRARIAN'); did you mean 'CODING'?",
          line: 2,
          column: 73,
          fixes: ['Replace with `"CODING"`'],
        },
      ],
      output: 'import logfire\nlogfire.info("Failover success: now using {model}", model="m", workload="CODING", attempts=1)\n',
    },
    {
      name: 'phase misspelt, quote style kept, multi-line call',
      code: "import logfire\nlogfire.info(\n    'EAR phase: {from_phase} → {to_phase}',\n    loop_id='0a1b2c3d',\n    agent_id='a',\n    from_phase='act',\n    to_phase='completed',\n)\n",
      errors: [{ message: "did you mean 'complete'?", line: 7, column: 14, fixes: ["Replace with `'complete'`"] }],
      output: "import logfire\nlogfire.info(\n    'EAR phase: {from_phase} → {to_phase}',\n    loop_id='0a1b2c3d',\n    agent_id='a',\n    from_phase='act',\n    to_phase='complete',\n)\n",
    },
    {
      name: 'out of range: percentage in a 0–1 field, negative count, pct above 100',
      code:
        'import logfire\nlogfire.info("EAR phase: {from_phase} → {to_phase}", loop_id=l, agent_id=a, from_phase=p, to_phase=q, confidence=85)\n' +
        'logfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown=-5, consecutive_429s=0)\n' +
        'logfire.warn("Capacity warning: {model} at {pct}% ({limit_type})", model=m, pct=120.5, limit_type=t, used=1, limit=2, provider=p)\n',
      errors: [
        { message: 'Value `85` of attribute `confidence` for event `EAR phase: {from_phase} → {to_phase}` is above the maximum 1; it looks like a percentage, the field is a fraction (0–1)', line: 2 },
        { message: 'Value `-5` of attribute `cooldown` for event `Rate limit: {model} ({workload}) - cooldown {cooldown}s` is below the minimum 0', line: 3 },
        { message: 'Value `120.5` of attribute `pct` for event `Capacity warning: {model} at {pct}% ({limit_type})` is above the maximum 100 (range 0–100)', line: 4 },
      ],
      output: null,
    },
    {
      name: 'pattern: loop_id must be 8 hex characters',
      code: 'import logfire\nlogfire.info("EAR phase: {from_phase} → {to_phase}", loop_id="loop-123456789", agent_id=a, from_phase=p, to_phase=q)\n',
      errors: [{ message: 'Value `"loop-123456789"` of attribute `loop_id` for event `EAR phase: {from_phase} → {to_phase}` does not match the pattern `^[0-9a-fA-F]{8}$`' }],
      output: null,
    },
    {
      name: 'TypeScript: limit_type not allowed, nothing close',
      code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.warning('Capacity warning: {model} at {pct}% ({limit_type})', { model, pct: 81, limit_type: 'monthly_dollars', used: 1, limit: 2, provider: 'x' });\n",
      language: 'typescript',
      errors: [{ message: "is not an allowed value (expected one of 'window_tokens', 'day_requests', 'minute_tokens')", fixes: [] }],
      output: null,
    },
    {
      name: 'structlog with a schema of dotted names',
      code: 'import structlog\nlog = structlog.get_logger()\nlog.info("call.routed", channel="SMS")\n',
      schema: 'version: 1\nevents:\n  - name: call.routed\n    attributes:\n      channel: {type: enum, values: [sms, voice, web]}\n',
      errors: [{ message: "did you mean 'sms'?", line: 3, column: 33 }],
      output: 'import structlog\nlog = structlog.get_logger()\nlog.info("call.routed", channel="sms")\n',
    },
  ],
});

// Enum values of dotted keys from the built-in OpenTelemetry semantic conventions (their enums are open).
ruleTable(rule, {
  valid: [
    // a value outside an open enum that is no near miss: a custom value, allowed
    'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span("chat", attributes={"gen_ai.operation.name": "plan_trip"}):\n    pass\n',
  ],
  invalid: [
    {
      name: 'a near miss of an open enum member',
      code: 'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.operation.name", "Chat")\n',
      errors: [{ message: "Value `\"Chat\"` of attribute `gen_ai.operation.name` (OpenTelemetry semantic conventions 1.41.1) is not one of the known values", severity: 'info', fixes: ["Replace with `\"chat\"`"] }],
      output: 'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span("chat") as span:\n    span.set_attribute("gen_ai.operation.name", "chat")\n',
    },
  ],
});
