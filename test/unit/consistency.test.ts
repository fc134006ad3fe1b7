// Project-wide consistency: rules ↔ docs ↔ tests ↔ registry ↔ README table, manifest ↔ settings and
// commands, and the import boundaries between the client and the server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../protocol/settings';
import { RULES } from '../../server/rules/index';
import { packageRoot } from '../../server/paths';

const root = packageRoot();
const rel = (...p: string[]) => path.join(root, ...p);
const read = (...p: string[]) => fs.readFileSync(rel(...p), 'utf8');

const DOC_HEADINGS = ['## What it does', '## Why is this bad?', '## Example', '## Use instead', '## Fix'];

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') walk(p, out);
    } else out.push(p);
  }
  return out;
}

const sourceFiles = (dir: string) => walk(rel(dir)).filter((f) => /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(f) && !f.endsWith('.d.ts'));

/** Module specifiers a file imports or requires (static, dynamic and `export … from`). */
function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bimport\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?|\bexport\s+(?:type\s+)?[^'"`;]*?\sfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
  for (const m of text.matchAll(re)) out.push(m[2]);
  return out;
}

/** Rule files: `server/rules/*.ts` declaring a rule code (helpers and the registry declare none). */
function ruleFiles(): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  for (const f of fs.readdirSync(rel('server/rules'))) {
    if (!f.endsWith('.ts') || f.endsWith('.d.ts')) continue;
    const m = /\bcode:\s*['"](TL\d{3})['"]/.exec(read('server/rules', f));
    if (m) out.push({ file: f, code: m[1] });
  }
  return out;
}

