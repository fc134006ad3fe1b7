// Pass 1 — read-only guard. Refuses anything that is not one read-only SELECT / WITH … SELECT / VALUES:
// other statements, SELECT INTO, FOR UPDATE/SHARE, data-modifying CTEs, table functions other than
// generate_series/range/unnest, file paths used as table names, other databases, and functions that
// read files, the environment or run SQL text. Also collects the CTE names later passes must respect.
// Proof of safety: every way a DuckDB query reaches outside the database goes through one of the
// refused node types (statements, RangeFunction, RangeVar with a path or catalog, FuncCall); the query
// also runs in a READ ONLY transaction, so anything that slipped through could still not write.
import { funcName, nodeType, type PgNode, SqlRewriteError } from '../ast';
import type { Pass, PassContext } from '../pass';

export const STATEMENT_NAMES: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CopyStmt: 'COPY',
  VariableSetStmt: 'SET',
  VariableShowStmt: 'SHOW',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  ViewStmt: 'CREATE VIEW',
  IndexStmt: 'CREATE INDEX',
  DropStmt: 'DROP',
  AlterTableStmt: 'ALTER TABLE',
  TruncateStmt: 'TRUNCATE',
  TransactionStmt: 'transaction control',
  ExplainStmt: 'EXPLAIN',
  LoadStmt: 'LOAD',
  VacuumStmt: 'VACUUM',
  CheckPointStmt: 'CHECKPOINT',
  LockStmt: 'LOCK',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  CreateFunctionStmt: 'CREATE FUNCTION',
  CreateSchemaStmt: 'CREATE SCHEMA',
  CreateSeqStmt: 'CREATE SEQUENCE',
  GrantStmt: 'GRANT',
};

/** Table functions a read-only query may call in FROM. */
const ALLOWED_TABLE_FUNCTIONS = new Set(['generate_series', 'range', 'unnest']);
/** Scalar functions that reach outside the database or run SQL text. */
const DENIED_FUNCTIONS = new Set([
  'glob',
  'getenv',
  'query',
  'query_table',
  'sniff_csv',
  'json_execute_serialized_sql',
  'json_serialize_sql',
  'parquet_scan',
  'parquet_metadata',
  'parquet_schema',
  'parquet_file_metadata',
  'parquet_kv_metadata',
  'iceberg_scan',
  'delta_scan',
]);

function checkNode(type: string, body: PgNode, ctx: PassContext): void {
  switch (type) {
    case 'SelectStmt':
      if (body.intoClause) throw new SqlRewriteError('SELECT INTO writes a table; only read-only queries are allowed', undefined, 'readonly');
      if (body.lockingClause) throw new SqlRewriteError('SELECT … FOR UPDATE/SHARE is not allowed in read-only queries', undefined, 'readonly');
      break;
    case 'CommonTableExpr': {
      const q = nodeType(body.ctequery);
      if (q && q !== 'SelectStmt') {
        throw new SqlRewriteError(
          `WITH ${body.ctename} AS (${STATEMENT_NAMES[q] ?? q}) modifies data; only read-only queries are allowed`,
          body.location,
          'readonly',
        );
      }
      ctx.cteNames.add(String(body.ctename).toLowerCase());
      break;
    }
    case 'RangeFunction': {
      for (const f of (body.functions ?? []) as PgNode[]) {
        const items = (f.List?.items ?? []) as PgNode[];
        const fc = items[0]?.FuncCall;
        const name = fc ? funcName(fc) : '?';
        if (!ALLOWED_TABLE_FUNCTIONS.has(name)) {
          throw new SqlRewriteError(
            `Table function ${name}() is not allowed in queries (only ${[...ALLOWED_TABLE_FUNCTIONS].join(', ')}); queries may read the telemetry tables only`,
            fc?.location,
            'readonly',
          );
        }
      }
      break;
    }
    case 'RangeVar': {
      const rel = String(body.relname);
      if (body.catalogname) throw new SqlRewriteError(`Other databases (${body.catalogname}.…) cannot be queried`, body.location, 'readonly');
      if (/[./\\:*?]/.test(rel)) {
        throw new SqlRewriteError(`"${rel}" looks like a file; queries may read the telemetry tables only`, body.location, 'readonly');
      }
      break;
    }
    case 'FuncCall': {
      const name = funcName(body);
      if (name.startsWith('read_') || DENIED_FUNCTIONS.has(name)) {
        throw new SqlRewriteError(`Function ${name}() is not allowed: queries may read the telemetry tables only`, body.location, 'readonly');
      }
      break;
    }
    default:
      break;
  }
}

function walk(n: unknown, ctx: PassContext): void {
  if (Array.isArray(n)) return n.forEach((x) => walk(x, ctx));
  if (!n || typeof n !== 'object') return;
  const type = nodeType(n as PgNode);
  if (type) checkNode(type, (n as PgNode)[type], ctx);
  for (const v of Object.values(n)) walk(v, ctx);
}

export const readOnlyGuard: Pass = {
  name: 'read-only guard',
  run(stmt, ctx) {
    const type = nodeType(stmt);
    if (type !== 'SelectStmt') {
      const what = (type && STATEMENT_NAMES[type]) ?? (type ? type.replace(/Stmt$/, '').toUpperCase() : 'this statement');
      // Refusals of the statement itself point at its start (offset 0 of the statement).
      throw new SqlRewriteError(`Only read-only queries (SELECT, WITH … SELECT, VALUES) are allowed; ${what} is refused`, 0, 'readonly');
    }
    walk(stmt, ctx);
  },
};
