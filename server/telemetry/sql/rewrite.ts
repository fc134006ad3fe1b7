// Logfire SQL (Postgres grammar, DataFusion semantics) → DuckDB SQL, done on the parse tree.
//
// What changes, and why:
// - `a->>'k'` / `a->'k'` become `json_extract_string(a, 'k')` / `json_extract(a, 'k')`: DuckDB binds
//   `->>` more loosely than Postgres, so `attributes->>'to_phase' IN (...)` would otherwise mean
//   `attributes->>('to_phase' IN (...))`. A function call has no precedence to get wrong.
// - `level = 'warn'`, `level >= 'error'`, `level IN ('warn', 'error')`: level-name literals compared
//   with a `level` column become their numbers.
// - Logfire helpers: `level_num()`, `level_name()`, `time_bucket('1 hour', ts)`,
//   `json_get_str/int/float/bool/json()`, `json_as_text()`, `json_length()`, `json_contains()`.
// - Read-only guard: one statement, SELECT/WITH/VALUES only, no SELECT INTO, no data-modifying CTEs,
//   no file-reading table functions or file paths as table names.
// - Optional time window: `records` in FROM is replaced by `(SELECT * FROM records WHERE
//   start_timestamp >= min AND start_timestamp < max) AS records`, which is what Logfire's
//   `min_timestamp`/`max_timestamp` request fields do.
import { LEVEL_NUMBERS } from '../../schema/model';
import { KEYED_RECORDS, RECORD_COLUMNS } from '../records';
import { type PgNode, parsePg } from './pg';

export class SqlRewriteError extends Error {
  constructor(
    message: string,
    /** Byte offset into the query (libpg-query `location`), when known. */
    readonly location: number | undefined,
    readonly kind: 'readonly' | 'unsupported',
  ) {
    super(message);
    this.name = 'SqlRewriteError';
  }
}

/** A `col LIKE 'pattern'` found in the query (for dead-pattern detection). */
export interface LikePattern {
  column: string;
  pattern: string;
  caseInsensitive: boolean;
  negated: boolean;
  location: number;
}

export interface RewriteOptions {
  /** Restrict `records` to this window (ISO strings or Dates). */
  minTimestamp?: Date;
  maxTimestamp?: Date;
  /** Apply result-preserving plan rewrites (default true). */
  optimize?: boolean;
  /**
   * Attribute keys the local store keeps as columns of their own (key → column of `records_all`, exactly
   * `attributes->>'key'` for every row): extractions of those keys that provably read `records` are
   * read from the column instead (see useAttributeColumns). Only for the local store.
   */
  attributeColumns?: ReadonlyMap<string, string>;
}

/** Level names accepted in comparisons: the SDK names plus `warning`. */
export const LEVEL_BY_NAME: Record<string, number> = { ...LEVEL_NUMBERS, warning: LEVEL_NUMBERS.warn };

const STATEMENT_NAMES: Record<string, string> = {
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

const COMPARISON_OPS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);

// ---------- node helpers ----------

function nodeType(n: PgNode): string | undefined {
  if (!n || typeof n !== 'object' || Array.isArray(n)) return undefined;
  const keys = Object.keys(n);
  return keys.length === 1 && /^[A-Z]/.test(keys[0]) ? keys[0] : undefined;
}
const str = (s: string): PgNode => ({ A_Const: { sval: { sval: s } } });
const int = (v: number): PgNode => ({ A_Const: { ival: v === 0 ? {} : { ival: v } } });
const func = (name: string, args: PgNode[]): PgNode => ({
  FuncCall: { funcname: [{ String: { sval: name } }], args, funcformat: 'COERCE_EXPLICIT_CALL' },
});
const typeCast = (arg: PgNode, type: string): PgNode => ({
  TypeCast: { arg, typeName: { names: [{ String: { sval: type } }], typemod: -1 } },
});
function constString(n: PgNode | undefined): string | undefined {
  const c = n?.A_Const;
  return c && c.sval ? (c.sval.sval ?? '') : undefined;
}
function funcName(fc: PgNode): string {
  const parts = (fc.funcname as PgNode[]).map((p) => p.String?.sval as string);
  return parts[parts.length - 1].toLowerCase();
}
function columnName(n: PgNode | undefined): string | undefined {
  const fields = n?.ColumnRef?.fields as PgNode[] | undefined;
  const last = fields?.[fields.length - 1]?.String?.sval;
  return typeof last === 'string' ? last.toLowerCase() : undefined;
}
function clone<T>(n: T): T {
  return JSON.parse(JSON.stringify(n)) as T;
}

// ---------- templates: SQL snippets parsed once, with __a/__b/__x placeholders ----------

