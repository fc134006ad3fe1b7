// `telemetry-lens lint [PATH...]`: the linter from a terminal or CI, with --fix.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RULES } from '../rules/index';
import { DEFAULT_SEMCONV_RELEASE, SEMCONV_RELEASES } from '../schema/semconv';
import type { Schema } from '../schema/model';
import { type LintSettings, lintSource } from '../lint/linter';
import { applyEdits, mergeFixesCounted, preferredFix } from '../lint/fixes';
import type { Fix } from '../lint/types';
import { type FileResult, countLines, lintFiles, listSourceFiles } from '../lint/workspace';
import { UsageError, type Command } from './command';
import { err, formatSchemaError, out, plural, rel, resolveSchema } from './lint-common';
import { sarifReport, textReport, toJson } from './lint-report';

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

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

const command: Command = { name: 'lint', summary: 'check telemetry calls against the event schema', usage: LINT_HELP, run: runLint };

export default command;
