// `telemetry-lens lint` and `telemetry-lens schema` (init / check).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../paths';
import { RULES } from '../rules/index';
import { bundledSchema, findSchemaFile, loadSchemaFile, loadSchemaFromText } from '../schema/loader';
import { DEFAULT_SEMCONV_RELEASE, SEMCONV_RELEASES } from '../schema/semconv';
import type { Schema, SchemaError } from '../schema/model';
import { type LintSettings, lintSource } from './linter';
import { applyEdits, mergeFixesCounted, preferredFix } from './fixes';
import type { Finding, Fix, Severity } from './types';
import { draftSchema } from './schema-draft';
import { type FileResult, countLines, lintFiles, listSourceFiles } from './workspace';

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

class UsageError extends Error {}

function out(s: string): void {
  process.stdout.write(s);
}
function err(s: string): void {
  process.stderr.write(s);
}

function rel(file: string): string {
  const r = path.relative(process.cwd(), file);
  return (r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file).split(path.sep).join('/');
}

/** `file:line:col: severity: message` (1-based) for schema problems. */
export function formatSchemaError(e: SchemaError): string {
  const file = e.file.startsWith('bundled:') ? e.file : rel(e.file);
  return `${file}:${e.line + 1}:${e.character + 1}: ${e.severity}: ${e.message}`;
}

/** The schema for a run: --schema, else a schema file in the first directory argument or the cwd, else the bundled default. */
export function resolveSchema(schemaFlag: string | undefined, paths: readonly string[]): { schema: Schema; errors: SchemaError[]; file?: string } {
  let file: string | undefined;
  if (schemaFlag) file = path.resolve(schemaFlag);
  else {
    for (const p of [...paths, '.']) {
      try {
        if (!fs.statSync(p).isDirectory()) continue;
      } catch {
        continue;
      }
      file = findSchemaFile(path.resolve(p));
      if (file) break;
    }
  }
  if (!file) return { schema: bundledSchema(), errors: [] };
  const r = loadSchemaFile(file);
  return { ...r, file };
}

// ---- output formats ---------------------------------------------------------------------------

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  fixes: { title: string; isPreferred: boolean; placeholder?: true; unsafe?: true; edits: { line: number; column: number; endLine: number; endColumn: number; newText: string }[] }[];
}

