// The rewrite passes in the order they run. Each file states what its pass changes and why the result
// is Logfire's (or, for the optimisations, why the result cannot change).
//   1 guard          refuses everything but one read-only query; collects CTE names
//   2 names          names unnamed output columns from the SQL as written (before anything is rewritten)
//   3 functions      Logfire / DataFusion functions and casts → DuckDB equivalents (before the operators:
//                    `@>` becomes DuckDB's json_contains, which must not be read as DataFusion's)
//   4 operators      Postgres operators → DuckDB functions with the Postgres meaning
//   5 null order     Postgres's NULL placement in ORDER BY written out (DuckDB puts NULLs last always)
//   6 kept columns   attribute keys the local store keeps as columns (store only)
//   7 time window    Logfire's min/max_timestamp on `records`
//   8–11 optimisations (plan only): MIN/MAX join, IN lists on JSON, timestamp truncation, shared JSON parse
import type { Pass } from '../pass';
import { extremumJoin } from './extremum-join';
import { functions } from './functions';
import { jsonInList } from './json-in-list';
import { keptColumns } from './kept-columns';
import { nullOrder } from './null-order';
import { outputNames } from './names';
import { operators } from './operators';
import { readOnlyGuard } from './readonly';
import { sharedJsonParse } from './shared-json-parse';
import { timestampTruncation } from './timestamp-truncation';
import { timeWindow } from './window';

export const PASSES: readonly Pass[] = [
  readOnlyGuard,
  outputNames,
  functions,
  operators,
  nullOrder,
  keptColumns,
  timeWindow,
  extremumJoin,
  jsonInList,
  timestampTruncation,
  sharedJsonParse,
];
