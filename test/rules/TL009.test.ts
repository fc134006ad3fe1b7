import { rule } from '../../server/rules/TL009';
import { ruleTable } from './ruleTester';

const SNAKE_PROJECT = { eventNameShape: 'snake_case', names: 40, matching: 38 } as const;
const DOTTED_PROJECT = { eventNameShape: 'dotted.snake_case', names: 12, matching: 11 } as const;

ruleTable(rule, {
  // The cases below declare the `category.action` convention in the project's schema, unless they say otherwise.
  schema: { conventions: { eventNameStyle: 'dotted.snake_case' } },
  valid: [
    // no convention declared by the project: the bundled default's is not imposed
    { name: 'no declared convention, no project data', code: "import structlog\nlog = structlog.get_logger()\nlog.info('tab_title_fetch_failed')\nlog.error('AgentCreated')", schema: undefined },
    { name: 'a name in the project\'s own style', code: "import structlog\nlog = structlog.get_logger()\nlog.info('tab_title_fetch_failed')", schema: undefined, project: SNAKE_PROJECT },
    { name: 'fixture names in tests are not the project\'s events', filePath: 'tests/test_spans.py', code: "import logfire\nlogfire.info('hello-world')", schema: undefined, project: SNAKE_PROJECT },
    { name: 'no dominant style inferred', code: "import logfire\nlogfire.info('AgentCreated')", schema: undefined, project: { names: 10, matching: 6 } },
    { name: 'OTel-style span names are not event names', code: "import logfire\nwith logfire.span('GET /users'):\n    pass", schema: undefined, project: DOTTED_PROJECT },
    // the declared convention
    "import logfire\nlogfire.info('agent.created', model='gpt-4', session_id=sid)",
    "import logfire\nlogfire.info('agent.creating')",
    "import logfire\nlogfire.error('session.load_error', table='messages')",
    "import logfire\nlogfire.error('agent.error')",
    "import logfire\nwith logfire.span('database.load_history', session_id=sid):\n    pass",
    // message templates and sentences are not event names
    "import logfire\nlogfire.info('Workload routing: {agent} → {workload} → {model}', agent=a, workload=w, model=m)",
    "import logfire\nlogfire.info('Agent completed', duration_ms=1)",
    "import logfire\nlogfire.info('Starting')",
    "import logfire\nlogfire.info('Done.')",
    // dotted OTel keys are snake_case
    "from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span('http.request') as span:\n    span.set_attribute('http.status_code', 200)",
    // conventions can switch checks off or change them
    { code: "import logfire\nlogfire.info('agentCreated', userId=1)", schema: { conventions: { eventNameStyle: 'any', attributeNameStyle: 'any' } } },
    { code: "import structlog\nlog = structlog.get_logger()\nlog.info('ir_generated', prompt_length=3)", schema: { conventions: { eventNameStyle: 'snake_case' } } },
    { code: "import logfire\nlogfire.info('agent.create')", schema: { conventions: { tense: false } } },
    { code: "import logfire\nlogfire.info('agent.created', userId=1)", schema: { conventions: { attributeNameStyle: 'camelCase' } } },
    // names declared in the schema are the source of truth
    {
      code: "import logfire\nlogfire.info('agentCreated')",
      schema: 'version: 1\nevents:\n  - name: agentCreated\n    level: info\n',
    },
  ],
  invalid: [
    {
      name: 'no declared convention: an outlier of the project\'s snake_case style',
      schema: undefined,
      project: SNAKE_PROJECT,
      code: "import structlog\nlog = structlog.get_logger()\nlog.info('TabClosed')\n",
      errors: [
        {
          message: "Event name `TabClosed` is PascalCase, unlike this project's other event names (38 of 40 are snake_case)",
          line: 3,
          column: 10,
          fixes: ['Rename to `tab_closed`'],
        },
      ],
      output: "import structlog\nlog = structlog.get_logger()\nlog.info('tab_closed')\n",
    },
    {
      name: 'no declared convention: a snake_case outlier in a dotted project',
      schema: undefined,
      project: DOTTED_PROJECT,
      code: "import logfire\nlogfire.info('agent_created')\n",
      errors: [{ message: "Event name `agent_created` is snake_case, unlike this project's other event names (11 of 12 are dotted `category.action`)", fixes: ['Rename to `agent.created`'] }],
      output: "import logfire\nlogfire.info('agent.created')\n",
    },
    {
      code: "import logfire\nlogfire.info('agentCreated', model='gpt-4')\n",
      errors: [{ message: 'Event name `agentCreated` does not follow the `category.action` convention: it has no `category.` part', line: 2, column: 14, endColumn: 28, fixes: ['Rename to `agent.created`'] }],
      output: "import logfire\nlogfire.info('agent.created', model='gpt-4')\n",
    },
    {
      name: 'a dotted name says which segment breaks the convention',
      code: "import structlog\nlog = structlog.get_logger()\nlog.info('cli._internal.Started')\n",
      errors: [{ message: 'Event name `cli._internal.Started` does not follow the `category.action` convention: `_internal` is not a snake_case segment' }],
      output: "import structlog\nlog = structlog.get_logger()\nlog.info('cli.internal.started')\n",
    },
    {
      code: "import logfire\nlogfire.info('Agent-Created')\n",
      errors: [{ message: '`Agent-Created`' }],
      output: "import logfire\nlogfire.info('agent.created')\n",
    },
    {
      code: "import logfire\nlogfire.error('session.loadError')\n",
      errors: [{ message: 'session.loadError' }],
      output: "import logfire\nlogfire.error('session.load_error')\n",
    },
    {
      name: 'a case variant of a declared event is renamed to the declared name',
      code: "import logfire\nlogfire.info('Agent.Created')\n",
      schema: 'version: 1\nevents:\n  - name: agent.created\n    level: info\n',
      errors: [{ fixes: ['Rename to `agent.created`'] }],
      output: "import logfire\nlogfire.info('agent.created')\n",
    },
    {
      name: 'snake_case without a category: split at the first word',
      code: "import structlog\nlog = structlog.get_logger()\nlog.info('ir_generated', prompt_length=3)\n",
      errors: [{ message: '`ir_generated`' }],
      output: "import structlog\nlog = structlog.get_logger()\nlog.info('ir.generated', prompt_length=3)\n",
    },
    {
      name: 'operation-style span names: the leading verb becomes the action ',
      code: "import logfire\nwith logfire.span('validate_order'):\n    pass\n",
      errors: [{ message: '`validate_order`', fixes: ['Rename to `order.validate`'] }],
      output: "import logfire\nwith logfire.span('order.validate'):\n    pass\n",
    },
    {
      name: 'noun that is also a verb, followed by what happened: no swap',
      code: "import logfire\nlogfire.info('run_started')\nlogfire.info('index_built')\n",
      errors: [{ fixes: ['Rename to `run.started`'] }, { fixes: ['Rename to `index.built`'] }],
      output: "import logfire\nlogfire.info('run.started')\nlogfire.info('index.built')\n",
    },
    {
      name: 'error events end with .error or _error ',
      code: "import logfire\nlogfire.error('database.query_failed', table='messages')\n",
      errors: [{ message: 'Error event `database.query_failed` should end with `.error` or `_error`', fixes: ['Rename to `database.query_error`'] }],
      output: "import logfire\nlogfire.error('database.query_error', table='messages')\n",
    },
    {
      code: "import logfire\nlogfire.error('payment.declined')\n",
      errors: [{ message: 'should end with' }],
      output: null,
    },
    {
      name: 'tense: base-form verb',
      code: "import logfire\nlogfire.info('agent.create')\n",
      errors: [{ message: 'past tense for a completed action (`agent.created`) or present participle for an ongoing one (`agent.creating`)', fixes: ['Rename to `agent.created` (completed)', 'Rename to `agent.creating` (ongoing)'] }],
      output: "import logfire\nlogfire.info('agent.created')\n",
    },
    {
      code: "import logfire\nlogfire.info('message.send')\n",
      errors: [{ fixes: ['Rename to `message.sent` (completed)', 'Rename to `message.sending` (ongoing)'] }],
      output: "import logfire\nlogfire.info('message.sent')\n",
    },
    {
      name: 'attribute keys: snake_case, with the template placeholder renamed too',
      code: "import logfire\nlogfire.info('user {userId} logged in', userId=uid)\n",
      errors: [{ message: 'Attribute key `userId` is not snake_case', line: 2, column: 41, endColumn: 47 }],
      output: "import logfire\nlogfire.info('user {user_id} logged in', user_id=uid)\n",
    },
    {
      name: 'dict keys in extra=',
      code: "import logging\nlogger = logging.getLogger(__name__)\nlogger.info('Agent response generated', extra={'callId': cid, 'agent': 'starter'})\n",
      errors: [{ message: '`callId`' }],
      output: "import logging\nlogger = logging.getLogger(__name__)\nlogger.info('Agent response generated', extra={'call_id': cid, 'agent': 'starter'})\n",
    },
    {
      name: 'JS shorthand property keeps its value',
      language: 'typescript',
      code: "import { info } from 'logfire'\ninfo('agent.created', { userId })\n",
      errors: [{ message: '`userId`' }],
      output: "import { info } from 'logfire'\ninfo('agent.created', { user_id: userId })\n",
    },
    {
      name: 'rename would clash with an existing key: reported without a fix',
      code: "import logfire\nlogfire.info('agent.created', userId=1, user_id=2)\n",
      errors: [{ message: '`userId`' }],
      output: null,
    },
  ],
});
