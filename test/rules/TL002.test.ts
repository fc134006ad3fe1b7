import { rule } from '../../server/rules/TL002';
import { ruleTable } from './ruleTester';

const SPANS = `
version: 1
events:
  - name: order.processed
    kind: span
    attributes:
      order_id: {type: string, required: true}
      total: {type: float, required: true}
  - name: agent.created
    attributes:
      model: {type: string, required: true}
      session_id: {type: string, required: true}
`;

ruleTable(rule, {
  valid: [
    // all of Failover success's attributes
    'import logfire\nlogfire.info("Failover success: now using {model}", model=m, workload=w, attempts=2)',
    // optional attributes may be left out (EAR phase: decision_type, confidence)
    'import logfire\nlogfire.info("EAR phase: {from_phase} → {to_phase}", loop_id=l[:8], agent_id=a, from_phase=p, to_phase=q)',
    // splats: the attribute set is not known
    'import logfire\nlogfire.info("Failover success: now using {model}", **attrs)',
    { code: "import * as logfire from 'logfire';\nlogfire.info('Failover success: now using {model}', { ...attrs, model });", language: 'typescript' },
    // undeclared events are TL001's business
    'import logfire\nlogfire.info("Something else")',
    // structlog context bound earlier counts
    { code: 'import structlog\nlog = structlog.get_logger().bind(session_id=sid)\nlog.info("agent.created", model="m")', schema: SPANS },
    // attributes set later on the span count
    { code: 'import logfire\nwith logfire.span("order.processed", order_id=oid) as span:\n    span.set_attribute("total", 3.5)', schema: SPANS },
  ],
  invalid: [
    {
      name: 'one missing attribute, value from a parameter of the same name',
      code: 'import logfire\n\ndef recovered(model, workload):\n    logfire.info("Failover success: now using {model}", model=model, attempts=1)\n',
      errors: [
        {
          message: 'Missing required attribute `workload` for event `Failover success: now using {model}`',
          line: 4,
          column: 5,
          endColumn: 17,
          fixes: ['Add `workload=workload`'],
        },
      ],
      output: 'import logfire\n\ndef recovered(model, workload):\n    logfire.info("Failover success: now using {model}", model=model, attempts=1, workload=workload)\n',
    },
    {
      name: 'several missing, multi-line call keeps its layout, placeholders are None',
      code: 'import logfire\nlogfire.warn(\n    "Rate limit: {model} ({workload}) - cooldown {cooldown}s",\n    model=m,\n    workload=w,\n)\n',
      errors: [{ message: 'Missing required attributes `cooldown`, `consecutive_429s` for event `Rate limit', line: 2, fixes: ['Add `cooldown`, `consecutive_429s`'] }],
      output:
        'import logfire\nlogfire.warn(\n    "Rate limit: {model} ({workload}) - cooldown {cooldown}s",\n    model=m,\n    workload=w,\n    cooldown=None,\n    consecutive_429s=None,\n)\n',
    },
    {
      name: 'TypeScript object literal, placeholder undefined, shorthand for a bound const',
      code: "import * as logfire from '@pydantic/logfire-node';\nconst attempts = 2;\nlogfire.info('Failover success: now using {model}', { model: m });\n",
      language: 'typescript',
      errors: [{ message: 'Missing required attributes `workload`, `attempts`', line: 3 }],
      output: "import * as logfire from '@pydantic/logfire-node';\nconst attempts = 2;\nlogfire.info('Failover success: now using {model}', { model: m, workload: undefined, attempts });\n",
    },
    {
      name: 'JavaScript call without an attributes object gets one',
      code: "const logfire = require('logfire');\nlogfire.info('Failover success: now using {model}');\n",
      language: 'javascript',
      errors: [{ message: 'Missing required attributes `model`, `workload`, `attempts`' }],
      output: "const logfire = require('logfire');\nlogfire.info('Failover success: now using {model}', { model: undefined, workload: undefined, attempts: undefined });\n",
    },
    {
      name: 'loguru extra dict',
      code: "from loguru import logger\nlogger.info('agent.created', extra={'model': 'm'})\n",
      schema: SPANS,
      errors: [{ message: 'Missing required attribute `session_id` for event `agent.created`' }],
      output: "from loguru import logger\nlogger.info('agent.created', extra={'model': 'm', 'session_id': None})\n",
    },
    {
      name: 'wrapper span function from the schema conventions',
      code: 'from app.telemetry import start_span\nwith start_span("order.processed", total=1.5):\n    pass\n',
      schema: SPANS.replace('events:', 'conventions:\n  wrappers:\n    - {name: start_span, kind: span}\nevents:'),
      errors: [{ message: 'Missing required attribute `order_id` for event `order.processed`', line: 2, column: 6 }],
      output: 'from app.telemetry import start_span\nwith start_span("order.processed", total=1.5, order_id=None):\n    pass\n',
    },
    {
      name: 'span without the attribute set anywhere',
      code: 'import logfire\nwith logfire.span("order.processed", order_id=oid):\n    pass\n',
      schema: SPANS,
      errors: [{ message: 'Missing required attribute `total` for event `order.processed`', line: 2, column: 6 }],
      output: 'import logfire\nwith logfire.span("order.processed", order_id=oid, total=None):\n    pass\n',
    },
  ],
});
