// DuckDB's error texts describe the translated query and DuckDB's catalog (`Did you mean "duckdb_tables"?`,
// `LINE 1: SELECT json_extract_string(…`): the user wrote Logfire SQL and sees the Logfire tables only.
// This maps the errors a user's query can meet to messages about what the user wrote.
import { closest, distance } from 'fastest-levenshtein';

/** The tables and views a Logfire query may read on the local store. */
export const USER_TABLES = ['records', 'records_all', 'metrics'];

/** Internal catalog names DuckDB may suggest; never shown to the user. */
const INTERNAL = /^(duckdb_|pg_|sqlite_|information_schema|_|runs$|conformance_violations$|span_violations$|attribute_columns$|schema_migrations$)/;

/**
 * A user-level message for a DuckDB error met by a translated Logfire query. `tables` are the user tables
 * present in this store.
 */
export function userQueryError(raw: string, tables: readonly string[] = USER_TABLES): string {
  // The translated SQL's excerpt and DuckDB's setting hints say nothing about the user's query.
  let msg = raw.replace(/\n+LINE \d+:[\s\S]*$/, '').replace(/\n+Try setting[\s\S]*$/, '').trim();
  let m = /^Catalog Error: Table with name ([^\s!]+) does not exist!/.exec(msg);
  if (m) {
    const name = m[1];
    const near = closest(name.toLowerCase(), [...tables]);
    const hint = near && distance(name.toLowerCase(), near) <= 3 ? ` Did you mean ${near}?` : '';
    return `Table ${name} does not exist: Logfire queries read ${tables.join(', ')}.${hint}`;
  }
  m = /^Catalog Error: (?:Scalar |Aggregate |Table )?Function with name "?([^\s!"]+)"? does not exist!/.exec(msg);
  if (m) return `Function ${m[1]}() is not available in Logfire SQL on the local store`;
  m = /^Binder Error: Referenced column "?([^"\s]+)"? not found in FROM clause!(?:\nCandidate bindings: (.*))?/.exec(msg);
  if (m) {
    const col = m[1].toLowerCase();
    const candidates = (m[2] ?? '')
      .split(',')
      .map((c) => c.trim().replace(/^"|"$/g, ''))
      .filter((c) => c && !INTERNAL.test(c.split('.').pop()!) && distance(col, c.split('.').pop()!.toLowerCase()) <= Math.max(2, col.length / 3));
    return `Column ${m[1]} does not exist${candidates.length ? ` (did you mean ${candidates.slice(0, 3).join(', ')}?)` : ''}`;
  }
  m = /^Binder Error: Values list "?([^"\s]+)"? does not have a column named "?([^"\s]+)"?/.exec(msg);
  if (m) return `Column ${m[1]}.${m[2]} does not exist`;
  if (/^Invalid Input Error: .*(regex|regular expression)/i.test(msg) || /^Invalid Input Error: .*missing \)|missing \]|invalid escape|invalid character class|invalid repetition/i.test(msg)) {
    return `Invalid regular expression: ${msg.replace(/^Invalid Input Error: /, '')}`;
  }
  // Other DuckDB suggestions may name internal objects: drop those suggestions.
  msg = msg.replace(/\n?Did you mean "([^"]+)"\?/g, (all, name: string) => (INTERNAL.test(name) ? '' : all));
  return msg.replace(/^(Binder|Catalog|Conversion|Invalid Input|Out of Range|Parser|Not implemented) Error: /, '');
}
