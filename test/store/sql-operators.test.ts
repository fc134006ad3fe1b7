// Operators against PostgreSQL's documented semantics (PostgreSQL 18 manual: 9.2 Comparison, 9.7 Pattern
// Matching, 9.16 JSON Functions and Operators, 8.14.3 jsonb Containment and Existence), edge cases
// included (NULLs, regular-expression metacharacters, non-ASCII text). Each expected value is what
// PostgreSQL returns. The compatibility table of docs/cli-store.md is generated from these cases and
// checked here.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../server/paths';
import { runLogfireQuery, translateLogfireSql } from '../../server/telemetry/sql/index';
import type { TelemetryStore } from '../../server/telemetry/store';
import { memoryStore, row } from './sql-helpers';

interface Construct {
  construct: string;
  /** How the local store runs it (for the docs table). */
  local: string;
  cases: [sql: string, expected: unknown][];
}

const J = (s: string) => `'${s}'::jsonb`;

export const CONSTRUCTS: Construct[] = [
  {
    construct: '`~`, `~*`, `!~`, `!~*`',
    local: '`regexp_matches(a, re, \'s\')` (`\'is\'` for `~*`), `NOT …` for `!`: a match anywhere in the string; `.` matches a newline',
    cases: [
      ["'abc' ~ 'b'", true],
      ["'abc' ~ '^b'", false],
      ["'abc' ~ 'B'", false],
      ["'abc' ~* 'B'", true],
      ["'abc' !~ 'b'", false],
      ["'abc' !~ 'x'", true],
      ["'abc' !~* 'B'", false],
      ["NULL ~ 'a'", null],
      ["'a' ~ NULL", null],
      ["NULL !~* 'a'", null],
      ["'abc' ~ ''", true],
      ["'a.c' ~ 'a\\.c'", true],
      ["'abc' ~ 'a\\.c'", false],
      ["'abc' ~ 'a.c'", true],
      ["'a+b' ~ 'a\\+b'", true],
      ["'(x)' ~ '\\(x\\)'", true],
      ["'x\ny' ~ 'x.y'", true],
      ["'x\ny' ~ '^y'", false],
      ["'École' ~* 'école'", true],
      ["'naïve' ~ 'ï'", true],
      ["'日本語' ~ '^日本'", true],
      ["'abc' ~ '[[:digit:]]'", false],
      ["'a1c' ~ '\\d'", true],
    ],
  },
  {
    construct: '`SIMILAR TO`, `NOT SIMILAR TO`',
    local: '`regexp_full_match` with the SQL pattern translated (`%`, `_`, `|`, `*`, `+`, `?`, `{m,n}`, `()`, `[…]`, `ESCAPE`); the whole string must match',
    cases: [
      ["'abc' SIMILAR TO 'abc'", true],
      ["'abc' SIMILAR TO 'a'", false],
      ["'abc' SIMILAR TO '%(b|d)%'", true],
      ["'abc' SIMILAR TO '(b|c)%'", false],
      ["'xyz' SIMILAR TO '%[mnop]%'", false],
      ["'abc' SIMILAR TO 'a.c'", false],
      ["'a.c' SIMILAR TO 'a.c'", true],
      ["'a_c' SIMILAR TO 'a\\_c'", true],
      ["'abc' SIMILAR TO 'a\\_c'", false],
      ["'abc' NOT SIMILAR TO 'a_c'", false],
      ["'aaa' SIMILAR TO 'a{2,3}'", true],
      ["'a$' SIMILAR TO 'a$'", true],
      ["'É' SIMILAR TO '_'", true],
      ["NULL SIMILAR TO 'a'", null],
      ["'a%' SIMILAR TO 'a#%' ESCAPE '#'", true],
    ],
  },
  {
    construct: '`LIKE`, `ILIKE`, `NOT LIKE`, `ESCAPE`',
    local: 'unchanged; a pattern with `\\` (Postgres\'s default escape character) or an `ESCAPE` clause uses `like_escape` / `ilike_escape`',
    cases: [
      ["'ABC' ILIKE 'a%'", true],
      ["'ABC' LIKE 'a%'", false],
      ["'École' ILIKE 'é%'", true],
      ["'a%' LIKE 'a\\%'", true],
      ["'ab' LIKE 'a\\%'", false],
      ["'A_' ILIKE 'a\\_'", true],
      ["'ab' NOT LIKE 'a!%' ESCAPE '!'", true],
      ["NULL ILIKE 'a'", null],
      ["'abc' LIKE '_b_'", true],
    ],
  },
  {
    construct: '`IS [NOT] DISTINCT FROM`',
    local: 'unchanged',
    cases: [
      ['NULL IS DISTINCT FROM NULL', false],
      ['1 IS DISTINCT FROM NULL', true],
      ["'a' IS NOT DISTINCT FROM 'a'", true],
      ['NULL IS NOT DISTINCT FROM 1', false],
      ["'é' IS DISTINCT FROM 'e'", true],
    ],
  },
  {
    construct: '`->`, `->>` (precedence, nesting)',
    local: '`json_extract` / `json_extract_string` calls built from the Postgres parse tree, so they bind as in Postgres',
    cases: [
      [`${J('{"a":"x"}')}->>'a' = 'x'`, true],
      [`${J('{"a":"x"}')}->>'a' || 'y'`, 'xy'],
      [`${J('{"a":"1"}')}->>'a' IN ('1', '2')`, true],
      [`${J('{"a":{"b":"c"}}')}->'a'->>'b'`, 'c'],
      [`${J('{"a":{"b":"c"}}')}->>'a'->>'b'`, 'c'],
      [`${J('{"a":2}')}->>'a' IS NULL`, false],
      [`${J('{"a":2}')}->>'b' IS NULL`, true],
      [`${J('{"a":[1,2]}')}->'a'->>1`, '2'],
      [`${J('{"a":"x"}')}->'a'`, '"x"'],
      [`${J('{"a":null}')}->>'a'`, null],
      [`${J('{"ключ":"значение"}')}->>'ключ'`, 'значение'],
      [`${J('{"http.route":"/x"}')}->>'http.route'`, '/x'],
      [`${J('{"$odd":1}')}->>'$odd'`, '1'],
      [`NULL::jsonb->>'a'`, null],
    ],
  },
  {
    construct: '`?` (key exists)',
    local: 'object key test (`json_exists`), or a string element of an array',
    cases: [
      [`${J('{"a":1}')} ? 'a'`, true],
      [`${J('{"a":null}')} ? 'a'`, true],
      [`${J('{"a":{"b":1}}')} ? 'b'`, false],
      [`${J('["a","b"]')} ? 'a'`, true],
      [`${J('[1]')} ? '1'`, false],
      [`${J('{"http.route":"/x"}')} ? 'http.route'`, true],
      [`${J('{"clé":1}')} ? 'clé'`, true],
      [`${J('{"$x":1}')} ? '$x'`, true],
      [`NULL::jsonb ? 'a'`, null],
    ],
  },
  {
    construct: '`?|`, `?&` (any / all keys exist)',
    local: '`?` tests joined with OR / AND (constant key lists)',
    cases: [
      [`${J('{"a":1,"b":2}')} ?| ARRAY['b', 'c']`, true],
      [`${J('{"a":1}')} ?| ARRAY['x']`, false],
      [`${J('{"a":1}')} ?| ARRAY[]::text[]`, false],
      [`${J('["a","b","c"]')} ?& ARRAY['a', 'b']`, true],
      [`${J('{"a":1}')} ?& ARRAY['a', 'b']`, false],
      [`${J('{"a":1}')} ?& ARRAY[]::text[]`, true],
      [`${J('{"a":1,"b":2}')} ?| '{b,c}'`, true],
      [`NULL::jsonb ?& ARRAY['a']`, null],
    ],
  },
  {
    construct: '`@>`, `<@` (containment)',
    local: 'JSON: conditions on the paths of the constant right-hand side (objects, scalars, arrays of scalars); lists: DuckDB\'s list containment',
    cases: [
      [`${J('{"a":1,"b":2}')} @> '{"b":2}'`, true],
      [`${J('{"a":{"b":1,"c":2}}')} @> '{"a":{"b":1}}'`, true],
      [`${J('{"a":1}')} @> '{"a":2}'`, false],
      [`${J('{"a":1.0}')} @> '{"a":1}'`, true],
      [`${J('{"a":"1"}')} @> '{"a":1}'`, false],
      [`${J('[1,2,3]')} @> '[3,1]'`, true],
      [`${J('[1,2,[1,3]]')} @> '[1,3]'`, false],
      [`${J('["foo","bar"]')} @> '"foo"'`, true],
      [`${J('{"a":{"b":1}}')} @> '1'`, false],
      [`'{"b":2}' <@ ${J('{"a":1,"b":2}')}`, true],
      [`${J('{"k":"é"}')} @> '{"k":"é"}'`, true],
      [`NULL::jsonb @> '{}'`, null],
      ["ARRAY['a', 'b'] @> ARRAY['a']", true],
      ["ARRAY['a'] @> ARRAY['a', 'c']", false],
    ],
  },
];

