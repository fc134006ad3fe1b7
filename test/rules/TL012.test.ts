import { rule } from '../../server/rules/TL012';
import { ruleTable } from './ruleTester';

const kw = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `a${i + from}=${i}`).join(', ');

ruleTable(rule, {
  valid: [
    `import logfire\nlogfire.info('wide.event', ${kw(50)})`,
    { code: `import logfire\nlogfire.info('wide.event', ${kw(10)})`, schema: { conventions: { maxAttributes: 10 } } },
    // each set_attribute is one attribute on a span created elsewhere
    "from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span('x') as span:\n    span.set_attribute('a', 1)",
  ],
  invalid: [
    {
      code: `import logfire\nlogfire.info('wide.event', ${kw(51)})\n`,
      errors: [{ message: 'Too many attributes: 51, more than the limit of 50', line: 2, column: 1, endColumn: 13 }],
    },
    {
      name: 'limit from conventions; splat makes it a lower bound',
      code: "import logfire\nlogfire.info('e', a=1, b=2, c=3, **rest)\n",
      schema: { conventions: { maxAttributes: 2 } },
      errors: [{ message: 'at least 3' }],
    },
    {
      name: 'keys bound with .bind() land on the same record',
      code: "import structlog\nlog = structlog.get_logger().bind(a=1, b=2)\nlog.info('e', c=3)\n",
      schema: { conventions: { maxAttributes: 2 } },
      errors: [{ message: '3 (2 bound with `.bind()`)', line: 3 }],
    },
    {
      language: 'typescript',
      code: "import { info } from 'logfire'\ninfo('e', { a: 1, b: 2, c: 3 })\n",
      schema: { conventions: { maxAttributes: 2 } },
      errors: [{ message: 'Too many attributes: 3' }],
    },
  ],
});
