import { rule } from '../../server/rules/TL013';
import { ruleTable } from './ruleTester';

const required = { conventions: { requiredContext: ['session_id', 'call_id'] } };

ruleTable(rule, {
  schema: required,
  valid: [
    // empty by default: silent
    { code: "import logfire\nlogfire.info('agent.created')", schema: undefined },
    "import logfire\nlogfire.info('agent.created', session_id=sid, call_id=cid)",
    // bound context counts (structlog / loguru)
    "import structlog\nlog = structlog.get_logger().bind(session_id=sid)\nlog.info('agent.created', call_id=cid)",
    "from loguru import logger\nlog = logger.bind(session_id=sid, call_id=cid)\nlog.info('agent.created')",
    // context-wide binding in the same file
    "import logfire\nimport structlog\nstructlog.contextvars.bind_contextvars(session_id=sid, call_id=cid)\nlogfire.info('agent.created')",
    "from loguru import logger\nwith logger.contextualize(session_id=sid):\n    logger.info('agent.created', call_id=cid)",
    "import logfire\nwith logfire.set_baggage(session_id=sid, call_id=cid):\n    logfire.info('agent.created')",
    // **context may carry them
    "import logfire\nlogfire.info('agent.created', **ctx)",
    // OTel spans get attributes later through set_attribute
    "from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span('x'):\n    pass",
  ],
  invalid: [
    {
      name: 'fix when the names are in scope',
      code: "import logfire\n\ndef handle(session_id, call_id):\n    logfire.info('agent.created', model='gpt-4')\n",
      errors: [{ message: 'Missing context attributes `session_id`, `call_id`', line: 4, column: 5, endColumn: 17, fixes: ['Add `session_id`, `call_id`'] }],
      output: "import logfire\n\ndef handle(session_id, call_id):\n    logfire.info('agent.created', model='gpt-4', session_id=session_id, call_id=call_id)\n",
    },
    {
      name: 'no value invented when a name is not in the file',
      code: "import logfire\n\ndef handle(session_id):\n    logfire.info('agent.created')\n",
      errors: [{ message: '`call_id`' }],
      output: null,
    },
    {
      code: "import structlog\nlog = structlog.get_logger().bind(session_id=session_id)\nlog.info('agent.created')\n",
      errors: [{ message: 'Missing context attribute `call_id`: the schema requires it on every event' }],
      output: null,
    },
    {
      name: 'JS: camelCase variables fill snake_case keys',
      language: 'typescript',
      code: "import { info } from 'logfire'\nexport function f(sessionId: string, call_id: string) {\n  info('agent.created', { model: 'x' })\n}\n",
      errors: [{ line: 3 }],
      output: "import { info } from 'logfire'\nexport function f(sessionId: string, call_id: string) {\n  info('agent.created', { model: 'x', session_id: sessionId, call_id })\n}\n",
    },
    {
      name: 'JS: a call without an attributes object gets one',
      language: 'javascript',
      code: "import * as logfire from 'logfire'\nfunction f(session_id, callId) {\n  logfire.info('agent.created')\n}\n",
      errors: [{ line: 3, column: 3 }],
      output: "import * as logfire from 'logfire'\nfunction f(session_id, callId) {\n  logfire.info('agent.created', { session_id, call_id: callId })\n}\n",
    },
  ],
});
