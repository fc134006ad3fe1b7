// The docs of rules TL008–TL015 run through the linter: each `## Example` (Python, and TypeScript
// where the doc has one) is reported by its rule, each `## Use instead` is clean under all of these
// rules, and where the fix is meant to produce the "Use instead" code, it does so verbatim. A
// ```yaml block under `## Example` is the schema file both are linted against.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { lintSource } from '../../server/lint/linter';
import type { SourceLanguage } from '../../server/model/calls';
import { packageRoot } from '../../server/paths';
import { RULES } from '../../server/rules/index';
import type { Schema } from '../../server/schema/model';
import { applyPreferredFixes, resolveSchema } from './ruleTester';

const MINE = RULES.filter((r) => r.meta.code >= 'TL008' && r.meta.code <= 'TL016');
/** Rules whose preferred fixes turn the doc's Python example into its "Use instead" verbatim. */
const FIX_GIVES_USE_INSTEAD = new Set(['TL009', 'TL011', 'TL013', 'TL014', 'TL015', 'TL016']);

function block(md: string, heading: string, lang: string): string | undefined {
  const start = md.indexOf(`\n${heading}\n`);
  assert.ok(start >= 0, `missing ${heading}`);
  const rest = md.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n## /) >>> 0 || rest.length);
  return new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)?.[1];
}

for (const rule of MINE) {
  test(`${rule.meta.code} doc examples run through the linter`, async () => {
    const md = fs.readFileSync(path.join(packageRoot(), 'server/rules/docs', `${rule.meta.code}.md`), 'utf8');
    const yaml = block(md, '## Example', 'yaml');
    const schema: Schema = resolveSchema(yaml);
    const lint = async (source: string, language: SourceLanguage, rules = MINE) => {
      const r = await lintSource({ source, language, filePath: language === 'python' ? 'doc.py' : 'doc.ts', schema, rules });
      assert.deepEqual(r.ruleErrors, []);
      return r.findings;
    };
    for (const [lang, language] of [
      ['python', 'python'],
      ['ts', 'typescript'],
    ] as const) {
      const example = block(md, '## Example', lang);
      const useInstead = block(md, '## Use instead', lang);
      if (lang === 'python') assert.ok(example && useInstead, 'every doc has a Python Example and Use instead');
      if (!example || !useInstead) continue;
      const bad = await lint(example, language, [rule]);
      assert.ok(bad.length > 0, `${rule.meta.code}: the ${lang} example is not reported`);
      const good = await lint(useInstead, language);
      assert.deepEqual(good.map((f) => `${f.range.start.line + 1}: ${f.code} ${f.message}`), [], `${rule.meta.code}: the ${lang} "Use instead" is reported`);
      if (lang === 'python' && FIX_GIVES_USE_INSTEAD.has(rule.meta.code)) assert.equal(applyPreferredFixes(example, bad), useInstead);
    }
  });
}
