// Table-driven rule tests: `ruleTable(rule, { valid, invalid })` registers one node:test test per
// case. Each case runs the real extraction + lint engine with only `rule` enabled, against the
// bundled default schema (or a schema given as YAML text or as overrides), then compares findings
// (message, 1-based line/column) and the source after applying every finding's preferred fix.
//
//   ruleTable(rule, {
//     schema: { conventions: { maxAttributes: 2 } },          // optional, for every case
//     valid: ["import logfire\nlogfire.info('a.b', x=1)"],   // a string = a Python case
//     invalid: [{
//       code: "import logfire\nlogfire.info('a', x=1, y=2, z=3)\n",
//       language: 'python',                                   // | 'typescript' | 'javascript'
//       errors: [{ message: 'Too many', line: 2, column: 1, fixes: [] }],
//       output: null,                                         // null: no fix offered; else the fixed text
//     }],
//   });
//
// A case fails when a valid case reports anything, an invalid case reports a different number of
// findings, a rule throws, a fix is offered without `output`, any fix has edits outside the document
// or overlapping each other, or applying the preferred fixes does not reduce the findings.
//
// Snapshots (as ruff's tests keep them): every invalid case's findings — position, severity, the whole
// message and every fix title — are compared with test/rules/snapshots/<code>.snap.json. After a
// deliberate change to a rule's wording, `UPDATE_SNAPSHOTS=1 npm test -- test/rules/TLnnn.test.ts`
// rewrites that file; review its diff like code.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { packageRoot } from '../../server/paths';
import type { Finding, ProjectStyle, Rule } from '../../server/lint/types';
import type { TextEdit } from '../../server/model/positions';
import type { SourceLanguage } from '../../server/model/calls';
import type { Conventions, Schema } from '../../server/schema/model';
import { bundledSchema, loadSchemaFromText } from '../../server/schema/loader';
import { offsetAt } from '../../server/rules/helpers';
import { lintWithRule } from './runRule';

/**
 * A schema for a case: YAML/JSON text of a schema file (loaded by the real loader; load errors fail
 * the test), or overrides merged onto the bundled default (`conventions` merged key by key).
 */
export type SchemaInput = string | (Partial<Omit<Schema, 'conventions'>> & { conventions?: Partial<Conventions> });

export interface Case {
  code: string;
  /** Default 'python'. */
  language?: SourceLanguage;
  /** Default `example.py` / `example.ts` / `example.js`. */
  filePath?: string;
  /** Overrides the table's schema; `schema: undefined` means the bundled default. */
  schema?: SchemaInput;
  /** Test title (default: the first line of code). */
  name?: string;
  /** The project's inferred style, as a workspace lint would pass it (default: none). */
  project?: ProjectStyle;
}

export interface ExpectedFinding {
  /** Substring of the message, or a regex it must match. */
  message?: string | RegExp;
  /** 1-based, as editors and the CLI show them. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  severity?: Finding['severity'];
  /** Titles of the finding's fixes, in order (exact). */
  fixes?: string[];
}

export interface InvalidCase extends Case {
  errors: ExpectedFinding[];
  /**
   * Source after applying each finding's preferred (else first) fix. `null`: no finding may offer a
   * fix. Required whenever a fix is offered, so no fix goes untested.
   */
  output?: string | null;
}

export interface RuleTable {
  schema?: SchemaInput;
  valid: (Case | string)[];
  invalid: InvalidCase[];
}

export function resolveSchema(input: SchemaInput | undefined): Schema {
  const base = bundledSchema();
  if (input === undefined) return base;
  if (typeof input === 'string') {
    const r = loadSchemaFromText(input, '/test/telemetry.schema.yaml');
    const errors = r.errors.filter((e) => e.severity === 'error');
    assert.equal(errors.length, 0, `test schema has errors:\n${errors.map((e) => `${e.line + 1}:${e.character + 1} ${e.message}`).join('\n')}`);
    return r.schema;
  }
  // Overrides stand for the project's own schema: the conventions they set count as declared.
  const { conventions, ...rest } = input;
  return { ...base, ...rest, conventions: { ...base.conventions, ...conventions }, declaredConventions: Object.keys(conventions ?? {}) };
}

function defaultPath(language: SourceLanguage): string {
  return language === 'python' ? 'example.py' : language === 'typescript' ? 'example.ts' : 'example.js';
}

