// `telemetry-lens schema init` (a draft schema from the code's telemetry calls) and `schema check`.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RULES } from '../rules/index';
import { bundledSchema, loadSchemaFile, loadSchemaFromText } from '../schema/loader';
import { draftSchema } from '../lint/schema-draft';
import { lintFiles, listSourceFiles } from '../lint/workspace';
import type { Command } from './command';
import { err, formatSchemaError, out, plural, rel, resolveSchema } from './lint-common';

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

const command: Command = { name: 'schema', summary: 'draft (init) or validate (check) a telemetry.schema.yaml', usage: SCHEMA_HELP, run: runSchema };

export default command;
