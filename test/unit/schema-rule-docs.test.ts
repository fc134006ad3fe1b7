// The docs of rules TL001–TL007 run through the linter: each `## Example` is reported by its rule,
// each `## Use instead` is clean under every one of these rules, and where the doc says the fix
// produces the "Use instead" code, applying the preferred fix to the example gives exactly that.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lintSource } from '../../server/lint/linter';
import { packageRoot } from '../../server/paths';
import { RULES } from '../../server/rules/index';
import { bundledSchema } from '../../server/schema/loader';
import { applyPreferredFixes } from '../rules/ruleTester';

const MINE = RULES.filter((r) => r.meta.code >= 'TL001' && r.meta.code <= 'TL007');
/** Rules whose preferred fix turns the doc's example into its "Use instead" verbatim. */
const FIX_GIVES_USE_INSTEAD = new Set(['TL001', 'TL003', 'TL004', 'TL005', 'TL006', 'TL007']);

function section(md: string, heading: string): string {
  const start = md.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `missing ${heading}`);
  const rest = md.slice(start + heading.length + 1);
  const m = /```python\n([\s\S]*?)```/.exec(rest);
  assert.ok(m, `no python block under ${heading}`);
  return m[1]!;
}

for (const rule of MINE) {
  test(`${rule.meta.code} doc examples run through the linter`, async () => {
    const md = fs.readFileSync(path.join(packageRoot(), 'server/rules/docs', `${rule.meta.code}.md`), 'utf8');
    const example = section(md, '## Example');
    const useInstead = section(md, '## Use instead');
    const lint = (source: string, rules = MINE) => lintSource({ source, filePath: 'doc.py', language: 'python', schema: bundledSchema(), rules });
    const bad = await lint(example, [rule]);
    assert.deepEqual(bad.ruleErrors, []);
    assert.ok(bad.findings.length > 0, `${rule.meta.code}: the example is not reported`);
    const good = await lint(useInstead);
    assert.deepEqual(good.findings.map((f) => `${f.code} ${f.message}`), [], `${rule.meta.code}: "Use instead" is reported`);
    if (FIX_GIVES_USE_INSTEAD.has(rule.meta.code)) assert.equal(applyPreferredFixes(example, bad.findings), useInstead);
  });
}