const templateCache = new Map<string, PgNode>();
function template(exprSql: string, bindings: Record<string, PgNode>): PgNode {
  let t = templateCache.get(exprSql);
  if (!t) {
    const parsed = parsePg(`SELECT ${exprSql}`);
    t = parsed.stmts[0].stmt.SelectStmt.targetList[0].ResTarget.val as PgNode;
    templateCache.set(exprSql, t);
  }
  const substitute = (n: unknown): unknown => {
    if (Array.isArray(n)) return n.map(substitute);
    if (!n || typeof n !== 'object') return n;
    const col = columnName(n as PgNode);
    if (col && col in bindings && (n as PgNode).ColumnRef.fields.length === 1) return clone(bindings[col]);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(n)) if (k !== 'location') out[k] = substitute(v);
    return out;
  };
  return substitute(t) as PgNode;
}

const LEVEL_NAME_SQL =
  "CASE WHEN __x IS NULL THEN NULL WHEN __x >= 21 THEN 'fatal' WHEN __x >= 17 THEN 'error' WHEN __x >= 13 THEN 'warn' " +
  "WHEN __x >= 10 THEN 'notice' WHEN __x >= 9 THEN 'info' WHEN __x >= 5 THEN 'debug' ELSE 'trace' END";
const LEVEL_NUM_SQL =
  "CASE lower(__x) WHEN 'trace' THEN 1 WHEN 'debug' THEN 5 WHEN 'info' THEN 9 WHEN 'notice' THEN 10 " +
  "WHEN 'warn' THEN 13 WHEN 'warning' THEN 13 WHEN 'error' THEN 17 WHEN 'fatal' THEN 21 END";
const JSON_GETTERS: Record<string, string> = {
  json_get_str: "CASE WHEN json_type(__j, __k) = 'VARCHAR' THEN json_extract_string(__j, __k) END",
  json_get_int: "CASE WHEN json_type(__j, __k) IN ('BIGINT', 'UBIGINT') THEN CAST(json_extract_string(__j, __k) AS BIGINT) END",
  json_get_float:
    "CASE WHEN json_type(__j, __k) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN CAST(json_extract_string(__j, __k) AS DOUBLE) END",
  json_get_bool: "CASE WHEN json_type(__j, __k) = 'BOOLEAN' THEN CAST(json_extract_string(__j, __k) AS BOOLEAN) END",
  json_get_json: 'CAST(json_extract(__j, __k) AS VARCHAR)',
  json_get: 'json_extract(__j, __k)',
  json_as_text: 'json_extract_string(__j, __k)',
  json_contains: 'json_exists(__j, __k)',
  json_length: "CASE json_type(json_extract(__j, __k)) WHEN 'ARRAY' THEN json_array_length(json_extract(__j, __k)) WHEN 'OBJECT' THEN len(json_keys(json_extract(__j, __k))) END",
};

