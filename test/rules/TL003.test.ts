import { rule } from '../../server/rules/TL003';
import { ruleTable } from './ruleTester';

const DEPRECATED = `
version: 1
conventions:
  requiredContext: [session_id]
events:
  - name: agent.created
    attributes:
      model: {type: string}
      model_name: {type: string, deprecated: {replacement: model, reason: renamed in 2.0}}
      temperature: float
  - name: agent.tagged
`;

ruleTable(rule, {
  valid: [
    'import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown=1, consecutive_429s=2)',
    // a span opened later in the file, or in another function, is not the one being set
    {
      name: 'set_attribute before the span it would be tied to, in another function',
      code: 'import logfire\ndef first(span):\n    span.set_attribute("anything", 1)\n\ndef second():\n    with logfire.span("agent.created", model="m") as span:\n        pass\n',
      schema: DEPRECATED,
    },
    {
      name: 'set_attribute after the with block of another function',
      code: 'import logfire\ndef second():\n    with logfire.span("agent.created", model="m") as span:\n        pass\n\ndef third(span):\n    span.set_attribute("anything", 1)\n',
      schema: DEPRECATED,
    },
    // a field of the declared template needs its attribute, declared or not (the bundled {model})
    'import logfire\nlogfire.info("Workload routing: {agent} → {workload} → {model}", agent=a, workload=w, orchestrated_model=o, default_model=d, model=o)',
    // context attributes are allowed on every event
    { code: 'import logfire\nlogfire.info("agent.created", model="m", session_id=s)', schema: DEPRECATED },
    // events declaring no attributes are unspecified
    { code: 'import logfire\nlogfire.info("agent.tagged", anything=1)', schema: DEPRECATED },
    // undeclared events are not checked
    'import logfire\nlogfire.info("Hello {name}", name="x", extra_key=1)',
  ],
  invalid: [
    {
      name: 'typo, did-you-mean rename',
      code: 'import logfire\nlogfire.info("Failover success: now using {model}", model=m, worklaod=w, attempts=1)\n',
      errors: [
        {
          message: 'Unknown attribute `worklaod` for event `Failover success: now using {model}`; did you mean `workload`?',
          line: 2,
          column: 62,
          endColumn: 70,
          fixes: ['Rename `worklaod` to `workload`', 'Remove `worklaod`'],
        },
      ],
      output: 'import logfire\nlogfire.info("Failover success: now using {model}", model=m, workload=w, attempts=1)\n',
    },
    {
      name: 'nothing close: remove it (multi-line call)',
      code: 'import logfire\nlogfire.info(\n    "Failover success: now using {model}",\n    model=m,\n    workload=w,\n    attempts=1,\n    region="eu",\n)\n',
      errors: [{ message: 'Unknown attribute `region` for event `Failover success: now using {model}` (declared: model, workload, attempts)', line: 7, column: 5, fixes: ['Remove `region`'] }],
      output: 'import logfire\nlogfire.info(\n    "Failover success: now using {model}",\n    model=m,\n    workload=w,\n    attempts=1,\n)\n',
    },
    {
      name: 'camelCase key of a snake_case attribute (TypeScript)',
      code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.warning('Failover triggered: {from_model} → {to_model} ({error_type})', { from_model: a, to_model: b, errorType: c, workload: w });\n",
      language: 'typescript',
      errors: [{ message: 'Unknown attribute `errorType`', fixes: ['Rename `errorType` to `error_type`', 'Remove `errorType`'] }],
      output:
        "import * as logfire from '@pydantic/logfire-node';\nlogfire.warning('Failover triggered: {from_model} → {to_model} ({error_type})', { from_model: a, to_model: b, error_type: c, workload: w });\n",
    },
    {
      name: 'deprecated attribute renamed to its replacement',
      code: 'import structlog\nlog = structlog.get_logger()\nlog.info("agent.created", model_name="gpt-4")\n',
      schema: DEPRECATED,
      errors: [{ message: 'Attribute `model_name` of event `agent.created` is deprecated (renamed in 2.0); use `model`', line: 3, column: 27, fixes: ['Rename `model_name` to `model`'] }],
      output: 'import structlog\nlog = structlog.get_logger()\nlog.info("agent.created", model="gpt-4")\n',
    },
    {
      name: 'loguru extra dict key',
      code: "from loguru import logger\nlogger.info('agent.created', extra={'modle': 'm', 'temperature': 0.2})\n",
      schema: DEPRECATED,
      errors: [{ message: 'Unknown attribute `modle` for event `agent.created`; did you mean `model`?', line: 2, column: 38 }],
      output: "from loguru import logger\nlogger.info('agent.created', extra={'model': 'm', 'temperature': 0.2})\n",
    },
    {
      name: 'attribute set later on a span of a declared event',
      code: 'import logfire\nwith logfire.span("agent.created", model="m") as span:\n    span.set_attribute("temprature", 0.5)\n',
      schema: DEPRECATED,
      errors: [{ message: 'Unknown attribute `temprature` for event `agent.created`; did you mean `temperature`?', line: 3, fixes: ['Rename `temprature` to `temperature`'] }],
      output: 'import logfire\nwith logfire.span("agent.created", model="m") as span:\n    span.set_attribute("temperature", 0.5)\n',
    },
    {
      name: 'two spans bound to the same name: each call is tied to the span in its own block',
      code: 'import logfire\ndef a():\n    with logfire.span("agent.created", model="m") as span:\n        span.set_attribute("temprature", 0.5)\n\ndef b():\n    with logfire.span("agent.tagged") as span:\n        span.set_attribute("temprature", 0.5)\n',
      schema: DEPRECATED,
      errors: [{ message: 'Unknown attribute `temprature` for event `agent.created`; did you mean `temperature`?', line: 4, fixes: ['Rename `temprature` to `temperature`'] }],
      output: 'import logfire\ndef a():\n    with logfire.span("agent.created", model="m") as span:\n        span.set_attribute("temperature", 0.5)\n\ndef b():\n    with logfire.span("agent.tagged") as span:\n        span.set_attribute("temprature", 0.5)\n',
    },
  ],
});