/** The docs/cli-store.md table for CONSTRUCTS. */
export function compatTable(): string {
  const lines = ['| Postgres / Logfire | on the local store | PostgreSQL results checked |', '| --- | --- | --- |'];
  const cell = (t: string) => t.replace(/\|/g, '\\|'); // a `|` inside a cell (even in code) ends it in Markdown
  for (const c of CONSTRUCTS) lines.push(`| ${cell(c.construct)} | ${cell(c.local)} | ${c.cases.length} cases |`);
  return lines.join('\n');
}

describe("operators follow PostgreSQL's documented semantics", () => {
  let store: TelemetryStore;
  before(async () => {
    const at = new Date();
    store = await memoryStore([
      row({ at, message: 'glm-4.7 answered' }),
      row({ at, message: 'Using GLM for CODING' }),
      row({ at, message: 'kimi answered' }),
      row({ at, message: 'a.b' }),
      row({ at, message: 'axb' }),
    ]);
  });
  after(() => store.close());

  for (const c of CONSTRUCTS) {
    test(c.construct, async () => {
      const r = await runLogfireQuery(store, `SELECT ${c.cases.map(([sql], i) => `${sql.replace(/\n/g, "' || chr(10) || '")} AS c${i}`).join(', ')}`);
      const got = r.rows[0];
      c.cases.forEach(([sql, expected], i) => assert.deepEqual(got[i], expected, sql));
    });
  }

  test('on a column: ~ finds substrings (the same rows as LIKE), ~* ignores case, metacharacters are regex', async () => {
    const n = async (where: string) => (await runLogfireQuery(store, `SELECT count(*) AS n FROM records WHERE ${where}`)).rows[0][0];
    assert.equal(await n("message ~ 'glm'"), await n("message LIKE '%glm%'"));
    assert.equal(await n("message ~ 'glm'"), 1);
    assert.equal(await n("message ~* 'glm'"), 2);
    assert.equal(await n("message !~* 'glm'"), 3);
    assert.equal(await n("message ~ 'a.b'"), 2);
    assert.equal(await n("message ~ 'a\\.b'"), 1);
  });

  test("the DataFusion functions Logfire users write give DataFusion's results", async () => {
    const one = async (expr: string) => (await runLogfireQuery(store, `SELECT ${expr} AS v FROM generate_series(1, 10) t(x)`)).rows[0][0];
    assert.equal(await one('approx_percentile_cont(x, 0.5)'), 5.5);
    assert.equal(await one('approx_percentile_cont(0.9) WITHIN GROUP (ORDER BY x)'), 9.1);
    assert.equal(await one('approx_percentile_cont(0.9) WITHIN GROUP (ORDER BY x DESC)'), 1.9);
    assert.equal(await one('approx_median(x)'), 5.5);
    assert.equal(await one('approx_distinct(x % 3)'), 3);
    const scalar = async (expr: string) => (await runLogfireQuery(store, `SELECT ${expr} AS v`)).rows[0][0];
    assert.equal(await scalar("date_bin(INTERVAL '7 days', TIMESTAMPTZ '2026-01-05 10:00:00+00')"), '2026-01-01T00:00:00.000000Z', 'weeks from the epoch (a Thursday)');
    assert.equal(await scalar("date_bin(INTERVAL '15 minutes', TIMESTAMPTZ '2026-01-05 10:44:59+00')"), '2026-01-05T10:30:00.000000Z');
    assert.equal(await scalar("regexp_like('Abc', 'b')"), true);
    assert.equal(await scalar("regexp_like('Abc', '^a', 'i')"), true);
    assert.equal(await scalar("regexp_like(NULL, 'a')"), null);
    assert.equal(await scalar("to_char(TIMESTAMPTZ '2026-01-05 10:44:59+00', '%Y-%m-%d %H:%M')"), '2026-01-05 10:44');
    assert.equal(await scalar("cardinality(ARRAY['a', 'b', 'c'])"), 3);
    assert.equal(await scalar("json_length('[1,2,3]')"), 3);
    assert.equal(await scalar('json_length(\'{"a":[1,2]}\', \'a\')'), 2);
    assert.equal(await scalar('json_contains(\'{"a":null}\', \'a\')'), true);
    assert.equal(await scalar('json_contains(\'{"a":1}\', \'b\')'), false);
  });

  test('refusals name the construct', async () => {
    for (const [sql, message] of [
      ["SELECT attributes ?| ARRAY[message] FROM records", /\?\| needs a constant list of keys/],
      ["SELECT attributes @> attributes FROM records", /JSON containment @> needs a constant JSON value/],
      ["SELECT message SIMILAR TO message FROM records", /SIMILAR TO needs a constant pattern/],
      ["SELECT json_exists(attributes, '$.a') FROM records", /SQL\/JSON function JSON_EXISTS/],
      ["SELECT approx_percentile_cont_with_weight(duration, 1, 0.5) FROM records", /approx_percentile_cont_with_weight\(\)/],
    ] as const) {
      await assert.rejects(translateLogfireSql(sql), (e: Error) => message.test(e.message), sql);
    }
  });

  test('docs/cli-store.md has the generated operator table', () => {
    const doc = fs.readFileSync(path.join(packageRoot(), 'docs', 'cli-store.md'), 'utf8');
    const m = /<!-- operators:start[^>]*-->\n([\s\S]*?)\n<!-- operators:end -->/.exec(doc);
    assert.ok(m, 'the operators table markers are in docs/cli-store.md');
    assert.equal(m[1], compatTable(), `docs/cli-store.md's operator table differs; it should read:\n${compatTable()}`);
  });
});
