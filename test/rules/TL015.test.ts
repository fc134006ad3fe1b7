import { rule } from '../../server/rules/TL015';
import { ruleTable } from './ruleTester';

ruleTable(rule, {
  valid: [
    "import logfire\nlogfire.fatal('out of capacity')\nlogfire.warn('careful')\nlogfire.warning('careful')",
    "from loguru import logger\nlogger.warning('careful')\nlogger.critical('down')\nlogger.success('done')",
    // stdlib logging and structlog have critical/fatal/warn
    "import logging\nlog = logging.getLogger(__name__)\nlog.critical('down')\nlog.warn('old spelling')",
    'import structlog\nlog = structlog.get_logger()\nlog.critical("agent.failed")',
    // not a telemetry receiver: console.warn and other objects named like the methods
    { code: "import * as logfire from '@pydantic/logfire-node';\nconsole.warn('x');\nlogfire.warning('careful');", language: 'typescript' },
    "class Ui:\n    def critical(self, m):\n        pass\nUi().critical('x')",
  ],
  invalid: [
    {
      name: 'Python Logfire has fatal, not critical',
      code: "import logfire\nlogfire.critical('Capacity exhausted for {model}', model=m)\n",
      errors: [{ message: "`critical` is not a Logfire method: Python raises AttributeError ('critical') and nothing is recorded; use `fatal`", line: 2, column: 9, endColumn: 17, fixes: ['Use `fatal`'] }],
      output: "import logfire\nlogfire.fatal('Capacity exhausted for {model}', model=m)\n",
    },
    {
      name: 'also on aliases, instances and with_tags()',
      code: "import logfire as lf\nlf.with_tags('a').success('done')\nlogfire_instance = lf.Logfire()\nlogfire_instance.critical('x')\n",
      errors: [{ message: '`success` is not a Logfire method', line: 2 }, { message: '`critical` is not a Logfire method', line: 4 }],
      output: "import logfire as lf\nlf.with_tags('a').info('done')\nlogfire_instance = lf.Logfire()\nlogfire_instance.fatal('x')\n",
    },
    {
      name: 'loguru has warning and critical, not warn or fatal',
      code: "from loguru import logger\nlogger.warn('Retrying {attempt}', attempt=3)\nlogger.bind(run=1).opt(lazy=True).fatal('down')\n",
      errors: [{ message: '`warn` is not a loguru method', line: 2 }, { message: '`fatal` is not a loguru method: Python raises AttributeError', line: 3 }],
      output: "from loguru import logger\nlogger.warning('Retrying {attempt}', attempt=3)\nlogger.bind(run=1).opt(lazy=True).critical('down')\n",
    },
    {
      name: 'the Logfire JS API has warning, not warn',
      language: 'typescript',
      code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.warn('Rate limit: {model}', { model: 'm' });\n",
      errors: [{ message: '`warn` is not a Logfire JS method: it throws TypeError (warn is not a function) and nothing is recorded; use `warning`', line: 2, column: 9 }],
      output: "import * as logfire from '@pydantic/logfire-node';\nlogfire.warning('Rate limit: {model}', { model: 'm' });\n",
    },
  ],
});
