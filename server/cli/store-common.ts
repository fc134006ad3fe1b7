// What the store commands share: the default database, opening an existing store, the schema they
// use, and Logfire's query API as the --remote backend.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './command';
import { TelemetryStore } from '../telemetry/store';
import type { QueryBackend } from '../telemetry/sql/index';
import { logfireBackend } from '../telemetry/logfire-client';

/** Default database for the CLI: $TELEMETRY_LENS_DB, else .telemetry-lens/telemetry.duckdb in the current directory. */
export function defaultDbPath(): string {
  return process.env.TELEMETRY_LENS_DB || path.join(process.cwd(), '.telemetry-lens', 'telemetry.duckdb');
}

/**
 * The schema a store command uses: the bundled default, or `file` (a schema file or registry directory).
 * As `lint` does, a schema with errors is a usage error after its positioned errors: nothing is `verb`
 * (its checks or limits may be the broken part).
 */
export async function cliSchema(file: string | undefined, verb: string): Promise<import('../schema/model').Schema> {
  const { bundledSchema, loadSchemaFile } = await import('../schema/loader');
  if (!file) return bundledSchema();
  if (!fs.existsSync(file)) throw new UsageError(`schema file not found: ${file}`);
  const loaded = loadSchemaFile(file);
  const errors = loaded.errors.filter((x) => x.severity === 'error');
  for (const e of errors) process.stderr.write(`${e.file}:${e.line + 1}:${e.character + 1}: ${e.message}\n`);
  if (errors.length) throw new UsageError(`${file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was ${verb}`);
  return loaded.schema;
}

export async function openExisting(db: string): Promise<TelemetryStore> {
  if (db !== ':memory:' && !fs.existsSync(db)) {
    throw new UsageError(`no telemetry store at ${db} (send data with \`telemetry-lens serve\`, \`ingest\` or \`demo\` first, or pass --db)`);
  }
  return TelemetryStore.open({ path: db, retentionIntervalMs: 0 });
}

export function remoteBackendFromEnv(): QueryBackend {
  const token = process.env.LOGFIRE_READ_TOKEN?.trim();
  if (!token) throw new UsageError('--remote needs a Logfire read token in the LOGFIRE_READ_TOKEN environment variable');
  // The caller's own environment is trusted like user settings: LOGFIRE_BASE_URL counts as approved
  // (plain http is still refused off this machine).
  return logfireBackend(token, { baseUrl: process.env.LOGFIRE_BASE_URL || undefined, baseUrlApproved: true });
}
