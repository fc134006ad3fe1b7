import { rule } from '../../server/rules/TL014';
import { ruleTable } from './ruleTester';

ruleTable(rule, {
  valid: [
    "import logfire\nlogfire.info('hello {name}', name='world', _tags=['a'])",
    "import logfire\nlogfire.error('failed', _exc_info=True)",
    "import logfire\nwith logfire.span('load {n}', n=1, _span_name='load', _level='debug', _tags=['x'], _links=[], _span_kind=None):\n    pass",
    // structlog / loguru treat underscore keywords as ordinary fields
    "import structlog\nlog = structlog.get_logger()\nlog.info('agent.created', _private=1)",
    { code: "import { info } from 'logfire'\ninfo('x', {}, { _spanName: 'y' })", language: 'typescript' },
  ],
  invalid: [
    {
      code: "import logfire\nlogfire.info('Hello {name}', name='world', _span_name='Hello')\n",
      errors: [{ message: '`_span_name` is only accepted by `logfire.span()`', line: 2, column: 44, endColumn: 54, fixes: ['Remove `_span_name`'] }],
      output: "import logfire\nlogfire.info('Hello {name}', name='world')\n",
    },
    {
      code: "import logfire\nlogfire.warn('careful', _tag=['a'])\n",
      errors: [{ message: 'Invalid keyword `_tag`', line: 2, column: 25, fixes: ['Rename `_tag` to `_tags`', 'Remove `_tag`'] }],
      output: "import logfire\nlogfire.warn('careful', _tags=['a'])\n",
    },
    {
      code: "import logfire as lf\nlf.info('x', _user='bob', a=1)\n",
      errors: [{ message: "ValueError ('Attribute keys cannot start with an underscore.')" }],
      output: "import logfire as lf\nlf.info('x', a=1)\n",
    },
    {
      code: "import logfire\nwith logfire.span('work', _exc_info=True):\n    pass\n",
      errors: [{ message: '`span()` accepts only `_tags`, `_span_name`' }],
      output: "import logfire\nwith logfire.span('work'):\n    pass\n",
    },
    {
      name: 'with_tags() and Logfire instances',
      code: "import logfire\nlogfire.with_tags('a').info('x', _links=[])\n",
      errors: [{ message: '`_links` is only accepted by `logfire.span()`' }],
      output: "import logfire\nlogfire.with_tags('a').info('x')\n",
    },
    {
      code: "from logfire import Logfire\nlf = Logfire()\nlf.exception('boom', _exc=e)\n",
      errors: [{ fixes: ['Rename `_exc` to `_exc_info`', 'Remove `_exc`'] }],
      output: "from logfire import Logfire\nlf = Logfire()\nlf.exception('boom', _exc_info=e)\n",
    },
    {
      name: 'columns are UTF-16 code units (LSP), also after astral characters',
      code: "import logfire\nlogfire.info('🚀 → launch', _bad=1)\n",
      errors: [{ line: 2, column: 29, endColumn: 33 }],
      output: "import logfire\nlogfire.info('🚀 → launch')\n",
    },
    {
      name: 'multi-line call keeps the layout',
      code: "import logfire\nlogfire.info(\n    'x',\n    _level='debug',\n    a=1,\n)\n",
      errors: [{ line: 4, column: 5 }],
      output: "import logfire\nlogfire.info(\n    'x',\n    a=1,\n)\n",
    },
  ],
});
