import { rule } from '../../server/rules/TL006';
import { ruleTable } from './ruleTester';

const NAMED = `
version: 1
events:
  - name: agent.error
    level: error
  - name: agent.created
    level: info
  - name: db.slow_query
    level: notice
`;

ruleTable(rule, {
  valid: [
    'import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m)',
    // logfire.warning spells WARN too; logfire.log with a level string
    'import logfire\nlogfire.log("warn", "Capacity warning: {model} at {pct}% ({limit_type})", {"model": m})',
    // exception logs at ERROR
    { code: 'import logfire\ntry:\n    pass\nexcept Exception:\n    logfire.exception("agent.error")', schema: NAMED },
    // spans are not checked; unknown levels are not judged
    'import logfire\nwith logfire.span("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m):\n    pass',
    'import logfire\nlogfire.log(level, "Rate limit: {model} ({workload}) - cooldown {cooldown}s", {"model": m})',
    { code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.warning('Failover triggered: {from_model} → {to_model} ({error_type})', {});", language: 'typescript' },
  ],
  invalid: [
    {
      name: 'INFO instead of WARN: rename the method',
      code: 'import logfire\nlogfire.info("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m)\n',
      errors: [
        {
          message: 'Event `Rate limit: {model} ({workload}) - cooldown {cooldown}s` is logged at INFO, the schema declares WARN',
          line: 2,
          column: 9,
          endColumn: 13,
          fixes: ['Change level to `warn`'],
        },
      ],
      output: 'import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m)\n',
    },
    {
      name: 'aliased import, multi-line',
      code: 'import logfire as lf\nlf.error(\n    "Failover success: now using {model}",\n    model=m,\n)\n',
      errors: [{ message: 'is logged at ERROR, the schema declares INFO', line: 2, column: 4 }],
      output: 'import logfire as lf\nlf.info(\n    "Failover success: now using {model}",\n    model=m,\n)\n',
    },
    {
      name: 'level string argument of logfire.log',
      code: "import logfire\nlogfire.log('info', 'Capacity warning: {model} at {pct}% ({limit_type})', {'model': m})\n",
      errors: [{ message: 'is logged at INFO, the schema declares WARN', line: 2, column: 14, fixes: ['Change level to `warn`'] }],
      output: "import logfire\nlogfire.log('warn', 'Capacity warning: {model} at {pct}% ({limit_type})', {'model': m})\n",
    },
    {
      name: 'Logfire JS spells the level `warning`',
      code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('Failover triggered: {from_model} → {to_model} ({error_type})', {});\n",
      language: 'typescript',
      errors: [{ message: 'logged at INFO, the schema declares WARN', fixes: ['Change level to `warning`'] }],
      output: "import * as logfire from '@pydantic/logfire-node';\nlogfire.warning('Failover triggered: {from_model} → {to_model} ({error_type})', {});\n",
    },
    {
      name: 'structlog and loguru spell WARN as warning and FATAL as critical',
      code: 'import structlog\nlog = structlog.get_logger()\nlog.info("agent.error", err="x")\nfrom loguru import logger\nlogger.warning("agent.created")\n',
      schema: NAMED,
      errors: [
        { message: 'Event `agent.error` is logged at INFO, the schema declares ERROR', line: 3, fixes: ['Change level to `error`'] },
        { message: 'Event `agent.created` is logged at WARN, the schema declares INFO', line: 5, fixes: ['Change level to `info`'] },
      ],
      output: 'import structlog\nlog = structlog.get_logger()\nlog.error("agent.error", err="x")\nfrom loguru import logger\nlogger.info("agent.created")\n',
    },
    {
      name: 'no method for NOTICE in structlog: reported without a fix',
      code: 'import structlog\nlog = structlog.get_logger()\nlog.info("db.slow_query", ms=900)\n',
      schema: NAMED,
      errors: [{ message: 'is logged at INFO, the schema declares NOTICE', fixes: [] }],
      output: null,
    },
  ],
});
