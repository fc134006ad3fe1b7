import { rule } from '../../server/rules/TL008';
import { ruleTable } from './ruleTester';

ruleTable(rule, {
  valid: [
    "import logfire\nlogfire.info('user {user_id} did {n}', user_id=uid, n=n)",
    // the bundled schema's own calls are templates
    "import logfire\nlogfire.info('Workload routing: {agent} → {workload} → {model}', agent=a, workload=w, model=m)",
    // constants and forwarding wrappers are not runtime text
    "import logfire\nlogfire.info(EVENT_AGENT_CREATED, a=1)",
    "import logfire\nlogfire.info(Events.AGENT_CREATED)",
    "import logfire\ndef log_info(message, **attrs):\n    logfire.info(message, **attrs)",
    // plain f-string without placeholders is just a string literal for the rule's purpose
    "import logfire\nlogfire.info('done')",
    { code: "import { info } from 'logfire'\ninfo('user {id}', { id })", language: 'typescript' },
    { code: "import { info } from 'logfire'\ninfo(`static text`)", language: 'typescript' },
    // OTel span names from low-cardinality parts, as OTel's span naming guidance recommends
    "from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span(f'{request.method} {route}'):\n    pass",
    "from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span(f'{type(self).__name__}.run'):\n    pass",
    {
      language: 'typescript',
      code: "import { trace } from '@opentelemetry/api'\nconst tracer = trace.getTracer('db')\ntracer.startActiveSpan(`${dbName} ${operation}`, (span) => span.end())\ntracer.startActiveSpan(`fetchHandler ${method}`, (span) => span.end())",
    },
  ],
  invalid: [
    {
      name: 'f-string → template + keywords (expressions get valid names)',
      code: 'import logfire\nlogfire.info(f"user {user.id} did {n}")\n',
      errors: [{ message: 'F-string message template changes with every value', line: 2, column: 14, endColumn: 39, fixes: ['Convert to a template with attributes'] }],
      output: 'import logfire\nlogfire.info("user {user_id} did {n}", user_id=user.id, n=n)\n',
    },
    {
      name: 'existing keywords are reused, clashing names get a suffix',
      code: "import logfire\nlogfire.warn(f'{n} of {total} ({user.id})', n=n, user_id=other)\n",
      errors: [{ message: 'F-string' }],
      output: "import logfire\nlogfire.warn('{n} of {total} ({user_id_2})', n=n, user_id=other, total=total, user_id_2=user.id)\n",
    },
    {
      name: 'format specs, conversions and self-documenting fields survive',
      code: "import logfire\nlogfire.info(f'took {elapsed:.2f}s for {name!r} {x=}')\n",
      errors: [{ message: 'F-string' }],
      output: "import logfire\nlogfire.info('took {elapsed:.2f}s for {name!r} x={x!r}', elapsed=elapsed, name=name, x=x)\n",
    },
    {
      name: 'escaped braces and calls',
      code: "import logfire\nlogfire.info(f'{{literal}} {len(items)} items')\n",
      errors: [{}],
      output: "import logfire\nlogfire.info('{{literal}} {len_items} items', len_items=len(items))\n",
    },
    {
      name: 'subscripts with quotes inside the f-string',
      code: "import logfire\nlogfire.info(f\"got {d['k']} and {self.count}\")\n",
      errors: [{}],
      output: "import logfire\nlogfire.info(\"got {d_k} and {count}\", d_k=d['k'], count=self.count)\n",
    },
    {
      name: 'implicit concatenation of f-strings: reported, not rewritten',
      code: "import logfire\nlogfire.info(f'a {x}' f'b {y}')\n",
      errors: [{}],
      output: null,
    },
    {
      name: 'Logfire instance and with_tags',
      code: "import logfire\nlf = logfire.Logfire()\nlf.with_tags('x').info(f'n={n}')\n",
      errors: [{ line: 3 }],
      output: "import logfire\nlf = logfire.Logfire()\nlf.with_tags('x').info('n={n}', n=n)\n",
    },
    {
      name: 'with **kwargs the conversion is offered but not preferred',
      code: "import logfire\nlogfire.info(f'job {job_id}', **ctx)\n",
      errors: [{ fixes: ['Convert to a template with attributes'] }],
      output: "import logfire\nlogfire.info('job {job_id}', **ctx, job_id=job_id)\n",
    },
    {
      name: 'span: f-string span name',
      code: "import logfire\nwith logfire.span(f'load {path}'):\n    pass\n",
      errors: [{ message: 'span name' }],
      output: "import logfire\nwith logfire.span('load {path}', path=path):\n    pass\n",
    },
    {
      name: 'multi-line call keeps one keyword per line',
      code: "import logfire\nlogfire.info(\n    f'user {uid} paid {amount}',\n    currency=cur,\n)\n",
      errors: [{ line: 3, column: 5 }],
      output: "import logfire\nlogfire.info(\n    'user {uid} paid {amount}',\n    currency=cur,\n    uid=uid,\n    amount=amount,\n)\n",
    },
    {
      name: '.format() with positional and keyword arguments',
      code: "import logfire\nlogfire.info('user {} did {n}'.format(user.id, n=count))\n",
      errors: [{ message: '`.format()` message template' }],
      output: "import logfire\nlogfire.info('user {user_id} did {n}', user_id=user.id, n=count)\n",
    },
    {
      name: 'concatenation: reported, no automatic fix',
      code: "import logfire\nlogfire.info('user ' + name + ' logged in')\n",
      errors: [{ message: 'Concatenated message template' }],
      output: null,
    },
    {
      code: "import logfire\nlogfire.info('user %s' % name)\n",
      errors: [{ message: '`%`-formatted' }],
      output: null,
    },
    {
      name: 'non-literal message',
      code: 'import logfire\nlogfire.info(str(exc))\n',
      errors: [{ message: 'Non-literal message `str(exc)`' }],
      output: null,
    },
    {
      name: 'structlog never formats the event: constant event + key-value pairs',
      code: "import structlog\nlog = structlog.get_logger()\nlog.info(f'user {uid} logged in: {path}', n=1)\n",
      errors: [
        {
          message:
            'F-string message template changes with every value (high-cardinality span names); keep the event constant and pass the values as key-value pairs (structlog logs the event as written, so a `{placeholder}` would show literal braces)',
          fixes: ['Keep the event constant, pass the values as key-value pairs'],
        },
      ],
      output: "import structlog\nlog = structlog.get_logger()\nlog.info('user logged in', n=1, uid=uid, path=path)\n",
    },
    {
      name: 'loguru formats from keywords too',
      code: "from loguru import logger\nlogger.info(f'job {job_id} done')\n",
      errors: [
        {
          message: 'F-string message template changes with every value (high-cardinality span names); use a `"… {x}"` template with the values as keyword arguments (`x=…`)',
          fixes: ['Convert to a template with attributes'],
        },
      ],
      output: "from loguru import logger\nlogger.info('job {job_id} done', job_id=job_id)\n",
    },
    {
      name: 'stdlib: %s arguments, formatted only when the record is emitted',
      code: "import logging\nlogger = logging.getLogger(__name__)\nlogger.warning(f'{n} of {total} done in {t:.2f}s (100%)', extra={'job': j})\n",
      errors: [
        {
          message:
            'F-string message template changes with every value (high-cardinality span names); use `%s` placeholders with the values as arguments (formatted only when the record is emitted), or `extra=`',
          fixes: ['Use `%s` arguments'],
        },
      ],
      output: "import logging\nlogger = logging.getLogger(__name__)\nlogger.warning('%s of %s done in %.2fs (100%%)', n, total, t, extra={'job': j})\n",
    },
    {
      name: 'stdlib: a %-formatted message becomes arguments',
      code: "import logging\nlog = logging.getLogger(__name__)\nlog.info('%s of %s' % (done, total), extra={'job': j})\n",
      errors: [{ message: '`%`-formatted message template changes with every value (high-cardinality span names); use `%s` placeholders', fixes: ['Use `%s` arguments'] }],
      output: "import logging\nlog = logging.getLogger(__name__)\nlog.info('%s of %s', done, total, extra={'job': j})\n",
    },
    {
      name: 'OTel: a span name carrying an id is still reported',
      code: "from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span(f'{method} {order_id}'):\n    pass\n",
      errors: [
        {
          message:
            'F-string span name changes with every value (high-cardinality span names); use a constant span name (or one built from low-cardinality parts, such as the HTTP method and route) and set the values as span attributes',
          line: 3,
        },
      ],
      output: null,
    },
    {
      name: 'JS template literal → template + attributes object',
      language: 'typescript',
      code: "import * as logfire from 'logfire'\nlogfire.info(`user ${user.id} did ${n}`)\n",
      errors: [{ message: 'Template literal message template', line: 2, column: 14 }],
      output: "import * as logfire from 'logfire'\nlogfire.info('user {user_id} did {n}', { user_id: user.id, n })\n",
    },
    {
      name: 'JS: into an existing attributes object, quotes and braces escaped',
      language: 'typescript',
      code: "import { info } from 'logfire'\ninfo(`it's {raw} ${id}`, { a: 1 })\n",
      errors: [{}],
      output: "import { info } from 'logfire'\ninfo('it\\'s {{raw}} {id}', { a: 1, id })\n",
    },
  ],
});