function toJson(file: string, f: Finding): JsonFinding {
  return {
    file: rel(file),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    code: f.code,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fixes: f.fixes.map((x) => ({
      title: x.title,
      isPreferred: !!x.isPreferred,
      ...(x.placeholder ? { placeholder: true } : {}),
      ...(x.unsafe ? { unsafe: true } : {}),
      edits: x.edits.map((e) => ({ line: e.range.start.line + 1, column: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1, newText: e.newText })),
    })),
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Fix passes per file: a fix left out because it overlapped another gets its turn in the next pass. */
const MAX_FIX_PASSES = 10;

/**
 * Applies the preferred fix of each finding in a file (what the editor's "Fix all" applies), re-linting
 * after each pass, and writes the file when it changed. `r` is updated to the remaining findings.
 * Returns the number of fixes applied.
 */
async function fixFile(r: FileResult, schema: Schema, settings: LintSettings, unsafe: boolean): Promise<number> {
  if (r.skipped || r.error || !r.findings.some((f) => preferredFix(f, { unsafe }))) return 0;
  const original = fs.readFileSync(r.file, 'utf8');
  let text = original;
  let fixed = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const fixes = r.findings.map((f) => preferredFix(f, { unsafe })).filter((f): f is Fix => !!f);
    if (!fixes.length) break;
    const { edits, applied } = mergeFixesCounted(fixes);
    // Inserted lines take the file's line ending (the editor does this when it applies an edit).
    const crlf = text.includes('\r\n');
    const next = applyEdits(text, crlf ? edits.map((e) => ({ ...e, newText: e.newText.replace(/\r?\n/g, '\r\n') })) : edits);
    if (next === text) break;
    text = next;
    fixed += applied;
    const again = await lintSource({ source: text, filePath: r.file, language: r.language, schema, settings });
    r.findings = again.findings;
    r.lines = countLines(text);
  }
  if (text !== original) fs.writeFileSync(r.file, text);
  return fixed;
}

function textReport(results: FileResult[], seconds: number): string {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let fixable = 0;
  let unsafeFixable = 0;
  let total = 0;
  for (const r of results) {
    for (const f of r.findings) {
      lines.push(`${rel(r.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.code} ${f.message}${f.severity === 'error' ? '' : ` [${f.severity}]`}`);
      counts[f.severity]++;
      total++;
      if (preferredFix(f)) fixable++;
      else if (preferredFix(f, { unsafe: true })) unsafeFixable++;
    }
  }
  const linesLinted = results.reduce((n, r) => n + r.lines, 0);
  const scope = `${plural(results.length, 'file')}, ${linesLinted.toLocaleString('en-US')} lines, ${seconds.toFixed(2)}s`;
  if (total === 0) lines.push(`All checks passed (${scope}).`);
  else {
    const parts = (['error', 'warning', 'info', 'hint'] as const).filter((s) => counts[s]).map((s) => plural(counts[s], s));
    lines.push(`Found ${plural(total, 'problem')} (${parts.join(', ')}) in ${scope}.`);
    if (fixable || unsafeFixable) {
      const safe = fixable ? `${fixable} fixable with --fix (or "Fix all" in the editor)` : '';
      const more = unsafeFixable ? `${unsafeFixable} ${fixable ? 'more ' : ''}with --unsafe-fixes (they rename or drop what is logged)` : '';
      lines.push(`${[safe, more].filter(Boolean).join('; ')}.`);
    }
  }
  return lines.join('\n') + '\n';
}

function readPackage(): { version: string; base?: string } {
  try {
    const pj = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string; repository?: string | { url?: string }; homepage?: string };
    const repo = typeof pj.repository === 'string' ? pj.repository : pj.repository?.url;
    const base = (repo ?? pj.homepage ?? '').replace(/^git\+/, '').replace(/\.git$/, '').replace(/#.*$/, '');
    return { version: pj.version ?? '0.0.0', base: /^https?:\/\//.test(base) ? base : undefined };
  } catch {
    return { version: '0.0.0' };
  }
}

function ruleDoc(code: string): string | undefined {
  try {
    return fs.readFileSync(path.join(packageRoot(), 'server', 'rules', 'docs', `${code}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0 log as GitHub code scanning ingests it. */
export function sarifReport(results: FileResult[], root: string): object {
  const pkg = readPackage();
  const rules = RULES.map((r) => {
    const doc = ruleDoc(r.meta.code);
    const rule: Record<string, unknown> = {
      id: r.meta.code,
      name: r.meta.name,
      shortDescription: { text: r.meta.summary },
      fullDescription: { text: r.meta.summary },
      defaultConfiguration: { level: r.meta.severity === 'off' ? 'none' : SARIF_LEVEL[r.meta.severity] },
      properties: { tags: ['telemetry'], fixable: r.meta.fixable },
    };
    if (pkg.base) rule.helpUri = `${pkg.base}/blob/main/server/rules/docs/${r.meta.code}.md`;
    if (doc) rule.help = { text: doc, markdown: doc };
    return rule;
  });
  const index = new Map(RULES.map((r, i) => [r.meta.code, i]));
  const uri = (file: string) => {
    const r = path.relative(root, file);
    return (r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file).split(path.sep).join('/');
  };
  const sarifResults = results.flatMap((r) =>
    r.findings.map((f) => {
      const res: Record<string, unknown> = {
        ruleId: f.code,
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' },
              region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
            },
          },
        ],
      };
      const i = index.get(f.code);
      if (i !== undefined) res.ruleIndex = i;
      if (f.fixes.length) {
        res.fixes = f.fixes.map((x) => ({
          description: { text: x.title },
          artifactChanges: [
            {
              artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' },
              replacements: x.edits.map((e) => ({
                deletedRegion: { startLine: e.range.start.line + 1, startColumn: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1 },
                insertedContent: { text: e.newText },
              })),
            },
          ],
        }));
      }
      return res;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'telemetry-lens', ...(pkg.base ? { informationUri: pkg.base } : {}), semanticVersion: pkg.version, version: pkg.version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToUri(root)}/` } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
}

function pathToUri(p: string): string {
  return `file://${p.split(path.sep).map(encodeURIComponent).join('/').replace(/^([^/])/, '/$1')}`;
}

// ---- lint -------------------------------------------------------------------------------------

const LINT_HELP = `usage: telemetry-lens lint [PATH...] [options]

Checks Logfire / OpenTelemetry / structlog / loguru / logging telemetry calls in Python and
TypeScript/JavaScript files against the event schema. PATH defaults to the current directory;
.gitignore files are honoured.

options:
  --schema FILE|DIR          schema file, or an OpenTelemetry Weaver registry directory (default:
                             telemetry.schema.yaml|.yml|.json in the first directory argument or the
                             current directory, else the bundled default)
  --no-semconv               do not check dotted keys against the built-in OpenTelemetry semantic conventions
  --semconv-release X.Y.Z    release of the built-in semantic conventions (${SEMCONV_RELEASES.join(', ')};
                             default ${DEFAULT_SEMCONV_RELEASE})
  --format text|json|sarif   output format (default: text)
  --rule-severity CODE=SEV   override a rule's severity (CODE or rule name; SEV error|warning|info|hint|off);
                             repeatable
  --exclude GLOB             exclude files matching GLOB (relative to each PATH); repeatable
  --no-gitignore             do not read .gitignore files
  --workers N                worker threads (default: one per core for large workspaces; 0 = none)
  --output FILE              write the report to FILE instead of stdout
  --fix                      apply each finding's preferred fix to the files (the fixes the editor's
                             "Fix all" applies), then report what remains; review the changes
  --unsafe-fixes             with --fix, also the fixes that rename events or attributes, change values,
                             drop attributes or change configuration (queries on the old names stop matching)

exit status: 0 no error-severity findings, 1 error-severity findings, 2 usage or schema error
`;

async function runLint(argv: string[]): Promise<number> {
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        schema: { type: 'string' },
        format: { type: 'string', default: 'text' },
        'rule-severity': { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        'no-gitignore': { type: 'boolean' },
        workers: { type: 'string' },
        output: { type: 'string' },
        fix: { type: 'boolean' },
        'unsafe-fixes': { type: 'boolean' },
        'no-semconv': { type: 'boolean' },
        'semconv-release': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    err(`telemetry-lens lint: ${(e as Error).message}\n\n${LINT_HELP}`);
    return 2;
  }
  if (values.help) {
    out(LINT_HELP);
    return 0;
  }
  try {
    if (values['unsafe-fixes'] && !values.fix) throw new UsageError('--unsafe-fixes goes with --fix');
    const format = String(values.format);
    if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown --format '${format}' (text, json or sarif)`);
    const rules: Record<string, string> = {};
    for (const spec of (values['rule-severity'] as string[] | undefined) ?? []) {
      const m = /^([^=]+)=(.+)$/.exec(spec);
      if (!m) throw new UsageError(`--rule-severity expects CODE=SEVERITY, got '${spec}'`);
      const key = m[1].trim();
      const sev = m[2].trim().toLowerCase();
      if (!SEVERITIES.has(sev)) throw new UsageError(`--rule-severity ${key}: unknown severity '${sev}' (error, warning, info, hint or off)`);
      if (!RULES.some((r) => r.meta.code === key.toUpperCase() || r.meta.name === key)) throw new UsageError(`--rule-severity: unknown rule '${key}'`);
      rules[RULES.find((r) => r.meta.code === key.toUpperCase())?.meta.code ?? key] = sev;
    }
    let workers: number | undefined;
    if (values.workers !== undefined) {
      workers = Number(values.workers);
      if (!Number.isInteger(workers) || workers < 0 || workers > 64) throw new UsageError(`--workers expects a whole number from 0 to 64, got '${String(values.workers)}'`);
    }
    const paths = positionals.length ? positionals : ['.'];
    for (const p of paths) if (!fs.existsSync(p)) throw new UsageError(`no such file or directory: ${p}`);

    const { schema, errors, file: schemaFile } = resolveSchema(values.schema as string | undefined, paths);
    for (const e of errors) err(`${formatSchemaError(e)}\n`);
    if (errors.some((e) => e.severity === 'error')) {
      // A broken configuration is an error (as in ruff and ESLint): no lint with a schema other than the one asked for.
      err(`telemetry-lens lint: ${schemaFile ? rel(schemaFile) : 'the schema'} has errors; nothing was linted (fix them, or choose another file with --schema)\n`);
      return 2;
    }

    const release = values['semconv-release'] as string | undefined;
    if (release !== undefined && !(SEMCONV_RELEASES as readonly string[]).includes(release)) throw new UsageError(`--semconv-release: unknown release '${release}' (built in: ${SEMCONV_RELEASES.join(', ')})`);
    const settings: LintSettings = { rules, semconv: { enabled: !values['no-semconv'], ...(release ? { release } : {}) } };
    const started = performance.now();
    const files = listSourceFiles(paths, { exclude: (values.exclude as string[] | undefined) ?? [], gitignore: !values['no-gitignore'] });
    const results = await lintFiles(files, { schema, settings, workers, onProjectStyle: (p) => (settings.projectStyle = p) });
    let fixed = 0;
    let fixedFiles = 0;
    if (values.fix) {
      for (const r of results) {
        const n = await fixFile(r, schema, settings, values['unsafe-fixes'] === true);
        fixed += n;
        if (n) fixedFiles++;
      }
    }
    const seconds = (performance.now() - started) / 1000;
    for (const r of results) {
      if (r.error && !r.error.startsWith('skipped:')) err(`${rel(r.file)}: ${r.error}\n`);
      for (const e of r.ruleErrors ?? []) err(`${rel(r.file)}: internal error in ${e.code}: ${e.message}\n`);
    }

    let report: string;
    if (format === 'json') report = JSON.stringify(results.flatMap((r) => r.findings.map((f) => toJson(r.file, f))), null, 2) + '\n';
    else if (format === 'sarif') report = JSON.stringify(sarifReport(results, path.resolve(fs.statSync(paths[0]).isDirectory() ? paths[0] : path.dirname(paths[0]))), null, 2) + '\n';
    else report = textReport(results, seconds);
    if (values.output) fs.writeFileSync(String(values.output), report);
    else out(report);
    // Machine-readable reports keep stdout to the report; the fix count goes to stderr.
    if (values.fix) (format === 'text' && !values.output ? out : err)(`Fixed ${plural(fixed, 'problem')} in ${plural(fixedFiles, 'file')}.\n`);
    return results.some((r) => r.findings.some((f) => f.severity === 'error')) ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`telemetry-lens lint: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

export const lintCommand: Command = { summary: 'check telemetry calls against the event schema', run: runLint };

// ---- schema init / check ----------------------------------------------------------------------

const SCHEMA_HELP = `usage: telemetry-lens schema init [PATH...] [--out FILE] [--force]
       telemetry-lens schema check [FILE]

init   drafts a telemetry.schema.yaml from the telemetry calls found under PATH (default: .):
       events with their templates or dotted names, levels, kinds and attributes, with types
       inferred from literal values. --out - prints it instead of writing a file.
check  validates a schema file (default: the one lint would use) and prints its problems with
       line and column; exit status 2 when it has errors.
`;

async function runSchema(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') {
    out(SCHEMA_HELP);
    return sub ? 0 : 2;
  }
  if (sub === 'check') {
    let positionals: string[];
    try {
      ({ positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} }));
    } catch (e) {
      err(`telemetry-lens schema check: ${(e as Error).message}\n`);
      return 2;
    }
    const r = positionals[0] ? { ...loadSchemaFile(path.resolve(positionals[0])), file: path.resolve(positionals[0]) } : resolveSchema(undefined, []);
    for (const e of r.errors) err(`${formatSchemaError(e)}\n`);
    if (r.errors.some((e) => e.severity === 'error')) return 2;
    out(`${r.file ? rel(r.file) : 'bundled default schema'}: ${plural(r.schema.events.length, 'event')}, ${plural(r.schema.health.length, 'health check')}, no errors\n`);
    return 0;
  }
  if (sub !== 'init') {
    err(`telemetry-lens schema: unknown subcommand '${sub}'\n\n${SCHEMA_HELP}`);
    return 2;
  }
  let values: Record<string, string | boolean | string[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { out: { type: 'string' }, force: { type: 'boolean' }, exclude: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    err(`telemetry-lens schema init: ${(e as Error).message}\n\n${SCHEMA_HELP}`);
    return 2;
  }
  if (values.help) {
    out(SCHEMA_HELP);
    return 0;
  }
  const paths = positionals.length ? positionals : ['.'];
  for (const p of paths) {
    if (!fs.existsSync(p)) {
      err(`telemetry-lens schema init: no such file or directory: ${p}\n`);
      return 2;
    }
  }
  const root = path.resolve(fs.statSync(paths[0]).isDirectory() ? paths[0] : path.dirname(paths[0]));
  const target = values.out === '-' ? undefined : path.resolve(String(values.out ?? path.join(root, 'telemetry.schema.yaml')));
  if (target && fs.existsSync(target) && !values.force) {
    err(`telemetry-lens schema init: ${rel(target)} exists; use --force to overwrite or --out FILE\n`);
    return 2;
  }
  const files = listSourceFiles(paths, { exclude: (values.exclude as string[] | undefined) ?? [] });
  // Calls as the linter sees them (handles imported from project modules included); no rule runs.
  const off = Object.fromEntries(RULES.map((r) => [r.meta.code, 'off']));
  const results = await lintFiles(files, { schema: bundledSchema(), settings: { rules: off }, includeCalls: true });
  const callsByFile = results.map((r) => ({ file: r.file, calls: r.calls ?? [] }));
  const draft = draftSchema(callsByFile, root);
  const yamlText = draft.yaml;
  for (const s of draft.skipped) err(`${s.source}:${s.line + 1}: note: event '${s.key}' left out of the draft: ${s.reason}\n`);
  // The draft loads cleanly through the schema loader (each event was checked on its own).
  const check = loadSchemaFromText(yamlText, target ?? 'draft');
  const n = check.schema.events.length;
  if (!target) out(yamlText);
  else {
    fs.writeFileSync(target, yamlText);
    err(`wrote ${rel(target)}: ${plural(n, 'event')} from ${plural(callsByFile.filter((c) => c.calls.length).length, 'file')}\n`);
  }
  return 0;
}

export const schemaCommand: Command = { summary: 'draft (init) or validate (check) a telemetry.schema.yaml', run: runSchema };
