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
      name: 'from-imports, with_tags chains and Logfire instances',
      code: 'from logfire import info\nimport logfire\ninfo("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m)\nlogfire.with_tags("llm").info("Failover triggered: {from_model} → {to_model} ({error_type})", from_model=a)\nlf = logfire.Logfire()\nlf.info("Capacity warning: {model} at {pct}% ({limit_type})", model=m)\n',
      errors: [
        { message: 'Event `Rate limit', line: 3, column: 1, fixes: ['Change level to `warn`'] },
        { message: 'Event `Failover triggered', line: 4, fixes: ['Change level to `warn`'] },
        { message: 'Event `Capacity warning', line: 6, fixes: ['Change level to `warn`'] },
      ],
      output: 'from logfire import info, warn\nimport logfire\nwarn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model=m)\nlogfire.with_tags("llm").warn("Failover triggered: {from_model} → {to_model} ({error_type})", from_model=a)\nlf = logfire.Logfire()\nlf.warn("Capacity warning: {model} at {pct}% ({limit_type})", model=m)\n',
    },
    {
      name: 'JS named import gets the new name imported; an aliased import is left alone',
      code: "import { info, info as note } from 'logfire';\ninfo('Rate limit: {model} ({workload}) - cooldown {cooldown}s', {});\nnote('Rate limit: {model} ({workload}) - cooldown {cooldown}s', {});\n",
      language: 'typescript',
      errors: [
        { message: 'is logged at INFO, the schema declares WARN', line: 2, fixes: ['Change level to `warning`'] },
        { message: 'is logged at INFO, the schema declares WARN', line: 3, fixes: [] },
      ],
      output: "import { info, info as note, warning } from 'logfire';\nwarning('Rate limit: {model} ({workload}) - cooldown {cooldown}s', {});\nnote('Rate limit: {model} ({workload}) - cooldown {cooldown}s', {});\n",
    },
    {
      name: 'loguru opt() chain',
      code: "from loguru import logger as log\nlog.opt(exception=True).info('agent.error')\n",
      schema: NAMED,
      errors: [{ message: 'Event `agent.error` is logged at INFO, the schema declares ERROR', fixes: ['Change level to `error`'] }],
      output: "from loguru import logger as log\nlog.opt(exception=True).error('agent.error')\n",
    },
    {
      name: 'a wrapper with a fixed level: reported, no fix (the wrapper decides the level)',
      code: 'from app.telemetry import log_info\nlog_info("agent.error", err="x")\n',
      schema: NAMED.replace('events:', 'conventions:\n  wrappers:\n    - {name: log_info, level: info}\nevents:'),
      errors: [{ message: 'Event `agent.error` is logged at INFO, the schema declares ERROR', fixes: [] }],
      output: null,
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
