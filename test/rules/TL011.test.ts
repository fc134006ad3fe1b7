import { rule } from '../../server/rules/TL011';
import { ruleTable } from './ruleTester';

// Built at runtime so this file holds no token-shaped literal itself.
const SECRET = ['pylf', 'v1', 'us', 'Xq7mP2kR9vT4wZ8bN3cJ6hL1dF5gS0aYe2'].join('_');
const EU = ['pylf', 'v2', 'eu', 'a81B7c62D5e4F3g2H1i0J9k8L7m6N5'].join('_');
const LEGACY = ['lf', 'live', '4f9Kq2Lm8Np3Rs7Tv1Wx5Yz0Ab6Cd'].join('_');
/** A random-looking value in no known token format. */
const OPAQUE = 'Zr8wQk3Vn6Ty1Hb4Mx9Gd2Lp';

ruleTable(rule, {
  valid: [
    // placeholders from the seeds and docs
    '# WEAVER_LOGFIRE_TOKEN=pylf_v1_us_...\nimport logfire\nlogfire.configure()',
    'TOKEN_HINT = "pylf_v1_us_<redacted>"',
    'LOGFIRE = "lf_live_..."',
    "EXAMPLE = 'pylf_v1_eu_your_token_here_1234567890'",
    'import os, logfire\nlogfire.configure(token=os.environ["LOGFIRE_TOKEN"])',
    'import logfire\nlogfire.configure(send_to_logfire="if-token-present", console=True)',
    'import logfire\nlogfire.configure(token="")',
    // configure() of another library
    'import sentry_sdk\nsentry_sdk.configure(token="abc")',
    { code: "import { configure } from '@pydantic/logfire-node'\nconfigure({ token: process.env.LOGFIRE_TOKEN })", language: 'typescript' },
    // stand-ins: placeholder words, sequential or repeated characters, markers, too short to be a key
    "import logfire\nlogfire.configure(token='test_token')",
    "import logfire\nlogfire.configure(token='abc')",
    "import logfire\nlogfire.configure(token='<your write token>')",
    "import logfire\nlogfire.configure(token='xxxxxxxxxxxxxxxxxxxxxxxx')",
    ['TOKEN = "pylf', 'v1', 'stagingus', '1234567890"'].join('_'),
    ['TOKEN = "pylf', 'v1', 'us', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"'].join('_'),
    ['TOKEN = "pylf', 'v1', 'eu', 'abcdefghijklmnopqrstuvwxyz0123456789"'].join('_'),
    ['TOKEN = "pylf', 'v1', 'us', 'dummy', 'Xq7mP2kR9vT4wZ8bN3cJ"'].join('_'),
    { name: 'token-shaped fixtures in test files', filePath: 'tests/test_auth.py', code: `EXPECTED = ['${SECRET}', '${EU}']` },
    { name: 'a placeholder in a test file', filePath: 'tests/test_config.py', code: "import logfire\nlogfire.configure(token='fake-token-for-tests', console=False)" },
  ],
  invalid: [
    {
      name: 'token in a string assigned to a variable (no os import: no fix)',
      code: `LOGFIRE_TOKEN = "${SECRET}"\n`,
      errors: [{ message: 'Hard-coded Logfire token `pylf_v1_us_Xq7m…`', line: 1, column: 18, endColumn: 18 + SECRET.length }],
      output: null,
    },
    {
      name: 'with os imported the literal becomes os.environ',
      code: `import os\nTOKEN = '${EU}'\n`,
      errors: [{ message: '`pylf_v2_eu_a81B…`' }],
      output: `import os\nTOKEN = os.environ["LOGFIRE_TOKEN"]\n`,
    },
    {
      name: 'a real token in a comment leaks too',
      code: `# export LOGFIRE_TOKEN=${SECRET}\nx = 1\n`,
      errors: [{ message: 'in a comment', line: 1, column: 24 }],
      output: null,
    },
    {
      name: 'legacy lf_live_ tokens (seed 004)',
      code: `settings = {"token": "${LEGACY}"}\n`,
      errors: [{ message: '`lf_live_4f9K…`' }],
      output: null,
    },
    {
      name: 'configure(token=literal): remove it, Logfire reads LOGFIRE_TOKEN',
      code: `import logfire\nlogfire.configure(service_name='api', token='${SECRET}')\n`,
      errors: [{ message: 'Hard-coded token passed to `configure()`', line: 2, column: 45, fixes: ['Remove `token=` (Logfire reads the LOGFIRE_TOKEN environment variable)'] }],
      output: `import logfire\nlogfire.configure(service_name='api')\n`,
    },
    {
      name: 'any literal counts in configure(), with an os.environ alternative when os is imported',
      code: `import os\nimport logfire as lf\nlf.configure(token='${OPAQUE}', console=False)\n`,
      errors: [{ fixes: ['Remove `token=` (Logfire reads the LOGFIRE_TOKEN environment variable)', 'Read it from `os.environ["LOGFIRE_TOKEN"]`'] }],
      output: 'import os\nimport logfire as lf\nlf.configure(console=False)\n',
    },
    {
      name: 'token after other arguments spread over lines',
      code: `import logfire\nlogfire.configure(\n    service_name = 'api' ,\n    token='${OPAQUE}',\n    console=False,\n)\n`,
      errors: [{ line: 4, column: 11 }],
      output: "import logfire\nlogfire.configure(\n    service_name = 'api' ,\n    console=False,\n)\n",
    },
    {
      code: `from logfire import configure\nconfigure(\n    token='${OPAQUE}',\n)\n`,
      errors: [{ line: 3, column: 11 }],
      output: 'from logfire import configure\nconfigure(\n)\n',
    },
    {
      name: 'JS configure({ token })',
      language: 'typescript',
      code: `import * as logfire from '@pydantic/logfire-node'\nlogfire.configure({ token: '${SECRET}', serviceName: 'api' })\n`,
      errors: [{ message: 'passed to `configure()`', fixes: ['Read it from `process.env.LOGFIRE_TOKEN`'] }],
      output: "import * as logfire from '@pydantic/logfire-node'\nlogfire.configure({ token: process.env.LOGFIRE_TOKEN, serviceName: 'api' })\n",
    },
    {
      name: 'CommonJS destructured configure',
      language: 'javascript',
      code: `const { configure } = require('@pydantic/logfire-node')\nconfigure({ token: '${OPAQUE}' })\n`,
      errors: [{ line: 2, column: 20 }],
      output: "const { configure } = require('@pydantic/logfire-node')\nconfigure({ token: process.env.LOGFIRE_TOKEN })\n",
    },
    {
      name: 'a random-looking token in a test file is still reported, as a warning',
      filePath: 'tests/conftest.py',
      code: `import logfire\nlogfire.configure(token='${SECRET}')\n`,
      errors: [{ message: 'Hard-coded token passed to `configure()`', severity: 'warning' }],
      output: 'import logfire\nlogfire.configure()\n',
    },
    {
      name: 'JS token elsewhere',
      language: 'javascript',
      code: `const headers = { Authorization: "${SECRET}" }\n`,
      errors: [{ message: 'Hard-coded Logfire token' }],
      output: 'const headers = { Authorization: process.env.LOGFIRE_TOKEN }\n',
    },
  ],
});
