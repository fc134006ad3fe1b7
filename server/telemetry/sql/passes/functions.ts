// Pass 3 — functions: Logfire helpers and the DataFusion functions Logfire users write, as DuckDB
// expressions with the same result; casts whose DuckDB type differs from Postgres's.
//
// - Logfire helpers: `level_num('warn')` → 13, `level_name(level)` → name of the level range,
//   `time_bucket('1 hour', ts)` → `time_bucket(INTERVAL '1 hour', ts)`.
// - JSON (DataFusion's datafusion-functions-json): `json_get_str/int/float/bool/json(j, k, …)` give NULL
//   for a value of another JSON type; `json_get`, `json_as_text`, `json_contains(j, k)` (key exists),
//   `json_length(j[, k…])` (array length or number of object keys). Several keys walk nested objects.
// - Aggregates: `approx_percentile_cont(x, p)` and `approx_percentile_cont(p) WITHIN GROUP (ORDER BY x
//   [DESC])` → `quantile_cont(x, p)` (DESC: 1 − p), `approx_median(x)` → `quantile_cont(x, 0.5)`,
//   `approx_distinct(x)` → `count(DISTINCT x)`. DataFusion estimates these (t-digest, HyperLogLog); the
//   local store computes the exact value, which is within any estimate's error.
// - `date_bin(stride, ts[, origin])` → `time_bucket(stride, ts, origin)` with DataFusion's default origin,
//   the Unix epoch (DuckDB's own default origin for day-sized buckets is 2000-01-03).
// - `regexp_like(s, re[, flags])` → `regexp_matches(s, re[, flags])` (flags `i` and `c`),
//   `to_char(ts, fmt)` (DataFusion: strftime-style format) → `strftime(ts, fmt)`, `cardinality(list)` →
//   `len(list)`.
// - `CAST(x AS numeric)` without precision → double precision: DuckDB's bare DECIMAL is DECIMAL(18,3),
//   which would round an LLM cost of 0.000123 to 0; DataFusion reads JSON numbers cast this way as floats.
// - `EXTRACT(SECOND FROM x)` (and MILLISECOND) → from DuckDB's microseconds field: Postgres keeps the
//   fraction of the second, DuckDB's own SECOND field is an integer.
// - `jsonb` casts → DuckDB's `json` type (the values are JSON text either way).
// - SQL/JSON syntax of Postgres 16+ (JSON_EXISTS, JSON_VALUE, JSON_QUERY, JSON_OBJECT, IS JSON…) is not
//   part of Logfire's dialect: refused, naming the construct.
import { constString, func, funcName, int, nodeType, type PgNode, SqlRewriteError, template, typeCast } from '../ast';
import { LEVEL_TABLE } from '../../../../protocol/levels';
import { jsonKey, LEVEL_BY_NAME } from './operators';
import type { Pass } from '../pass';

// level number → name (rounding down, as Logfire does) and name → number, from the one level table
const LEVEL_NAME_SQL = `CASE WHEN __x IS NULL THEN NULL ${[...LEVEL_TABLE]
  .reverse()
  .slice(0, -1)
  .map(([name, n]) => `WHEN __x >= ${n} THEN '${name}'`)
  .join(' ')} ELSE '${LEVEL_TABLE[0][0]}' END`;
const LEVEL_NUM_SQL = `CASE lower(__x) ${Object.entries(LEVEL_BY_NAME)
  .map(([name, n]) => `WHEN '${name}' THEN ${n}`)
  .join(' ')} END`;
