// What `lint` and `schema` share: paths relative to the working directory, counts, schema problems,
// and the schema a run uses.
import fs from 'node:fs';
import path from 'node:path';
import { bundledSchema, findSchemaFile, loadSchemaFile } from '../schema/loader';
import type { Schema, SchemaError } from '../schema/model';

export function out(s: string): void {
  process.stdout.write(s);
}
export function err(s: string): void {
  process.stderr.write(s);
}

export function rel(file: string): string {
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

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
