import { rule } from '../../server/rules/TL001';
import { ruleTable } from './ruleTester';

const NAMED = `
version: 1
events:
  - name: agent.created
    level: info
  - name: session.loaded
  - name: agent.spawned
    deprecated: {replacement: agent.created, reason: merged into agent.created}
`;

ruleTable(rule, {
  valid: [
    // unrelated messages sharing one placeholder, or sharing placeholders but not words, are not near misses
    'import logfire\nlogfire.info("Loaded weights for {model}", model=m)',
    'import logfire\nlogfire.info("Queue depth for {model} in {workload}: {cooldown}", model=m, workload=w, cooldown=c)',
    // declared events (seed 000 templates), exact
    'import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown=1, consecutive_429s=2)',
    // open schema: calls resembling no declared event are fine
    'import logfire\nlogfire.info("Processing webhook")',
    'import logfire\nlogfire.info("agent.created", model="gpt-4")',
    "from loguru import logger\nlogger.info('Agent response generated', extra={'call_id': 'c'})",
    // same shape, other placeholder names / arrow spelling: still the declared event
    'import logfire\nlogfire.info("EAR phase: {a} -> {b}", a=1, b=2)',
    // attribute setters are not events
    'import logfire\nwith logfire.span("Failover success: now using {model}", model=m) as s:\n    s.set_attribute("attempts", 2)',
    { code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('user signed in', { user: 'x' });", language: 'typescript' },
    { code: 'import structlog\nlog = structlog.get_logger()\nlog.info("agent.created")', schema: NAMED },
  ],
  invalid: [
    {
      name: 'same meaning in other words: every placeholder and most word stems of the declared template',
      code: 'import logfire\nlogfire.warn("Model rate limited: {model} ({workload} workload) - cooldown {cooldown}s", model=m, workload=w, cooldown=c)\n',
      errors: [
        {
          message:
            'Unknown event `Model rate limited: {model} ({workload} workload) - cooldown {cooldow…`; did you mean `Rate limit: {model} ({workload}) - cooldown {cooldown}s`?',
          line: 2,
          fixes: ['Replace with `Rate limit: {model} ({workload}) - cooldown {cooldown}s`'],
        },
      ],
      output: 'import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m, workload=w, cooldown=c)\n',
    },
    {
      name: 'near miss of a bundled template, with the fix keeping the attributes',
      code: 'import logfire\nlogfire.warn("Failover: {from_model} → {to_model} ({error_type})", from_model=a, to_model=b, error_type=c)\n',
      errors: [
        {
          message: 'Unknown event `Failover: {from_model} → {to_model} ({error_type})`; did you mean `Failover triggered: {from_model} → {to_model} ({error_type})`',
          line: 2,
          column: 14,
          severity: 'warning',
        },
      ],
      output:
        'import logfire\nlogfire.warn("Failover triggered: {from_model} → {to_model} ({error_type})", from_model=a, to_model=b, error_type=c)\n',
    },
    {
      name: 'aliased import, multi-line call',
      code: "import logfire as lf\nlf.warn(\n    'Capacity warn: {model} at {pct}%',\n    model=m,\n    pct=p,\n)\n",
      errors: [{ message: 'did you mean `Capacity warning: {model} at {pct}% ({limit_type})`', line: 3, column: 5 }],
      output: "import logfire as lf\nlf.warn(\n    'Capacity warning: {model} at {pct}% ({limit_type})',\n    model=m,\n    pct=p,\n)\n",
    },
    {
      name: 'structlog event name near miss',
      code: 'import structlog\nlog = structlog.get_logger()\nlog.info("agent.create", model="gpt-4")\n',
      schema: NAMED,
      errors: [{ message: 'Unknown event `agent.create`; did you mean `agent.created`', line: 3, column: 10 }],
      output: 'import structlog\nlog = structlog.get_logger()\nlog.info("agent.created", model="gpt-4")\n',
    },
    {
      name: 'TypeScript near miss',
      code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('Failover succeeded: now using {model}', { model: m });\n",
      language: 'typescript',
      errors: [{ message: 'did you mean `Failover success: now using {model}`', line: 2, column: 14 }],
      output: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('Failover success: now using {model}', { model: m });\n",
    },
    {
      name: 'f-string near miss: reported, no fix (TL008 turns it into a template first)',
      code: 'import logfire\nlogfire.warn(f"Rate limited: {model} - cooldown {cooldown}s")\n',
      errors: [{ message: 'Unknown event `Rate limited: {model} - cooldown {cooldown}s`; did you mean `Rate limit: {model} ({workload}) - cooldown {cooldown}s`?', line: 2, column: 14, fixes: [] }],
      output: null,
    },
    {
      name: 'strict schema reports every undeclared event',
      code: 'import logfire\nlogfire.info("agent.created")\nlogfire.info("payment.captured", amount=3)\n',
      schema: NAMED.replace('version: 1', 'version: 1\nstrict: true'),
      errors: [{ message: 'Event `payment.captured` is not declared in the schema (strict mode', line: 3, column: 14 }],
      output: null,
    },
    {
      name: 'deprecated event, replaced by its successor',
      code: 'import logfire\nlogfire.info("agent.spawned", model="m")\n',
      schema: NAMED,
      errors: [{ message: 'Event `agent.spawned` is deprecated (merged into agent.created); use `agent.created` instead', fixes: ['Replace with `agent.created`'] }],
      output: 'import logfire\nlogfire.info("agent.created", model="m")\n',
    },
  ],
});
