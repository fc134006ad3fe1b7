// Generates the README's rules table from the rule registry (server/rules/index.ts): code (linked to
// its doc), name, summary, default severity and fixability, between the markers
// `<!-- rules:start -->` and `<!-- rules:end -->`.
//
//   node scripts/gen-rules-table.mjs           rewrite the table in README.md
//   node scripts/gen-rules-table.mjs --check   exit 1 (and say why) when README.md is out of date
//   node scripts/gen-rules-table.mjs --stdout  print the table
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const START = '<!-- rules:start -->';
export const END = '<!-- rules:end -->';

/** The registry, bundled on the fly (rules are TypeScript; docs and schema text load as text). */
async function loadRules() {
  const out = await esbuild.build({
    entryPoints: [path.join(root, 'server/rules/index.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
    loader: { '.md': 'text', '.sql': 'text', '.yaml': 'text' },
    external: ['vscode', '@duckdb/node-api', 'web-tree-sitter'],
  });
  // Inside the package (out/ is ignored by git) so that external packages resolve from node_modules.
  fs.mkdirSync(path.join(root, 'out'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, 'out', 'rules-table-'));
  const file = path.join(dir, 'rules.cjs');
  try {
    fs.writeFileSync(file, out.outputFiles[0].text);
    return createRequire(file)(file).RULES;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const FIXABLE = { always: 'always', sometimes: 'sometimes', never: 'no' };

function cell(text) {
  return String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderTable(rules) {
  const lines = ['| Code | Name | Summary | Default | Fix |', '| --- | --- | --- | --- | --- |'];
  for (const { meta } of rules) {
    const doc = `server/rules/docs/${meta.code}.md`;
    lines.push(`| [${meta.code}](${doc}) | \`${meta.name}\` | ${cell(meta.summary)} | ${meta.severity} | ${FIXABLE[meta.fixable] ?? meta.fixable} |`);
  }
  return lines.join('\n');
}

/** README text with the section between the markers replaced; throws when the markers are missing. */
export function replaceSection(readme, table) {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < 0 || b < a) throw new Error(`README.md has no ${START} … ${END} section`);
  return `${readme.slice(0, a + START.length)}\n\n${table}\n\n${readme.slice(b)}`;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const rules = await loadRules();
  const table = renderTable(rules);
  const readmePath = path.join(root, 'README.md');
  if (process.argv.includes('--stdout')) {
    process.stdout.write(`${table}\n`);
  } else {
    const readme = fs.readFileSync(readmePath, 'utf8');
    let next;
    try {
      next = replaceSection(readme, table);
    } catch (err) {
      process.stderr.write(`gen-rules-table: ${err.message}\n`);
      process.exit(2);
    }
    if (process.argv.includes('--check')) {
      if (next !== readme) {
        process.stderr.write('gen-rules-table: the rules table in README.md is out of date; run `npm run rules-table`\n');
        process.exit(1);
      }
    } else if (next !== readme) {
      fs.writeFileSync(readmePath, next);
      process.stdout.write(`README.md: rules table updated (${rules.length} rules)\n`);
    } else {
      process.stdout.write(`README.md: rules table up to date (${rules.length} rules)\n`);
    }
  }
}
