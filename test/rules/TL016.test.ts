import { rule } from '../../server/rules/TL016';
import { ruleTable } from './ruleTester';

const STRUCTLOG = 'import structlog\nlog = structlog.get_logger()\n';
const STDLIB = 'import logging\nlogger = logging.getLogger(__name__)\n';

ruleTable(rule, {
  valid: [
    // f-strings are formatted (TL008's concern, not this rule's)
    `${STRUCTLOG}def f(item):\n    log.info(f'item {item} done')`,
    // the value travels as a key-value pair of the same name
    `${STRUCTLOG}def f(user_id):\n    log.info('user {user_id} logged in', user_id=user_id)`,
    // bound earlier
    `${STRUCTLOG}def f(user_id):\n    log.bind(user_id=user_id).info('user {user_id} logged in')`,
    // JSON-ish or prose braces, and names the file never uses
    `${STDLIB}logger.info('payload {"a": 1}')`,
    `${STDLIB}logger.info('expected {start, end}')`,
    `${STRUCTLOG}log.info('template uses {placeholder} syntax')`,
    // Logfire and loguru fill `{x}` from keywords (a missing keyword is TL007's finding)
    "import logfire\ndef f(model):\n    logfire.info('using {model}')",
    "from loguru import logger\ndef f(model):\n    logger.info('using {model}', model=model)",
    // stdlib `%s` and `{}` positional forms are not expressions
    `${STDLIB}def f(x):\n    logger.info('value {} and %s', x)`,
  ],
  invalid: [
    {
      name: 'structlog: a forgotten f prefix, fields become key-value pairs',
      code: `${STRUCTLOG}def f(block, n):\n    log.info("Block with type {block.block_type} failed after {n} tries", attempt=2)\n`,
      errors: [
        {
          message:
            '`{block.block_type}`, `{n}` are printed as literal braces: structlog logs the event as written (a missing `f` prefix?); pass the values as key-value pairs and keep the event constant',
          line: 4,
          column: 14,
          fixes: ['Pass the values as key-value pairs'],
        },
      ],
      output: `${STRUCTLOG}def f(block, n):\n    log.info("Block with type failed after tries", attempt=2, block_type=block.block_type, n=n)\n`,
    },
    {
      name: 'stdlib without extra=: fields become %s arguments',
      code: `${STDLIB}def f(path, pct):\n    logger.warning('Could not read {path} ({pct:.1f}% done)')\n`,
      errors: [
        {
          message: '`{path}`, `{pct}` are printed as literal braces: logging formats only `%s` directives (a missing `f` prefix?); use `%s` with the values as arguments',
          line: 4,
          fixes: ['Use `%s` arguments'],
        },
      ],
      output: `${STDLIB}def f(path, pct):\n    logger.warning('Could not read %s (%.1f%% done)', path, pct)\n`,
    },
    {
      name: 'stdlib with extra=: the field is still literal',
      code: `${STDLIB}def f(job):\n    logger.error('job {job} failed', extra={'queue': 'q'})\n`,
      errors: [{ message: '`{job}` is printed as literal braces: logging formats only `%s` directives (a missing `f` prefix?); use `%s` with the values as arguments' }],
      output: `${STDLIB}def f(job):\n    logger.error('job %s failed', job, extra={'queue': 'q'})\n`,
    },
    {
      name: 'OpenTelemetry span name: no fix',
      code: 'from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\ndef f(order_id):\n    with tracer.start_as_current_span("process {order_id}"):\n        pass\n',
      errors: [
        {
          message:
            '`{order_id}` is printed as literal braces: OpenTelemetry uses the span name as written (a missing `f` prefix?); use a constant span name and set the values as span attributes',
          line: 4,
        },
      ],
      output: null,
    },
    {
      name: 'only some fields missing: reported, no fix',
      code: `${STRUCTLOG}def f(a, b):\n    log.info('{a} and {b}', a=a)\n`,
      errors: [{ message: '`{b}` is printed as literal braces: structlog logs the event as written (a missing `f` prefix?); pass the values as key-value pairs and keep the event constant' }],
      output: null,
    },
  ],
});