const JSON_GETTERS: Record<string, string> = {
  json_get_str: "CASE WHEN json_type(__j, __k) = 'VARCHAR' THEN json_extract_string(__j, __k) END",
  json_get_int: "CASE WHEN json_type(__j, __k) IN ('BIGINT', 'UBIGINT') THEN CAST(json_extract_string(__j, __k) AS BIGINT) END",
  json_get_float:
    "CASE WHEN json_type(__j, __k) IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN CAST(json_extract_string(__j, __k) AS DOUBLE) END",
  json_get_bool: "CASE WHEN json_type(__j, __k) = 'BOOLEAN' THEN CAST(json_extract_string(__j, __k) AS BOOLEAN) END",
  json_get_json: 'CAST(json_extract(__j, __k) AS VARCHAR)',
  json_get: 'json_extract(__j, __k)',
  json_as_text: 'json_extract_string(__j, __k)',
  json_contains: '__json_exists(__j, __k)',
  json_length: "CASE json_type(json_extract(__j, __k)) WHEN 'ARRAY' THEN json_array_length(json_extract(__j, __k)) WHEN 'OBJECT' THEN len(json_keys(json_extract(__j, __k))) END",
};

/** Postgres SQL/JSON nodes (not Logfire's dialect) and what the user wrote. */
const SQL_JSON_NODES: Record<string, string> = {
  JsonObjectConstructor: 'JSON_OBJECT(…)',
  JsonArrayConstructor: 'JSON_ARRAY(…)',
  JsonArrayQueryConstructor: 'JSON_ARRAY(SELECT …)',
  JsonObjectAgg: 'JSON_OBJECTAGG(…)',
  JsonArrayAgg: 'JSON_ARRAYAGG(…)',
  JsonParseExpr: 'JSON(…)',
  JsonScalarExpr: 'JSON_SCALAR(…)',
  JsonSerializeExpr: 'JSON_SERIALIZE(…)',
  JsonIsPredicate: 'IS JSON',
  JsonTable: 'JSON_TABLE(…)',
};
const EPOCH = "CAST('1970-01-01 00:00:00+00' AS timestamptz)";

function unsupported(message: string, location: number | undefined): never {
  throw new SqlRewriteError(message, location, 'unsupported');
}

