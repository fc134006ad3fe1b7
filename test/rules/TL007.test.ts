import { rule } from '../../server/rules/TL007';
import { ruleTable } from './ruleTester';

ruleTable(rule, {
  valid: [
    'import logfire\nlogfire.info("Failover success: now using {model}", model=m, workload=w, attempts=1)',
    // format specs, conversions, self-documenting fields, dotted/indexed lookups, escaped braces
    'import logfire\nlogfire.info("at {pct:.1f}% {name!r} {count=} {user.name} {items[0]} {{literal}}", pct=p, name=n, count=c, user=u, items=i)',
    // splats: the attributes are not known
    'import logfire\nlogfire.info("Hello {name}", **attrs)',
    // decorators refer to function arguments
    'import logfire\n@logfire.instrument("Processing {order_id}")\ndef process(order_id):\n    pass',
    // loguru only formats with keyword arguments; extra={} is not used for formatting
    "from loguru import logger\nlogger.info('Set {name}', extra={'x': 1})",
    // loguru's opt(record=True) gives the format the record (also after bind(), and for log(level, ...))
    "from loguru import logger\nlogger.opt(record=True).info('{record[level]} {x}', x=1)",
    "from loguru import logger\nlogger.bind(a=1).opt(record=True).log(11, '3 {0} {a} {record[level].no}', 4, a=5)",
    // structlog does not format messages
    'import structlog\nlog = structlog.get_logger()\nlog.info("value {x}")',
    // positional fields are not attributes
    'import logfire\nlogfire.info("first {0}", x=1)',
    { code: "import * as logfire from '@pydantic/logfire-node';\nconst model = 'm';\nlogfire.info('Using {model}', { model });", language: 'typescript' },
  ],
  invalid: [
    {
      name: "seed 000's Workload routing call: add `model=` (keeps the declared template)",
      code:
        'import logfire\nlogfire.info(\n    "Workload routing: {agent} → {workload} → {model}",\n    agent=agent_name,\n    workload=workload_type,\n    orchestrated_model=model_from_orchestrator,\n    default_model=fallback_model,\n)\n',
      errors: [
        {
          message: 'Placeholder `{model}` has no attribute `model`; Logfire will render the raw template; did you mean `orchestrated_model`?',
          line: 3,
          column: 48,
          endColumn: 53,
          severity: 'error',
          fixes: ['Add `model=model_from_orchestrator`', 'Rename `{model}` to `{orchestrated_model}`', 'Rename `{model}` to `{default_model}`'],
        },
      ],
      output:
        'import logfire\nlogfire.info(\n    "Workload routing: {agent} → {workload} → {model}",\n    agent=agent_name,\n    workload=workload_type,\n    orchestrated_model=model_from_orchestrator,\n    default_model=fallback_model,\n    model=model_from_orchestrator,\n)\n',
    },
    {
      name: 'undeclared event: rename the placeholder to the unused attribute',
      code: 'import logfire\nlogfire.info("Loaded {count} rows from {tbl}", count=n, table=t)\n',
      errors: [{ message: '`{tbl}` has no attribute `tbl`', line: 2, column: 41, fixes: ['Rename `{tbl}` to `{table}`', 'Add `tbl=t`'] }],
      output: 'import logfire\nlogfire.info("Loaded {count} rows from {table}", count=n, table=t)\n',
    },
    {
      name: 'format spec and self-documenting field keep their suffix',
      code: 'import logfire\nlogfire.info("at {percent:.1f}% after {n_retries=}", pct=p, retries=r)\n',
      errors: [
        { message: '`{percent}` has no attribute `percent`', column: 19, fixes: ['Rename `{percent}` to `{pct}`', 'Add `percent=p`'] },
        { message: '`{n_retries}` has no attribute `n_retries`', column: 40, fixes: ['Rename `{n_retries}` to `{retries}`', 'Add `n_retries=r`'] },
      ],
      output: 'import logfire\nlogfire.info("at {pct:.1f}% after {retries=}", pct=p, retries=r)\n',
    },
    {
      name: 'dotted lookup needs its root attribute; nothing to rename to',
      code: 'import logfire\nlogfire.info("Hello {user.name}")\n',
      errors: [{ message: 'Placeholder `{user.name}` has no attribute `user`; Logfire will render the raw template', fixes: ['Add `user=None`'] }],
      output: 'import logfire\nlogfire.info("Hello {user.name}", user=None)\n',
    },
    {
      name: 'TypeScript object literal',
      code: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('Failover success: now using {model}', { modelName: m, workload: w, attempts: 1 });\n",
      language: 'typescript',
      errors: [{ message: 'did you mean `modelName`?', fixes: ['Add `model: m`', 'Rename `{model}` to `{modelName}`'] }],
      output: "import * as logfire from '@pydantic/logfire-node';\nlogfire.info('Failover success: now using {model}', { modelName: m, workload: w, attempts: 1, model: m });\n",
    },
    {
      name: 'loguru: without opt(record=True) there is no {record}',
      code: "from loguru import logger\nlogger.opt(colors=True).info('{record[level]} {x}', x=1)\n",
      errors: [{ message: '`{record[level]}` has no attribute `record`; loguru raises KeyError when formatting it' }],
      output: "from loguru import logger\nlogger.opt(colors=True).info('{record[level]} {x}', x=1, record=None)\n",
    },
    {
      name: 'loguru raises KeyError when keyword formatting misses a field',
      code: "from loguru import logger\nlogger.info('Routed {agent} to {model}', agent=a)\n",
      errors: [{ message: '`{model}` has no attribute `model`; loguru raises KeyError when formatting it', fixes: ['Add `model=None`'] }],
      output: "from loguru import logger\nlogger.info('Routed {agent} to {model}', agent=a, model=None)\n",
    },
    {
      name: "a project wrapper (seed 001's log_info) formats like Logfire",
      code: 'from weaver_ai.telemetry import log_info\nlog_info("Starting {task}", task_id=task.task_id)\n',
      schema: 'version: 1\nconventions:\n  wrappers:\n    - {name: log_info, level: info}\n',
      errors: [{ message: '`{task}` has no attribute `task`; Logfire will render the raw template; did you mean `task_id`?', line: 2, column: 21 }],
      output: 'from weaver_ai.telemetry import log_info\nlog_info("Starting {task_id}", task_id=task.task_id)\n',
    },
    {
      name: 'span template with a missing field, from-import',
      code: 'from logfire import span\nwith span("Loading {session}", session_id=sid):\n    pass\n',
      errors: [{ message: '`{session}` has no attribute `session`', line: 2, column: 21, fixes: ['Rename `{session}` to `{session_id}`', 'Add `session=sid`'] }],
      output: 'from logfire import span\nwith span("Loading {session_id}", session_id=sid):\n    pass\n',
    },
    {
      name: 'escaped quotes in the literal: reported on the whole message',
      code: 'import logfire\nlogfire.info("Say \\"{word}\\"", other=1)\n',
      errors: [{ message: '`{word}` has no attribute `word`', line: 2, column: 14, fixes: ['Add `word=None`'] }],
      output: 'import logfire\nlogfire.info("Say \\"{word}\\"", other=1, word=None)\n',
    },
  ],
});