/** Apply LSP text edits (0-based, UTF-16) to a text. Overlapping edits throw. Inserts at one position keep their order. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const withOffsets = edits.map((e, i) => ({ e, i, start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end) }));
  for (const x of withOffsets) {
    if (x.end < x.start) throw new Error(`edit ${x.i} has its end before its start`);
  }
  withOffsets.sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  for (let k = 1; k < withOffsets.length; k++) {
    if (withOffsets[k].start < withOffsets[k - 1].end) throw new Error(`edits ${withOffsets[k - 1].i} and ${withOffsets[k].i} overlap`);
  }
  let out = text;
  for (const x of [...withOffsets].reverse()) out = out.slice(0, x.start) + x.e.newText + out.slice(x.end);
  return out;
}

/** Every finding's preferred fix applied at once; a fix overlapping an earlier one is left out (like `--fix`). */
export function applyPreferredFixes(text: string, findings: readonly Finding[]): string {
  const chosen: TextEdit[] = [];
  const taken: [number, number][] = [];
  for (const f of findings) {
    const fix = f.fixes.find((x) => x.isPreferred) ?? f.fixes[0];
    if (!fix) continue;
    const spans = fix.edits.map((e) => [offsetAt(text, e.range.start), offsetAt(text, e.range.end)] as [number, number]);
    const clash = spans.some(([s, e]) => taken.some(([ts, te]) => s < te && ts < e));
    if (clash) continue;
    taken.push(...spans);
    chosen.push(...fix.edits);
  }
  return applyEdits(text, chosen);
}

function describeFinding(f: Finding): string {
  return `${f.range.start.line + 1}:${f.range.start.character + 1} ${f.code} ${f.message}`;
}

function title(c: Case | string): string {
  const code = typeof c === 'string' ? c : c.name ?? c.code;
  const first = code.split('\n').find((l) => l.trim()) ?? '';
  return first.trim().slice(0, 80);
}