function rewriteFuncCall(fc: PgNode): PgNode | undefined {
  const name = funcName(fc);
  const args = (fc.args ?? []) as PgNode[];
  const arity = (min: number, max = min) => {
    if (args.length < min || args.length > max) {
      unsupported(`${name}() takes ${min === max ? min : `${min}–${max}`} argument(s), got ${args.length}`, fc.location);
    }
  };
  if ((fc.funcname as PgNode[]).length > 1) {
    // EXTRACT(SECOND FROM x) keeps the fraction in Postgres (2.5); DuckDB's is the whole seconds (2).
    const field = name === 'extract' ? constString(args[0])?.toLowerCase() : undefined;
    if (field === 'second' || field === 'seconds' || field === 'millisecond' || field === 'milliseconds') {
      return template(`date_part('microseconds', __x) / ${field.startsWith('milli') ? '1000.0' : '1000000.0'}`, { __x: args[1] });
    }
    return undefined;
  }
  switch (name) {
    case 'level_num': {
      arity(1);
      const s = constString(args[0]);
      if (s !== undefined) {
        const num = LEVEL_BY_NAME[s.toLowerCase()];
        if (num === undefined) unsupported(`Unknown level '${s}' (expected one of ${Object.keys(LEVEL_BY_NAME).join(', ')})`, fc.location);
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
    case 'approx_percentile_cont': {
      if (fc.agg_within_group) {
        arity(1, 2);
        const sort = (fc.agg_order as PgNode[])[0].SortBy;
        if ((fc.agg_order as PgNode[]).length !== 1) unsupported('approx_percentile_cont() WITHIN GROUP takes one ORDER BY expression', fc.location);
        const p = sort.sortby_dir === 'SORTBY_DESC' ? template('1 - __p', { __p: args[0] }) : args[0];
        return { FuncCall: { ...fc, funcname: [{ String: { sval: 'quantile_cont' } }], args: [sort.node, p], agg_order: undefined, agg_within_group: undefined } };
      }
      arity(2, 3);
      return { FuncCall: { ...fc, funcname: [{ String: { sval: 'quantile_cont' } }], args: args.slice(0, 2) } };
    }
    case 'approx_percentile_cont_with_weight':
      return unsupported('approx_percentile_cont_with_weight() (weighted percentile) is not supported on the local store', fc.location);
    case 'approx_median':
      arity(1);
      return { FuncCall: { ...fc, funcname: [{ String: { sval: 'quantile_cont' } }], args: [args[0], { A_Const: { fval: { fval: '0.5' } } }] } };
    case 'approx_distinct':
      arity(1);
      return { FuncCall: { ...fc, funcname: [{ String: { sval: 'count' } }], agg_distinct: true } };
    case 'date_bin': {
      arity(2, 3);
      const stride = constString(args[0]) !== undefined ? typeCast(args[0], 'interval') : args[0];
      return func('time_bucket', [stride, args[1], args[2] ?? template(EPOCH, {})]);
    }
    case 'regexp_like': {
      arity(2, 3);
      if (args[2] !== undefined) {
        const flags = constString(args[2]);
        if (flags === undefined || !/^[ic]*$/.test(flags)) {
          unsupported(`regexp_like() flags ${flags === undefined ? '(not a constant)' : `'${flags}'`} are not supported on the local store (only 'i' and 'c')`, fc.location);
        }
      }
      return { FuncCall: { ...fc, funcname: [{ String: { sval: 'regexp_matches' } }] } };
    }
    case 'to_char':
      arity(2);
      return { FuncCall: { ...fc, funcname: [{ String: { sval: 'strftime' } }] } };
    case 'cardinality':
      arity(1);
      return { FuncCall: { ...fc, funcname: [{ String: { sval: 'len' } }] } };
    default:
      break;
  }
  const getter = JSON_GETTERS[name];
  if (getter) {
    if (name === 'json_length' && args.length === 1) {
      return template("CASE json_type(__j) WHEN 'ARRAY' THEN json_array_length(__j) WHEN 'OBJECT' THEN len(json_keys(__j)) END", { __j: args[0] });
    }
    if (args.length < 2) unsupported(`${name}() needs a JSON value and at least one key`, fc.location);
    let base = args[0];
    for (const k of args.slice(1, -1)) base = func('json_extract', [base, jsonKey(k)]);
    return template(getter, { __j: base, __k: jsonKey(args[args.length - 1]) });
  }
  return undefined;
}

function rewriteTypeCast(tc: PgNode): PgNode | undefined {
  const names = (tc.typeName?.names ?? []) as PgNode[];
  const t = names[names.length - 1]?.String?.sval?.toLowerCase();
  if (t === 'jsonb' && !tc.typeName.arrayBounds) return { TypeCast: { ...tc, typeName: { names: [{ String: { sval: 'json' } }], typemod: -1 } } };
  if ((t === 'numeric' || t === 'decimal') && !tc.typeName.typmods && !tc.typeName.arrayBounds) {
    return { TypeCast: { ...tc, typeName: { names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: 'float8' } }], typemod: -1 } } };
  }
  return undefined;
}

function visit(n: unknown): unknown {
  if (Array.isArray(n)) return n.map(visit);
  if (!n || typeof n !== 'object') return n;
  const copy: PgNode = {};
  for (const [k, v] of Object.entries(n)) copy[k] = visit(v); // children first
  const type = nodeType(copy);
  if (type === 'FuncCall') return rewriteFuncCall(copy.FuncCall) ?? copy;
  if (type === 'TypeCast') return rewriteTypeCast(copy.TypeCast) ?? copy;
  if (type === 'JsonFuncExpr') {
    const op = String(copy.JsonFuncExpr.op ?? '').replace(/^JSON_|_OP$/g, '');
    unsupported(`SQL/JSON function JSON_${op}(…) is not part of Logfire SQL; use attributes->>'key', attributes ? 'key' or json_get_*()`, copy.JsonFuncExpr.location);
  }
  if (type && type in SQL_JSON_NODES) {
    unsupported(`SQL/JSON ${SQL_JSON_NODES[type]} is not part of Logfire SQL; use attributes->>'key', attributes ? 'key' or json_get_*()`, copy[type].location);
  }
  return copy;
}

export const functions: Pass = {
  name: 'functions',
  run: (stmt) => visit(stmt) as PgNode,
};

