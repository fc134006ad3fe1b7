// Patterns from a workspace's schema and LIKE patterns from its health-check SQL run on RE2 (linear
// time); a pattern RE2 cannot run is a schema error at its position. The hang cases themselves are
// exercised over the language server and the CLI (test/lsp/untrusted-patterns.test.ts): a hang in this
// process could not be reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemaFromText } from '../../server/schema/loader';
import { compileSafeRegex, likeMatcher, regexProblem } from '../../server/schema/safe-regex';
import { matchesPattern } from '../../server/schema/values';

function schemaWithPattern(pattern: string) {
  return loadSchemaFromText(
    `version: 1
events:
  - name: loop.started
    attributes:
      loop_id:
        type: string
        pattern: '${pattern}'
`,
    '/ws/telemetry.schema.yaml',
  );
}

test('a pattern RE2 cannot run (backreference, lookahead, lookbehind) is a schema error at the pattern', () => {
  for (const p of ['^(a)\\1$', '^(?=a)a+$', '(?<!x)y', '(?<n>a)\\k<n>']) {
    const r = schemaWithPattern(p);
    const errs = r.errors.filter((e) => e.severity === 'error');
    assert.equal(errs.length, 1, `${p}: ${JSON.stringify(r.errors)}`);
    assert.match(errs[0].message, /'pattern' is not a valid regular expression: .*RE2 syntax.*backreferences.*lookaround/, p);
    // line 7 (0-based 6), the value after `pattern: `
    assert.equal(errs[0].line, 6, p);
    assert.equal(errs[0].character, 17, p);
    assert.equal(r.schema.events[0].attributes[0].pattern, undefined, 'the unusable pattern is not kept');
  }
});

test('ordinary JavaScript-style patterns keep working, including \\uXXXX escapes and Unicode classes', () => {
  for (const p of ['^[0-9a-f]{8}$', '^\\u00e9t\\u00e9$', '^\\p{Lu}+$', '^(?:GLM|Kimi)-[\\d.]+$']) {
    const r = schemaWithPattern(p);
    assert.deepEqual(r.errors, [], p);
    assert.equal(r.schema.events[0].attributes[0].pattern, p);
  }
  assert.equal(matchesPattern('^[0-9a-f]{8}$', 'deadbeef'), true);
  assert.equal(matchesPattern('^[0-9a-f]{8}$', 'deadbeefx'), false);
  assert.equal(matchesPattern('[0-9]+', 'id 42 here'), true, 'searched, like RegExp.test');
  assert.equal(matchesPattern('^\\u00e9t\\u00e9$', 'été'), true);
  assert.equal(matchesPattern('^\\p{Lu}+$', 'ÉTÉ'), true);
  assert.equal(matchesPattern('^(a)\\1$', 'aa'), undefined, 'not compilable: no verdict');
});

test('the catastrophic pattern answers at once on RE2', () => {
  assert.equal(matchesPattern('^(a+)+$', `${'a'.repeat(40)}!`), false);
  assert.equal(matchesPattern('^(a+)+$', 'a'.repeat(40)), true);
  assert.equal(likeMatcher('%a%a%a%a%a%a%a%a%a%a%a%a%b', false)('a'.repeat(60)), false);
});

test('LIKE matching: % and _ wildcards, backslash escapes, regex metacharacters literal, ILIKE, newlines', () => {
  const like = (p: string, s: string, ci = false) => likeMatcher(p, ci)(s);
  assert.equal(like('Failover triggered%', 'Failover triggered: a → b'), true);
  assert.equal(like('Failover triggered%', 'failover triggered: a'), false);
  assert.equal(like('Failover triggered%', 'failover triggered: a', true), true);
  assert.equal(like('a_c', 'abc'), true);
  assert.equal(like('a_c', 'abbc'), false);
  assert.equal(like('100\\%', '100%'), true);
  assert.equal(like('100\\%', '1000'), false);
  assert.equal(like('a\\_c', 'abc'), false);
  assert.equal(like('(x+)*[y]', '(x+)*[y]'), true, 'metacharacters are literal text');
  assert.equal(like('%end', 'line one\nthe end'), true, '% spans newlines');
  assert.equal(like('', ''), true);
  assert.equal(like('%', ''), true);
});

test('regexProblem and compileSafeRegex: messages name RE2 only for unsupported features', () => {
  assert.equal(regexProblem('^[a-z_]+$'), undefined);
  assert.match(regexProblem('(a)\\1')!, /RE2 syntax/);
  assert.doesNotMatch(regexProblem('[a-')!, /RE2 syntax/);
  assert.throws(() => compileSafeRegex('(?=x)'), /lookaround/);
  assert.equal(compileSafeRegex('abc', { ignoreCase: true }).matchesWhole('ABC'), true);
  assert.equal(compileSafeRegex('abc').matchesWhole('ABC'), false);
});
