import { rule } from '../../server/rules/TL010';
import { ruleTable } from './ruleTester';

ruleTable(rule, {
  valid: [
    // LLM token counts are not credentials
    "import logfire\nlogfire.info('llm.called', prompt_tokens=10, max_tokens=100, token_count=3, tokens_used=5)",
    // handles and flags named after tokens are not credentials
    "import structlog\nlog = structlog.get_logger()\nlog.info('job.cancelled', cancel_token=ct, page_token=pt, eos_token=eos)",
    "import logfire\nlogfire.info('auth.checked', has_get_valid_org_auth_token=callable(getter), is_api_key_set=key is not None)",
    "import logfire\nlogfire.info('auth.checked', auth_token_present=bool(tok), api_key=isinstance(k, str))",
    // hashed / measured values
    "import logfire\nlogfire.info('session.created', user_id=hash_user(user_id), prompt_length=len(prompt))",
    "from opentelemetry import trace\ntracer = trace.get_tracer(__name__)\nwith tracer.start_as_current_span('db_create_session') as span:\n    span.set_attribute('user_id', hash(user_id))",
    "import logfire\nlogfire.info('user.logged_in', user_id=hashlib.sha256(uid.encode()).hexdigest())",
    // masked literals and flags
    "import logfire\nlogfire.info('auth.checked', password='***', has_password=True, api_key=None)",
    "import logfire\nlogfire.info('agent.created', session_id=sid, account_id=acc, call_id=cid)",
    { code: "import { info } from 'logfire'\ninfo('prompt.sent', { promptLength: prompt.length })", language: 'typescript' },
  ],
  invalid: [
    {
      name: 'a refresh token is still a credential',
      code: "import logfire\nlogfire.info('auth.refreshed', refresh_token=tok, next_page_token=nxt)\n",
      errors: [
        {
          message: 'Sensitive attribute `refresh_token` looks like a credential; anyone with read access to the telemetry can use it, for as long as it is retained',
          line: 2,
          column: 32,
          fixes: ['Remove `refresh_token`'],
        },
      ],
      output: "import logfire\nlogfire.info('auth.refreshed', next_page_token=nxt)\n",
    },
    {
      code: "import logfire\nlogfire.info('llm.called', api_key=key, model='gpt-4')\n",
      errors: [{ message: 'Sensitive attribute `api_key` looks like a credential', line: 2, column: 28, endColumn: 35, fixes: ['Remove `api_key`'] }],
      output: "import logfire\nlogfire.info('llm.called', model='gpt-4')\n",
    },
    {
      name: 'camelCase and dotted keys are normalised',
      language: 'typescript',
      code: "import { info } from 'logfire'\ninfo('request.sent', { authToken: t, 'http.authorization': h })\n",
      errors: [{ message: '`authToken`' }, { message: '`http.authorization`' }],
      // one pass, like --fix: the second deletion overlaps the first (the comma) and waits
      output: "import { info } from 'logfire'\ninfo('request.sent', { 'http.authorization': h })\n",
    },
    {
      name: 'raw prompt: log its length instead',
      code: "import structlog\nlogger = structlog.get_logger()\nlogger.info('ir_generated', prompt=prompt, duration_ms=d)\n",
      errors: [{ message: 'raw user content', fixes: ['Log `prompt_length` instead of the raw value'] }],
      output: "import structlog\nlogger = structlog.get_logger()\nlogger.info('ir_generated', prompt_length=len(prompt), duration_ms=d)\n",
    },
    {
      name: 'transcript in a Logfire call',
      code: "import logfire\nlogfire.info('Agent completed', transcript=event.transcript)\n",
      errors: [{ message: '`transcript`' }],
      output: "import logfire\nlogfire.info('Agent completed', transcript_length=len(event.transcript))\n",
    },
    {
      name: 'unhashed user id: no automatic fix (only the author knows the right hash)',
      code: "import structlog\nlogger = structlog.get_logger()\nlogger.info('ir_generated', user_id=user_id, session_id=session_id)\n",
      errors: [{ message: 'Sensitive attribute `user_id` identifies a person; log a stable hash instead' }],
      output: null,
    },
    {
      code: "import logfire\nlogfire.info('payment.charged', extra_info=1, card_number=num)\n",
      errors: [{ message: 'payment card data' }],
      output: "import logfire\nlogfire.info('payment.charged', extra_info=1)\n",
    },
    {
      name: 'stdlib extra= dict',
      code: "import logging\nlog = logging.getLogger(__name__)\nlog.info('login', extra={'password': pw})\n",
      errors: [{ message: '`password`', line: 3, column: 27 }],
      output: "import logging\nlog = logging.getLogger(__name__)\nlog.info('login', extra={})\n",
    },
    {
      name: 'schema attribute declared sensitive',
      code: "import logfire\nlogfire.info('order.placed', address=addr)\n",
      schema: 'version: 1\nevents:\n  - name: order.placed\n    attributes:\n      address: { type: string, sensitive: true, description: home address }\n',
      errors: [{ message: 'is declared `sensitive` in the schema (home address)' }],
      output: null,
    },
    {
      name: 'conventions.sensitiveNames are whole-key regular expressions',
      code: "import logfire\nlogfire.info('visit.recorded', visitor_ip=ip, ip_hint=x)\n",
      schema: { conventions: { sensitiveNames: ['(.*_)?ip'] } },
      errors: [{ message: "matches `(.*_)?ip` in the schema's sensitive names" }],
      output: null,
    },
    {
      name: 'OTel setAttribute in TypeScript: reported, no fix',
      language: 'typescript',
      code: "import { trace } from '@opentelemetry/api'\nconst tracer = trace.getTracer('x')\ntracer.startActiveSpan('checkout', (span) => {\n  span.setAttribute('user.email', email)\n  span.end()\n})\n",
      errors: [{ message: '`user.email` identifies a person', line: 4 }],
      output: null,
    },
  ],
});