/** DuckDB reads keys starting with `$` or `/` as paths; quote those as a JSONPath member. */
function jsonKey(k: PgNode): PgNode {
  const s = constString(k);
  if (s !== undefined && (s.startsWith('$') || s.startsWith('/'))) return str(`$."${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return k;
}

// ---------- the rewrite ----------

export interface RewriteResult {
  stmt: PgNode;
  likePatterns: LikePattern[];
}

/** Validates (read-only) and rewrites one parsed statement. Throws SqlRewriteError. */
/** `stmt` is one `stmts[].stmt` node; refusals of the statement itself point at its start (offset 0 of the statement). */
export function rewriteStatement(stmt: PgNode, opts: RewriteOptions = {}): RewriteResult {
  const type = nodeType(stmt);
  if (type !== 'SelectStmt') {
    const what = (type && STATEMENT_NAMES[type]) ?? (type ? type.replace(/Stmt$/, '').toUpperCase() : 'this statement');
    throw new SqlRewriteError(
      `Only read-only queries (SELECT, WITH … SELECT, VALUES) are allowed; ${what} is refused`,
      0,
      'readonly',
    );
  }
  const likePatterns: LikePattern[] = [];
  const cteNames = new Set<string>();
  const out = visit(stmt, { likePatterns, cteNames }) as PgNode;
  if (opts.attributeColumns?.size) {
    hideKeptColumns(out, cteNames);
    useAttributeColumns(out, opts.attributeColumns, cteNames);
  }
  if (opts.minTimestamp || opts.maxTimestamp) applyWindow(out, opts, cteNames);
  if (opts.optimize !== false) {
    optimizeExtremumJoins(out);
    optimizeJsonInLists(out);
    optimizeTimestampTruncation(out);
    optimizeSharedJsonParse(out);
  }
  return { stmt: out, likePatterns };
}

interface Ctx {
  likePatterns: LikePattern[];
  cteNames: Set<string>;
}

function visit(n: unknown, ctx: Ctx): unknown {
  if (Array.isArray(n)) return n.map((x) => visit(x, ctx));
  if (!n || typeof n !== 'object') return n;
  const node = n as PgNode;
  const type = nodeType(node);
  if (type) checkNode(type, node[type], ctx);
  // children first
  const copy: PgNode = {};
  for (const [k, v] of Object.entries(node)) copy[k] = visit(v, ctx);
  if (!type) return copy;
  const body = copy[type];
  switch (type) {
    case 'A_Expr':
      return rewriteAExpr(body, ctx) ?? copy;
    case 'FuncCall':
      return rewriteFuncCall(body) ?? copy;
    default:
      return copy;
  }
}

function checkNode(type: string, body: PgNode, ctx: Ctx): void {
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

function rewriteAExpr(e: PgNode, ctx: Ctx): PgNode | undefined {
  const op = (e.name as PgNode[] | undefined)?.map((x) => x.String?.sval).join('.');
  if (e.kind === 'AEXPR_OP' && (op === '->>' || op === '->')) {
    return func(op === '->>' ? 'json_extract_string' : 'json_extract', [e.lexpr, jsonKey(e.rexpr)]);
  }
  if ((e.kind === 'AEXPR_LIKE' || e.kind === 'AEXPR_ILIKE') && columnName(e.lexpr)) {
    const pattern = constString(e.rexpr);
    if (pattern !== undefined) {
      ctx.likePatterns.push({
        column: columnName(e.lexpr)!,
        pattern,
        caseInsensitive: e.kind === 'AEXPR_ILIKE',
        negated: op === '!~~' || op === '!~~*',
        location: e.location ?? 0,
      });
    }
    return undefined;
  }
  // level literals
  const lhsLevel = columnName(e.lexpr) === 'level';
  const rhsLevel = columnName(e.rexpr) === 'level';
  if (e.kind === 'AEXPR_OP' && op && COMPARISON_OPS.has(op) && (lhsLevel || rhsLevel)) {
    const other = lhsLevel ? 'rexpr' : 'lexpr';
    const num = levelLiteral(e[other]);
    if (num !== undefined) return { A_Expr: { ...e, [other]: int(num) } };
  }
  if ((e.kind === 'AEXPR_IN' || e.kind.startsWith('AEXPR_BETWEEN') || e.kind.startsWith('AEXPR_NOT_BETWEEN')) && lhsLevel) {
    const items = e.rexpr?.List?.items as PgNode[] | undefined;
    if (items) {
      return { A_Expr: { ...e, rexpr: { List: { items: items.map((it) => {
        const num = levelLiteral(it);
        return num === undefined ? it : int(num);
      }) } } } };
    }
  }
  return undefined;
}

function levelLiteral(n: PgNode | undefined): number | undefined {
  const s = constString(n);
  return s === undefined ? undefined : LEVEL_BY_NAME[s.toLowerCase()];
}

function rewriteFuncCall(fc: PgNode): PgNode | undefined {
  const name = funcName(fc);
  const args = (fc.args ?? []) as PgNode[];
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) {
      throw new SqlRewriteError(`${name}() takes ${min === max ? min : `${min}–${max}`} argument(s), got ${args.length}`, fc.location, 'unsupported');
    }
  };
  switch (name) {
    case 'level_num': {
      arity(1);
      const s = constString(args[0]);
      if (s !== undefined) {
        const num = LEVEL_BY_NAME[s.toLowerCase()];
        if (num === undefined) {
          throw new SqlRewriteError(`Unknown level '${s}' (expected one of ${Object.keys(LEVEL_BY_NAME).join(', ')})`, fc.location, 'unsupported');
        }
        return int(num);
      }
      return template(LEVEL_NUM_SQL, { __x: args[0] });
    }
    case 'level_name':
      arity(1);
      return template(LEVEL_NAME_SQL, { __x: args[0] });
    case 'time_bucket': {
      arity(2, 3);
      const s = constString(args[0]);
      if (s === undefined) return undefined;
      return { FuncCall: { ...fc, args: [typeCast(args[0], 'interval'), ...args.slice(1)] } };
    }
    default:
      break;
  }
  const getter = JSON_GETTERS[name];
  if (getter) {
    if (name === 'json_length' && args.length === 1) {
      return template("CASE json_type(__j) WHEN 'ARRAY' THEN json_array_length(__j) WHEN 'OBJECT' THEN len(json_keys(__j)) END", { __j: args[0] });
    }
    if (args.length < 2) throw new SqlRewriteError(`${name}() needs a JSON value and at least one key`, fc.location, 'unsupported');
    let base = args[0];
    for (const k of args.slice(1, -1)) base = func('json_extract', [base, jsonKey(k)]);
    return template(getter, { __j: base, __k: jsonKey(args[args.length - 1]) });
  }
  return undefined;
}

/** Replaces each `records` table reference (not a CTE of that name) by a time-filtered subquery. */
function applyWindow(stmt: PgNode, opts: RewriteOptions, cteNames: Set<string>): void {
  const conds: string[] = [];
  if (opts.minTimestamp) conds.push(`start_timestamp >= CAST('${opts.minTimestamp.toISOString()}' AS timestamptz)`);
  if (opts.maxTimestamp) conds.push(`start_timestamp < CAST('${opts.maxTimestamp.toISOString()}' AS timestamptz)`);
  const subFor = (rel: string) => parsePg(`SELECT * FROM ${rel} WHERE ${conds.join(' AND ')}`).stmts[0].stmt;
  const walk = (n: unknown, parent: PgNode | unknown[] | undefined, key: string | number | undefined): void => {
    if (Array.isArray(n)) {
      n.forEach((x, i) => walk(x, n, i));
      return;
    }
    if (!n || typeof n !== 'object') return;
    const rv = (n as PgNode).RangeVar;
    const rel = rv ? String(rv.relname).toLowerCase() : '';
    if (rv && parent !== undefined && key !== undefined && !rv.schemaname && (rel === 'records' || rel === KEYED_RECORDS) && !cteNames.has(rel)) {
      (parent as Record<string | number, unknown>)[key] = {
        RangeSubselect: { subquery: subFor(rel), alias: rv.alias ?? { aliasname: 'records' } },
      };
      return;
    }
    for (const [k, v] of Object.entries(n)) walk(v, n as PgNode, k);
  };
  walk(stmt, undefined, undefined);
}

// ---------- result-preserving plan rewrite: MIN/MAX over an inequality LEFT JOIN ----------
//
// SELECT …, MIN(w.x) … FROM l LEFT JOIN w ON l.k = w.k AND w.x < l.t GROUP BY …
// The smallest w.x below l.t, per key, is the key's overall smallest w.x when that is below l.t, and
// nothing otherwise (MIN is monotone). So w can be pre-aggregated to one row per key,
// (SELECT k, MIN(x) AS x FROM w GROUP BY k) AS w, keeping the join condition as it is: same rows,
// same values, but |l| probes instead of |l|·|w_k| joined rows. Symmetrically MAX with `>`.
// This is the bundled "warnings precede rate limits" check, 3 s → tens of ms at 1M records.

function qualifiedRef(n: PgNode | undefined): { rel: string; col: string } | undefined {
  const f = n?.ColumnRef?.fields as PgNode[] | undefined;
  if (!f || f.length !== 2 || !f[0].String || !f[1].String) return undefined;
  return { rel: String(f[0].String.sval), col: String(f[1].String.sval) };
}

function relName(n: PgNode): string | undefined {
  const rv = n.RangeVar;
  if (!rv) return undefined;
  return String(rv.alias?.aliasname ?? rv.relname);
}

/** Calls fn for every SelectStmt in the tree, innermost first (a rewrite sees its subqueries already rewritten). */
function forEachSelectStmt(root: unknown, fn: (sel: PgNode) => void): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    for (const v of Object.values(n)) walk(v);
    const sel = (n as PgNode).SelectStmt;
    if (sel) fn(sel);
  };
  walk(root);
}

function optimizeExtremumJoins(root: PgNode): void {
  forEachSelectStmt(root, tryExtremumJoin);
}

function tryExtremumJoin(sel: PgNode): void {
  if (!sel.groupClause || sel.fromClause?.length !== 1 || sel.windowClause) return;
  const join = sel.fromClause[0].JoinExpr;
  if (!join || join.jointype !== 'JOIN_LEFT' || join.usingClause || join.isNatural) return;
  const lName = relName(join.larg);
  const wName = relName(join.rarg);
  if (!lName || !wName || lName === wName || join.rarg.RangeVar.alias?.colnames) return;
  // Join condition: equalities l.a = w.b and exactly one inequality between w.x and l.t.
  const conj: PgNode[] = join.quals?.BoolExpr?.boolop === 'AND_EXPR' ? join.quals.BoolExpr.args : join.quals ? [join.quals] : [];
  const keys: string[] = [];
  let extremum: { fn: 'min' | 'max'; col: string } | undefined;
  for (const c of conj) {
    const e = c.A_Expr;
    if (!e || e.kind !== 'AEXPR_OP') return;
    const op = (e.name as PgNode[]).map((x) => x.String?.sval).join('.');
    const a = qualifiedRef(e.lexpr);
    const b = qualifiedRef(e.rexpr);
    if (!a || !b) return;
    const w = a.rel === wName ? a : b.rel === wName ? b : undefined;
    const l = a.rel === lName ? a : b.rel === lName ? b : undefined;
    if (!w || !l || w === l) return;
    if (op === '=') {
      keys.push(w.col);
      continue;
    }
    if (!['<', '<=', '>', '>='].includes(op) || extremum) return;
    const wOnLeft = a === w;
    const less = op.startsWith('<') === wOnLeft; // w.x < l.t  or  l.t > w.x
    extremum = { fn: less ? 'min' : 'max', col: w.col };
  }
  if (!extremum || keys.length === 0 || keys.includes(extremum.col)) return;
  // Every use of w outside the join must be exactly fn(w.x); no bare or unqualified column refs.
  let ok = true;
  const check = (n: unknown): void => {
    if (!ok) return;
    if (Array.isArray(n)) return n.forEach((x) => check(x));
    if (!n || typeof n !== 'object') return;
    const node = n as PgNode;
    if (node.FuncCall) {
      const fc = node.FuncCall;
      const ref = fc.args?.length === 1 ? qualifiedRef(fc.args[0]) : undefined;
      if (ref && ref.rel === wName) {
        if (funcName(fc) !== extremum!.fn || ref.col !== extremum!.col || fc.over || fc.agg_filter || fc.agg_order) ok = false;
        return;
      }
    }
    if (node.ColumnRef) {
      const f = node.ColumnRef.fields as PgNode[];
      if (f.length < 2 || f.some((x) => !x.String) || String(f[0].String.sval) === wName) ok = false;
      return;
    }
    if (node.SubLink || node.A_Star) {
      ok = false;
      return;
    }
    for (const v of Object.values(node)) check(v);
  };
  check([sel.targetList, sel.groupClause, sel.havingClause, sel.sortClause, sel.distinctClause, sel.whereClause]);
  if (!ok) return;
  const col = (name: string): PgNode => ({ ColumnRef: { fields: [{ String: { sval: name } }] } });
  const base = clone(join.rarg.RangeVar);
  delete base.alias;
  const sub: PgNode = {
    SelectStmt: {
      targetList: [
        ...keys.map((k) => ({ ResTarget: { name: k, val: col(k) } })),
        { ResTarget: { name: extremum.col, val: func(extremum.fn, [col(extremum.col)]) } },
      ],
      fromClause: [{ RangeVar: base }],
      groupClause: keys.map(col),
      limitOption: 'LIMIT_OPTION_DEFAULT',
      op: 'SETOP_NONE',
    },
  };
  join.rarg = { RangeSubselect: { subquery: sub, alias: { aliasname: wName } } };
}

// ---------- result-preserving rewrite: JSON value IN (constants) in a WHERE conjunction ----------
//
// DuckDB expands `x IN ('a', 'b', 'c')` into `x = 'a' OR x = 'b' OR x = 'c'` and evaluates a JSON
// extraction once per branch. As a top-level conjunct of WHERE (where NULL and false both drop the
// row) `list_contains(['a', 'b', 'c'], x)` is equivalent and extracts once.

function optimizeJsonInLists(root: PgNode): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    for (const v of Object.values(n)) walk(v);
    const sel = (n as PgNode).SelectStmt;
    if (!sel?.whereClause) return;
    const w = sel.whereClause;
    if (w.BoolExpr?.boolop === 'AND_EXPR') w.BoolExpr.args = (w.BoolExpr.args as PgNode[]).map(inToListContains);
    else sel.whereClause = inToListContains(w);
  };
  walk(root);
}

function inToListContains(n: PgNode): PgNode {
  const e = n.A_Expr;
  if (!e || e.kind !== 'AEXPR_IN' || (e.name as PgNode[])[0]?.String?.sval !== '=') return n;
  const fc = e.lexpr?.FuncCall;
  if (!fc || !['json_extract_string', 'json_extract'].includes(funcName(fc))) return n;
  const items = e.rexpr?.List?.items as PgNode[] | undefined;
  if (!items || items.length < 2 || !items.every((i) => i.A_Const && !i.A_Const.isnull)) return n;
  return func('list_contains', [{ A_ArrayExpr: { elements: items } }, e.lexpr]);
}

// ---------- result-preserving rewrite: truncating the stored UTC timestamps ----------
//
// DATE_TRUNC / time_bucket on TIMESTAMPTZ go through ICU calendars (DuckDB): ~0.8 s (and far more for
// time_bucket) per million rows. Queries run with TimeZone = 'UTC', where truncating to a second,
// minute, hour or day is plain arithmetic on epoch microseconds. Applied only to the records'
// TIMESTAMPTZ columns, so the result type stays TIMESTAMP WITH TIME ZONE (to_timestamp() builds it
// directly; a cast from TIMESTAMP would go through ICU again).

const UNIT_US: Record<string, number> = { second: 1e6, minute: 6e7, hour: 3.6e9, day: 8.64e10 };
const TZ_COLUMNS = new Set(['start_timestamp', 'end_timestamp', 'created_at']);

function bucketUs(fc: PgNode): number | undefined {
  const name = funcName(fc);
  const args = (fc.args ?? []) as PgNode[];
  if (args.length !== 2 || !TZ_COLUMNS.has(columnName(args[1]) ?? '')) return undefined;
  if (name === 'date_trunc') {
    const unit = constString(args[0])?.toLowerCase();
    return unit ? UNIT_US[unit] : undefined;
  }
  if (name === 'time_bucket') {
    // time_bucket('1 hour', ts) became time_bucket('1 hour'::interval, ts) above.
    const lit = constString(args[0]?.TypeCast?.arg ?? args[0])?.trim().toLowerCase();
    const m = lit ? /^1 (second|minute|hour|day)s?$/.exec(lit) : null;
    return m ? UNIT_US[m[1]] : undefined;
  }
  return undefined;
}

function optimizeTimestampTruncation(root: PgNode): void {
  const walk = (n: unknown, parent: Record<string | number, unknown> | undefined, key: string | number | undefined): void => {
    if (Array.isArray(n)) return n.forEach((x, i) => walk(x, n as unknown as Record<number, unknown>, i));
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) walk(v, n as Record<string, unknown>, k);
    const fc = (n as PgNode).FuncCall;
    if (!fc || fc.over || parent === undefined || key === undefined) return;
    const us = bucketUs(fc);
    if (us === undefined) return;
    parent[key] = template(
      `to_timestamp(CAST(floor(epoch_us(__ts) / ${us}.0) AS BIGINT) * ${us / 1e6})`,
      { __ts: (fc.args as PgNode[])[1] },
    );
  };
  walk(root, undefined, undefined);
}

// ---------- result-preserving rewrite: one JSON parse for several keys of the same column ----------
//
// Each json_extract_string(attributes, 'k') parses the whole JSON document. When one SELECT reads several
// keys of the same column (`attributes->>'provider'`, `attributes->>'model'`, `attributes->>'pct'`), the
// list form json_extract_string(attributes, ['provider', 'model', 'pct']) parses it once and returns the
// values in key order (NULL for a missing key, NULL list for a NULL document), so element i is exactly the
// single-key result. Every occurrence becomes `json_extract_string(col, [all keys])[i]`, the same expression
// text each time, and DuckDB computes that common subexpression once per row. Applied to the select list,
// GROUP BY, HAVING, ORDER BY, DISTINCT ON and WINDOW clauses of one SELECT (kept consistent, so grouped
// expressions still match); WHERE is left as it is (it runs first, on more rows). Keys with wildcards or
// recursive descent (which return lists) are left alone.

const SHARED_PARSE_CLAUSES = ['targetList', 'groupClause', 'havingClause', 'sortClause', 'distinctClause', 'windowClause'];

function singleKeyExtract(n: unknown): { column: string; key: string } | undefined {
  const fc = (n as PgNode | undefined)?.FuncCall;
  if (!fc || fc.over || fc.agg_filter || fc.agg_order || fc.agg_star || fc.agg_distinct || fc.func_variadic) return undefined;
  if (funcName(fc) !== 'json_extract_string' || (fc.funcname as PgNode[]).length !== 1) return undefined;
  const args = (fc.args ?? []) as PgNode[];
  if (args.length !== 2 || !args[0].ColumnRef) return undefined;
  const fields = args[0].ColumnRef.fields as PgNode[];
  if (!fields.every((f) => typeof f.String?.sval === 'string')) return undefined;
  const key = constString(args[1]);
  if (key === undefined || key.includes('*') || key.includes('..')) return undefined;
  return { column: fields.map((f) => f.String.sval as string).join('\u0000'), key };
}

/** Visits expressions of one SELECT level: not into subqueries (they are SELECTs of their own). */
function walkSameLevel(n: unknown, fn: (node: PgNode, parent: Record<string | number, unknown>, key: string | number) => void, parent?: Record<string | number, unknown>, key?: string | number): void {
  if (Array.isArray(n)) {
    n.forEach((x, i) => walkSameLevel(x, fn, n as unknown as Record<number, unknown>, i));
    return;
  }
  if (!n || typeof n !== 'object') return;
  const node = n as PgNode;
  if (node.SelectStmt || node.SubLink || node.RangeSubselect) return;
  if (parent !== undefined && key !== undefined) fn(node, parent, key);
  for (const [k, v] of Object.entries(node)) walkSameLevel(v, fn, node as Record<string, unknown>, k);
}

function optimizeSharedJsonParse(root: PgNode): void {
  forEachSelectStmt(root, shareJsonParse);
}

function shareJsonParse(sel: PgNode): void {
  const keysByColumn = new Map<string, { ref: PgNode; keys: string[] }>();
  // The clauses are walked through a holder, so a clause that is itself an extraction can be replaced too.
  const holder: Record<string, unknown> = {};
  for (const c of SHARED_PARSE_CLAUSES) if (sel[c] !== undefined) holder[c] = sel[c];
  walkSameLevel(holder, (node) => {
    const x = singleKeyExtract(node);
    if (!x) return;
    let entry = keysByColumn.get(x.column);
    if (!entry) keysByColumn.set(x.column, (entry = { ref: node.FuncCall.args[0], keys: [] }));
    if (!entry.keys.includes(x.key)) entry.keys.push(x.key);
  });
  const byColumn = new Map([...keysByColumn.entries()].filter(([, e]) => e.keys.length > 1));
  if (byColumn.size === 0) return;
  // An unnamed output column is named after its expression text: leave such a SELECT as it is.
  let touched = false;
  const unnamed = ((sel.targetList ?? []) as PgNode[]).some((t) => {
    if (!t.ResTarget || t.ResTarget.name) return false;
    touched = false;
    walkSameLevel({ v: t.ResTarget.val }, (node) => {
      const x = singleKeyExtract(node);
      if (x && byColumn.has(x.column)) touched = true;
    });
    return touched;
  });
  if (unnamed) return;
  walkSameLevel(holder, (node, parent, key) => {
    const x = singleKeyExtract(node);
    const entry = x && byColumn.get(x.column);
    if (!x || !entry) return;
    const list = func('json_extract_string', [clone(entry.ref), { A_ArrayExpr: { elements: entry.keys.map(str) } }]);
    parent[key] = { A_Indirection: { arg: list, indirection: [{ A_Indices: { uidx: int(entry.keys.indexOf(x.key) + 1) } }] } };
  });
  for (const c of Object.keys(holder)) sel[c] = holder[c];
}

// ---------- attribute keys kept as columns (local store) ----------
//
// The store keeps the attribute keys the health checks read as columns of their own (TelemetryStore's
// attribute columns: exactly `attributes->>'key'` for every row). In each SELECT whose FROM holds `records`,
// `json_extract_string(attributes, 'key')` (what `attributes->>'key'` became above) on a kept key becomes
// that column, and that `records` becomes the store's `_records_keyed` view (the same rows with the extra
// columns), so DuckDB neither decompresses nor parses the JSON text. Applied only where the reference is
// provably to that relation and the extra columns cannot show: the attributes reference is qualified with the
// relation's name, or unqualified with `records` the only relation in FROM and no output column named
// `attributes`. A SELECT is left as it is when it has `*` (or `name.*` / a whole-row reference to the
// relation), a NATURAL or aliased join, an unnamed output column that would be named after a replaced
// expression, or `attributes` itself in GROUP BY. A CTE named `records` turns the rewrite off.

/**
 * A user's `records_all` shows the Logfire columns only, as before the store kept attribute columns:
 * `(SELECT <records columns> FROM records_all) AS records_all` (DuckDB reads only the columns used).
 */
function hideKeptColumns(root: PgNode, cteNames: Set<string>): void {
  if (cteNames.has('records_all')) return;
  const sub = parsePg(`SELECT ${RECORD_COLUMNS.map(([n]) => n).join(', ')} FROM records_all`).stmts[0].stmt;
  const walk = (n: unknown, parent: Record<string | number, unknown> | undefined, key: string | number | undefined): void => {
    if (Array.isArray(n)) return n.forEach((x, i) => walk(x, n as unknown as Record<number, unknown>, i));
    if (!n || typeof n !== 'object') return;
    const rv = (n as PgNode).RangeVar;
    if (rv && parent !== undefined && key !== undefined && !rv.schemaname && String(rv.relname).toLowerCase() === 'records_all') {
      parent[key] = { RangeSubselect: { subquery: clone(sub), alias: rv.alias ?? { aliasname: 'records_all' } } };
      return;
    }
    for (const [k, v] of Object.entries(n)) walk(v, n as Record<string, unknown>, k);
  };
  walk(root, undefined, undefined);
}

/** Calls fn for every SELECT body in the tree (also the arms of UNION/INTERSECT/EXCEPT). */
function forEachSelectBody(root: unknown, fn: (sel: PgNode) => void): void {
  const walk = (n: unknown, isBody: boolean): void => {
    if (Array.isArray(n)) return n.forEach((x) => walk(x, false));
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) walk(v, k === 'SelectStmt' || (isBody && (k === 'larg' || k === 'rarg')));
    if (isBody) fn(n as PgNode);
  };
  walk(root, false);
}

function useAttributeColumns(root: PgNode, columns: ReadonlyMap<string, string>, cteNames: Set<string>): void {
  if (cteNames.has('records') || cteNames.has(KEYED_RECORDS)) return;
  forEachSelectBody(root, (sel) => keyedScope(sel, columns));
}

function identFields(n: PgNode | undefined): string[] | undefined {
  const f = n?.ColumnRef?.fields as PgNode[] | undefined;
  if (!f || !f.every((x) => typeof x.String?.sval === 'string')) return undefined;
  return f.map((x) => String(x.String.sval));
}

/** `json_extract_string(<column ref>, 'key')` on a kept key: the ref's fields and the key. */
function keptExtract(n: PgNode, columns: ReadonlyMap<string, string>): { fields: string[]; key: string } | undefined {
  const fc = n.FuncCall;
  if (!fc || fc.over || fc.agg_filter || fc.agg_order || fc.agg_star || fc.agg_distinct || fc.func_variadic) return undefined;
  if ((fc.funcname as PgNode[]).length !== 1 || funcName(fc) !== 'json_extract_string') return undefined;
  const args = (fc.args ?? []) as PgNode[];
  if (args.length !== 2) return undefined;
  const fields = identFields(args[0]);
  const key = constString(args[1]);
  if (!fields || key === undefined || !columns.has(key) || fields[fields.length - 1].toLowerCase() !== 'attributes') return undefined;
  return { fields, key };
}

interface ScopeRelation {
  item: PgNode;
  /** The name the relation is visible under (alias or table name), as written. */
  name: string;
  /** A plain `records` reference that may become the keyed view. */
  eligible: boolean;
}

function keyedScope(sel: PgNode, columns: ReadonlyMap<string, string>): void {
  const from = sel.fromClause as PgNode[] | undefined;
  if (!from?.length) return;
  const rels: ScopeRelation[] = [];
  let plain = true;
  const collect = (item: PgNode): void => {
    const j = item.JoinExpr;
    if (j) {
      if (j.alias || j.isNatural) plain = false;
      collect(j.larg);
      collect(j.rarg);
      return;
    }
    const rv = item.RangeVar;
    if (rv) {
      const eligible = !rv.schemaname && !rv.catalogname && String(rv.relname).toLowerCase() === 'records' && !rv.alias?.colnames && rv.inh !== false;
      rels.push({ item, name: String(rv.alias?.aliasname ?? rv.relname), eligible });
      return;
    }
    const alias = item.RangeSubselect?.alias ?? item.RangeFunction?.alias;
    rels.push({ item, name: String(alias?.aliasname ?? ''), eligible: false });
  };
  from.forEach(collect);
  if (!plain || !rels.some((r) => r.eligible)) return;
  const lower = (s: string) => s.toLowerCase();
  // Stars and whole-row references: `*` at this level blocks the scope; `name.*` or a bare `name` anywhere
  // below (correlated subqueries included) blocks that relation.
  let blocked = false;
  walkSameLevel(sel, (node) => {
    const f = node.ColumnRef?.fields as PgNode[] | undefined;
    if (f && f.length === 1 && f[0].A_Star) blocked = true;
  });
  // `attributes` itself grouped (not inside a kept-key extraction): the extractions depend on it.
  const bareAttributes = (n: unknown): boolean => {
    if (Array.isArray(n)) return n.some(bareAttributes);
    if (!n || typeof n !== 'object') return false;
    const node = n as PgNode;
    if (node.SelectStmt || node.SubLink || node.RangeSubselect || keptExtract(node, columns)) return false;
    const f = identFields(node);
    if (f) return lower(f[f.length - 1]) === 'attributes';
    return Object.values(node).some(bareAttributes);
  };
  if (bareAttributes(sel.groupClause)) blocked = true;
  for (const t of (sel.targetList ?? []) as PgNode[]) {
    if (!t.ResTarget || t.ResTarget.name) continue;
    walkSameLevel({ v: t.ResTarget.val }, (node) => {
      if (keptExtract(node, columns)) blocked = true;
    });
  }
  if (blocked) return;
  const excluded = new Set<ScopeRelation>();
  const deep = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(deep);
    if (!n || typeof n !== 'object') return;
    const f = (n as PgNode).ColumnRef?.fields as PgNode[] | undefined;
    if (f) {
      const first = f[0]?.String?.sval;
      const wholeRow = f.length === 1 && typeof first === 'string';
      const star = f.length === 2 && typeof first === 'string' && f[1].A_Star;
      if (wholeRow || star) for (const r of rels) if (lower(r.name) === lower(first)) excluded.add(r);
    }
    for (const v of Object.values(n)) deep(v);
  };
  deep(sel);
  const shadowed = ((sel.targetList ?? []) as PgNode[]).some((t) => typeof t.ResTarget?.name === 'string' && lower(t.ResTarget.name) === 'attributes');
  const resolve = (fields: string[]): ScopeRelation | undefined => {
    let r: ScopeRelation | undefined;
    if (fields.length === 1) r = rels.length === 1 && !shadowed ? rels[0] : undefined;
    else if (fields.length === 2) {
      const named = rels.filter((x) => lower(x.name) === lower(fields[0]));
      r = named.length === 1 ? named[0] : undefined;
    }
    return r && r.eligible && !excluded.has(r) ? r : undefined;
  };
  const used = new Set<ScopeRelation>();
  walkSameLevel(sel, (node, parent, key) => {
    const x = keptExtract(node, columns);
    const r = x && resolve(x.fields);
    if (!x || !r) return;
    parent[key] = { ColumnRef: { fields: [{ String: { sval: r.name } }, { String: { sval: columns.get(x.key)! } }] } };
    used.add(r);
  });
  for (const r of used) {
    const rv = r.item.RangeVar;
    r.item.RangeVar = { ...rv, relname: KEYED_RECORDS, alias: rv.alias ?? { aliasname: 'records' } };
  }
}
