// Argument parsing and error reporting shared by the store commands (query, check, ingest, demo, serve,
// compare): options parsed strictly, usage and query errors mapped to exit code 2 with a message.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { QueryError } from '../telemetry/sql/index';
import { cliTimeLimit, QueryTimeoutError } from '../telemetry/sql/time-limit';
import { UsageError } from './command';

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, help: string) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help + '\n');
    return undefined;
  }
  // An option name has no whitespace (before any `=`): `"-- top 10\nSELECT …"` is SQL starting with
  // a comment. Such arguments are held back as positionals (parseArgs would read them as options).
  const held: string[] = [];
  const args = argv.map((x) => (/^-[^=]*\s/.test(x) ? `\u0000${held.push(x) - 1}` : x));
  try {
    const r = parseArgs({ args, options, allowPositionals: true, strict: true });
    r.positionals = r.positionals.map((x) => (/^\u0000\d+$/.test(x) ? held[Number(x.slice(1))] : x));
    return r;
  } catch (e) {
    throw new UsageError(`${e instanceof Error ? e.message : String(e)}\n\n${help}`);
  }
}

export function intOption(v: string | undefined, name: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer, got '${v}'`);
  return n;
}

/** `--timeout SECONDS`: a non-negative number (0 = no limit). */
export function timeoutOption(v: string | undefined) {
  if (v === undefined) return cliTimeLimit(undefined);
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`--timeout must be a number of seconds (0 = no limit), got '${v}'`);
  return cliTimeLimit(n);
}

/** Runs a command body, mapping usage/query errors to exit code 2 with a message on stderr. */
export async function guarded(fn: () => Promise<number>): Promise<number> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof UsageError || e instanceof QueryError || e instanceof QueryTimeoutError) {
      process.stderr.write(`telemetry-lens: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