async function runCase(rule: Rule, c: Case, tableSchema: SchemaInput | undefined): Promise<Finding[]> {
  const language = c.language ?? 'python';
  // A case's own `schema` (even `undefined`: the bundled default) wins over the table's.
  const schema = resolveSchema('schema' in c ? c.schema : tableSchema);
  const findings = await lintWithRule(rule, { source: c.code, language, filePath: c.filePath ?? defaultPath(language), schema, project: c.project });
  for (const f of findings) {
    assert.equal(f.code, rule.meta.code, `finding from another rule: ${describeFinding(f)}`);
    assert.equal(f.rule, rule.meta.name);
  }
  return [...findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

/** One finding as its snapshot line: `L:C severity message`, then `  fix: title` per fix. */
export function snapshotOf(findings: readonly Finding[]): string[] {
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${f.range.start.line + 1}:${f.range.start.character + 1}-${f.range.end.line + 1}:${f.range.end.character + 1} ${f.severity} ${f.message}`);
    for (const fix of f.fixes) out.push(`  fix: ${fix.title}`);
  }
  return out;
}

interface SnapshotStore {
  get(key: string): string[] | undefined;
  set(key: string, lines: string[]): void;
  /** How many tables of this rule the file has registered so far. */
  tables: number;
}
const stores = new Map<string, SnapshotStore>();

/** The snapshot file of a rule (one per rule, shared by its tables): case key → lines. Written back at the end with UPDATE_SNAPSHOTS. */
function snapshotStore(code: string): SnapshotStore {
  const existing = stores.get(code);
  if (existing) return existing;
  const file = path.join(packageRoot(), 'test', 'rules', 'snapshots', `${code}.snap.json`);
  const update = !!process.env.UPDATE_SNAPSHOTS;
  const stored: Record<string, string[]> = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const fresh: Record<string, string[]> = {};
  if (!update) {
    after(() => {
      const stale = Object.keys(stored).filter((k) => !(k in fresh));
      if (stale.length && Object.keys(fresh).length) throw new Error(`${code}.snap.json has snapshots of cases that no longer exist: ${stale.join('; ')} (run with UPDATE_SNAPSHOTS=1)`);
    });
  } else {
    after(() => {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const sorted = Object.fromEntries(Object.keys(fresh).sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((k) => [k, fresh[k]]));
      fs.writeFileSync(file, JSON.stringify(sorted, null, 2) + '\n');
    });
  }
  const store: SnapshotStore = {
    get: (key) => stored[key],
    set: (key, lines) => {
      fresh[key] = lines;
    },
    tables: 0,
  };
  stores.set(code, store);
  return store;
}

/** Register the table's tests (one per case) under `describe('<code> <name>')`. */
export function ruleTable(rule: Rule, table: RuleTable): void {
  const snapshots = snapshotStore(rule.meta.code);
  const tablePrefix = snapshots.tables++ === 0 ? '' : `table ${snapshots.tables}, `;
  describe(`${rule.meta.code} ${rule.meta.name}`, () => {
    table.valid.forEach((raw, i) => {
      const c: Case = typeof raw === 'string' ? { code: raw } : raw;
      test(`valid ${i + 1}: ${title(c)}`, async () => {
        const findings = await runCase(rule, c, table.schema);
        assert.equal(findings.length, 0, `expected no finding for a valid case, got:\n${findings.map(describeFinding).join('\n')}\n--- code ---\n${c.code}`);
      });
    });
    table.invalid.forEach((c, i) => {
      test(`invalid ${i + 1}: ${title(c)}`, async () => {
        assert.ok(c.errors.length > 0, 'an invalid case must expect at least one finding');
        const findings = await runCase(rule, c, table.schema);
        const key = `${tablePrefix}invalid ${i + 1}: ${title(c)}`;
        const lines = snapshotOf(findings);
        snapshots.set(key, lines);
        if (!process.env.UPDATE_SNAPSHOTS) {
          const want = snapshots.get(key);
          assert.ok(want, `no snapshot for '${key}' in test/rules/snapshots/${rule.meta.code}.snap.json: run UPDATE_SNAPSHOTS=1 npm test -- test/rules/${rule.meta.code}.test.ts and review it`);
          assert.deepEqual(lines, want, 'findings (position, severity, whole message, fix titles) differ from the snapshot');
        }
        const list = findings.map(describeFinding).join('\n') || '(none)';
        assert.equal(findings.length, c.errors.length, `expected ${c.errors.length} finding(s), got ${findings.length}:\n${list}\n--- code ---\n${c.code}`);
        c.errors.forEach((want, k) => {
          const got = findings[k];
          const where = `finding ${k + 1} (${describeFinding(got)})`;
          if (typeof want.message === 'string') assert.ok(got.message.includes(want.message), `${where}: message should contain ${JSON.stringify(want.message)}`);
          else if (want.message) assert.match(got.message, want.message, where);
          if (want.line !== undefined) assert.equal(got.range.start.line + 1, want.line, `${where}: line`);
          if (want.column !== undefined) assert.equal(got.range.start.character + 1, want.column, `${where}: column`);
          if (want.endLine !== undefined) assert.equal(got.range.end.line + 1, want.endLine, `${where}: endLine`);
          if (want.endColumn !== undefined) assert.equal(got.range.end.character + 1, want.endColumn, `${where}: endColumn`);
          if (want.severity !== undefined) assert.equal(got.severity, want.severity, `${where}: severity`);
          if (want.fixes !== undefined) assert.deepEqual(got.fixes.map((f) => f.title), want.fixes, `${where}: fix titles`);
        });
        // Every fix (not only the preferred ones) must be applicable on its own.
        for (const f of findings) {
          for (const fix of f.fixes) {
            assert.ok(fix.edits.length > 0, `fix '${fix.title}' has no edits`);
            const lines = c.code.split('\n');
            for (const e of fix.edits) {
              for (const p of [e.range.start, e.range.end]) {
                assert.ok(p.line < lines.length && p.character <= lines[p.line].length, `fix '${fix.title}': edit position ${p.line + 1}:${p.character + 1} is outside the document`);
              }
            }
            assert.doesNotThrow(() => applyEdits(c.code, fix.edits), `fix '${fix.title}' has overlapping edits`);
          }
        }
        const offered = findings.some((f) => f.fixes.length > 0);
        if (c.output === null) {
          assert.ok(!offered, `expected no fix, got: ${findings.flatMap((f) => f.fixes.map((x) => x.title)).join('; ')}`);
        } else if (c.output === undefined) {
          assert.ok(!offered, `the case offers a fix (${findings.flatMap((f) => f.fixes.map((x) => x.title)).join('; ')}): add \`output\``);
        } else {
          assert.ok(offered, 'expected a fix, none was offered');
          assert.equal(applyPreferredFixes(c.code, findings), c.output, 'source after the preferred fixes');
          // The fixes must make progress: the fixed source has fewer findings of this rule.
          const after = await runCase(rule, { ...c, code: c.output }, table.schema);
          assert.ok(after.length < findings.length, `after the fixes the rule still reports ${after.length} finding(s):\n${after.map(describeFinding).join('\n')}`);
        }
      });
    });
  });
}