describe('rules, docs, tests and registry', () => {
  test('the registry is sorted by code, with unique codes and names and well-formed metadata', () => {
    assert.ok(RULES.length > 0, 'the registry is empty');
    const codes = RULES.map((r) => r.meta.code);
    assert.deepEqual(codes, [...codes].sort(), 'RULES must be sorted by code');
    assert.equal(new Set(codes).size, codes.length, `duplicate codes: ${codes.filter((c, i) => codes.indexOf(c) !== i).join(', ')}`);
    const names = RULES.map((r) => r.meta.name);
    assert.equal(new Set(names).size, names.length, `duplicate names: ${names.filter((c, i) => names.indexOf(c) !== i).join(', ')}`);
    for (const { meta } of RULES) {
      assert.match(meta.code, /^TL\d{3}$/, `bad code ${meta.code}`);
      assert.match(meta.name, /^[a-z]+(?:-[a-z]+)*$/, `${meta.code}: name '${meta.name}' is not kebab-case`);
      assert.ok(meta.summary.trim().length > 10, `${meta.code}: summary missing`);
      assert.ok(['error', 'warning', 'info', 'hint', 'off'].includes(meta.severity), `${meta.code}: severity`);
      assert.ok(['always', 'sometimes', 'never'].includes(meta.fixable), `${meta.code}: fixable`);
    }
  });

  test('every rule has exactly one rule file, and every rule file is registered', () => {
    const files = ruleFiles();
    const index = read('server/rules/index.ts');
    const imported = new Set(importsOf(index).map((s) => s.replace(/^\.\//, '').replace(/\.ts$/, '')));
    for (const { file, code } of files) {
      assert.ok(imported.has(file.replace(/\.ts$/, '')), `server/rules/${file} (${code}) is not imported by the registry`);
      assert.ok(RULES.some((r) => r.meta.code === code), `server/rules/${file} declares ${code}, which is not in RULES`);
    }
    for (const { meta } of RULES) {
      const own = files.filter((f) => f.code === meta.code);
      assert.equal(own.length, 1, `${meta.code} is declared in ${own.length} files (${own.map((f) => f.file).join(', ') || 'none'})`);
    }
  });

  test('every rule has a doc with the right title and headings, and every doc has a rule', () => {
    const problems: string[] = [];
    for (const d of fs.readdirSync(rel('server/rules/docs')).filter((f) => f.endsWith('.md'))) {
      if (!RULES.some((r) => `${r.meta.code}.md` === d)) problems.push(`server/rules/docs/${d} has no rule`);
    }
    for (const { meta } of RULES) {
      const file = `server/rules/docs/${meta.code}.md`;
      if (!fs.existsSync(rel(file))) {
        problems.push(`${meta.code} has no doc (${file})`);
        continue;
      }
      const lines = read(file).split(/\r?\n/);
      if (lines[0] !== `# ${meta.code} ${meta.name}`) problems.push(`${file}: first line must be '# ${meta.code} ${meta.name}', is '${lines[0]}'`);
      // Level-2 headings outside fenced code blocks.
      let fenced = false;
      const headings: string[] = [];
      for (const l of lines) {
        if (/^\s*(```|~~~)/.test(l)) fenced = !fenced;
        else if (!fenced && /^##\s/.test(l)) headings.push(l.trimEnd());
      }
      if (JSON.stringify(headings) !== JSON.stringify(DOC_HEADINGS)) {
        problems.push(`${file}: level-2 headings are [${headings.join(' / ')}], must be exactly [${DOC_HEADINGS.join(' / ')}]`);
        continue;
      }
      for (let k = 0; k < DOC_HEADINGS.length; k++) {
        const from = lines.indexOf(DOC_HEADINGS[k]);
        const to = k + 1 < DOC_HEADINGS.length ? lines.indexOf(DOC_HEADINGS[k + 1]) : lines.length;
        if (!lines.slice(from + 1, to).some((l) => l.trim())) problems.push(`${file}: section '${DOC_HEADINGS[k]}' is empty`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('every rule has a table test', () => {
    const problems: string[] = [];
    for (const { meta } of RULES) {
      const file = `test/rules/${meta.code}.test.ts`;
      if (!fs.existsSync(rel(file))) problems.push(`${meta.code} has no table test (${file})`);
      else if (!/\bruleTable\(/.test(read(file))) problems.push(`${file} does not use ruleTable()`);
    }
    assert.deepEqual(problems, []);
  });

  test("README's rules table is generated from the registry and up to date", () => {
    const readme = read('README.md');
    assert.ok(readme.includes('<!-- rules:start -->') && readme.includes('<!-- rules:end -->'), 'README.md lacks the rules table markers');
    const r = spawnSync(process.execPath, [rel('scripts/gen-rules-table.mjs'), '--check'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, `scripts/gen-rules-table.mjs --check failed:\n${r.stderr}${r.stdout}`);
    for (const { meta } of RULES) assert.ok(readme.includes(`[${meta.code}](server/rules/docs/${meta.code}.md)`), `README table lacks ${meta.code}`);
  });
});

interface Manifest {
  scripts?: Record<string, string>;
  contributes?: {
    commands?: { command: string }[];
    configuration?: { properties?: Record<string, { default?: unknown }> } | { properties?: Record<string, { default?: unknown }> }[];
    menus?: Record<string, { command?: string; submenu?: string }[]>;
    keybindings?: { command: string }[];
  };
}

const manifest = (): Manifest => JSON.parse(read('package.json')) as Manifest;

describe('manifest, settings and commands', () => {
  test('package.json contributes.configuration matches DEFAULT_SETTINGS key for key, defaults equal', () => {
    const conf = manifest().contributes?.configuration;
    assert.ok(conf, 'package.json has no contributes.configuration');
    const props: Record<string, { default?: unknown }> = {};
    for (const c of Array.isArray(conf) ? conf : [conf]) Object.assign(props, c.properties ?? {});
    const contributed = Object.keys(props).filter((k) => k.startsWith('telemetryLens.')).map((k) => k.slice('telemetryLens.'.length));
    const declared = Object.keys(DEFAULT_SETTINGS);
    assert.deepEqual(
      contributed.filter((k) => !declared.includes(k)),
      [],
      'contributed settings missing from DEFAULT_SETTINGS (protocol/settings.ts)',
    );
    assert.deepEqual(
      declared.filter((k) => !contributed.includes(k)),
      [],
      'DEFAULT_SETTINGS keys missing from package.json contributes.configuration',
    );
    for (const k of declared) {
      assert.deepEqual(props[`telemetryLens.${k}`].default, (DEFAULT_SETTINGS as unknown as Record<string, unknown>)[k], `default of telemetryLens.${k}`);
    }
  });

  test('every contributed command is registered in client/, and every registered command is contributed', () => {
    const contributed = new Set((manifest().contributes?.commands ?? []).map((c) => c.command));
    const registered = new Set<string>();
    const patterns = [
      // vscode.commands.registerCommand('id', …) / registerTextEditorCommand('id', …)
      /register(?:TextEditor)?Command\(\s*(['"`])(telemetryLens\.[\w.-]+)\1/g,
      // a table of [id, handler] pairs registered in a loop
      /\[\s*(['"`])(telemetryLens\.[\w.-]+)\1\s*,/g,
    ];
    for (const f of sourceFiles('client')) {
      const text = fs.readFileSync(f, 'utf8');
      for (const re of patterns) for (const m of text.matchAll(re)) registered.add(m[2]);
    }
    assert.ok(contributed.size > 0, 'package.json contributes no commands');
    assert.ok(registered.size > 0, 'no command registrations found in client/');
    assert.deepEqual([...contributed].filter((c) => !registered.has(c)).sort(), [], 'contributed commands never registered in client/');
    assert.deepEqual([...registered].filter((c) => !contributed.has(c)).sort(), [], 'commands registered in client/ but not contributed in package.json');
  });

  test('menus and keybindings refer to contributed commands', () => {
    const m = manifest();
    const contributed = new Set((m.contributes?.commands ?? []).map((c) => c.command));
    const refs: string[] = [];
    for (const items of Object.values(m.contributes?.menus ?? {})) for (const it of items) if (it.command) refs.push(it.command);
    for (const k of m.contributes?.keybindings ?? []) refs.push(k.command);
    assert.deepEqual(refs.filter((c) => c.startsWith('telemetryLens.') && !contributed.has(c)), [], 'menu/keybinding entries naming unknown commands');
  });

  test('the rules-table script is wired into npm scripts', () => {
    assert.equal(manifest().scripts?.['rules-table'], 'node scripts/gen-rules-table.mjs');
  });
});

describe('import boundaries', () => {
  test('nothing under server/ imports vscode', () => {
    const bad: string[] = [];
    for (const f of sourceFiles('server')) {
      if (importsOf(fs.readFileSync(f, 'utf8')).some((s) => s === 'vscode')) bad.push(path.relative(root, f));
    }
    assert.deepEqual(bad, [], 'server files importing vscode');
  });

  test('nothing under client/ imports tree-sitter, DuckDB or libpg-query (directly)', () => {
    const forbidden = /^(?:web-tree-sitter|tree-sitter(?:-.+)?|@duckdb\/.+|duckdb|libpg-query|pgsql-deparser)$/;
    const bad: string[] = [];
    for (const f of sourceFiles('client')) {
      for (const s of importsOf(fs.readFileSync(f, 'utf8'))) if (forbidden.test(s)) bad.push(`${path.relative(root, f)} → ${s}`);
    }
    assert.deepEqual(bad, [], 'client files importing parser/SQL/database packages');
  });

  test('nor does the client bundle pull them in through other modules', async () => {
    const entry = rel('client/extension.ts');
    assert.ok(fs.existsSync(entry), 'client/extension.ts is missing');
    const esbuild = await import('esbuild');
    const r = await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'cjs',
      external: ['vscode'],
      logLevel: 'silent',
      loader: { '.md': 'text', '.sql': 'text', '.yaml': 'text' },
    });
    const inputs = Object.keys(r.metafile.inputs);
    const bad = inputs.filter((p) => /node_modules\/(?:web-tree-sitter|tree-sitter-[^/]+|@duckdb|libpg-query|pgsql-deparser)\//.test(p));
    assert.deepEqual(bad, [], 'the client bundle includes server-only packages');
    const serverModules = inputs.filter((p) => /^server\/(?:languages|lint|telemetry)\//.test(p));
    assert.deepEqual(serverModules, [], 'the client bundle includes server modules');
  });
});
