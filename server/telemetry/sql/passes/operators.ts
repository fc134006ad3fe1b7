// Pass 4 — operators: Postgres / Logfire operators whose DuckDB meaning differs, rewritten to function calls
// with the Postgres meaning (PostgreSQL manual, "Functions and Operators": 9.7 Pattern Matching, 9.16 JSON).
//
// - `a->>'k'` / `a->'k'` → `json_extract_string(a, 'k')` / `json_extract(a, 'k')`. DuckDB binds `->>`
//   more loosely than Postgres, so `attributes->>'to_phase' IN (...)` would mean `attributes->>('to_phase'
//   IN (...))`; the parse tree already has Postgres's grouping and a function call keeps it.
// - `a ~ re`, `a ~* re`, `a !~ re`, `a !~* re` → `regexp_matches(a, re, 's')` (with `i` for the `*`
//   forms, NOT for `!`). Postgres matches a regular expression anywhere in the string; DuckDB's `~` is a
//   full-string match. Option `s`: `.` also matches a newline, as in Postgres's default (non
//   newline-sensitive) mode; `^`/`$` anchor at the string's ends in both. NULL in, NULL out.
// - `SIMILAR TO` → `regexp_full_match(a, <pattern translated>)`: Postgres's SQL-standard pattern (`%`,
//   `_`, `|`, `*`, `+`, `?`, `{m,n}`, `()`, `[...]`, escape `\`) matches the whole string; DuckDB's
//   SIMILAR TO takes a POSIX regular expression instead. Only a constant pattern can be translated.
// - `j ? 'k'`, `j ?| ARRAY[...]`, `j ?& ARRAY[...]` (jsonb key existence; DataFusion's `json_contains`):
//   a top-level key of an object (whatever its value, JSON null included), or a string element of an
//   array; `?|` any of the keys (empty list: false), `?&` all (empty list: true). NULL JSON → NULL.
//   (The Postgres grammar reads `?` as this operator; it used to fail only because DuckDB, given `?` back,
//   takes it for a prepared-statement parameter. Rewriting it on the parse tree needs no pre-lexing.)
// - `j @> 'const'`, `'const' <@ j` on a JSON value (a JSON column, `->`, or a cast to json/jsonb): jsonb
//   containment, spelled out as conditions on the paths of the constant (DuckDB's json_contains also
//   finds values nested deeper, which jsonb does not). On lists (`tags @> ARRAY['x']`) DuckDB's own
//   operator already means list containment and is kept.
// - `level = 'warn'`, `level >= 'error'`, `level IN ('warn', 'error')`, BETWEEN: level-name literals
//   compared with a `level` column become their numbers (Logfire stores OTel severity numbers and
//   documents these comparisons with names).
// - `LIKE` / `ILIKE` patterns with a backslash get `ESCAPE '\'`: Postgres's default escape character,
//   which DuckDB does not have (`'a%' LIKE 'a\%'` is true in Postgres).
// Also collects `col LIKE 'pattern'` for dead-pattern detection.
import { LEVEL_NUMBERS } from '../../../../protocol/levels';
import { columnName, constString, func, funcName, int, nodeType, opName, type PgNode, SqlRewriteError, str, template } from '../ast';
import type { Pass, PassContext } from '../pass';

/** Level names accepted in comparisons: the SDK names plus `warning`. */
export const LEVEL_BY_NAME: Record<string, number> = { ...LEVEL_NUMBERS, warning: LEVEL_NUMBERS.warn };

const COMPARISON_OPS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const REGEX_OPS: Record<string, { negated: boolean; options: string }> = {
  '~': { negated: false, options: 's' },
  '~*': { negated: false, options: 'is' },
  '!~': { negated: true, options: 's' },
  '!~*': { negated: true, options: 'is' },
};
/** Columns of the telemetry tables holding JSON text. */
export const JSON_COLUMNS = new Set(['attributes', 'otel_events', 'otel_links', 'otel_scope_attributes', 'otel_resource_attributes', 'log_body', 'attributes_json_schema']);

/** DuckDB reads keys starting with `$` or `/` as paths; quote those as a JSONPath member. */
export function jsonKey(k: PgNode): PgNode {
  const s = constString(k);
  if (s !== undefined && (s.startsWith('$') || s.startsWith('/'))) return str(`$."${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return k;
}

/** Key existence as jsonb `?` defines it: object key, or string element of an array. */
const KEY_EXISTS_SQL =
  "CASE WHEN json_type(__j) = 'ARRAY' THEN list_contains(CAST(json_extract(__j, '$[*]') AS VARCHAR[]), CAST(to_json(__k) AS VARCHAR)) " +
  'ELSE __json_exists(__j, __k) END';

function keyExists(j: PgNode, k: PgNode): PgNode {
  return template(KEY_EXISTS_SQL, { __j: j, __k: jsonKey(k) });
}

function isJsonValued(n: PgNode | undefined): boolean {
  if (!n) return false;
  if (n.ColumnRef) return JSON_COLUMNS.has(columnName(n) ?? '');
  if (n.FuncCall) return ['json_extract', 'to_json', 'json'].includes(funcName(n.FuncCall));
  if (n.TypeCast) {
    const names = (n.TypeCast.typeName?.names ?? []) as PgNode[];
    const t = names[names.length - 1]?.String?.sval?.toLowerCase();
    return t === 'json' || t === 'jsonb';
  }
  return false;
}

/** Constant string elements of `ARRAY['a', 'b']` or the text array literal `'{a,b}'`. */
function constStringArray(n: PgNode | undefined): string[] | undefined {
  const inner = n?.TypeCast ? n.TypeCast.arg : n;
  const els = inner?.A_ArrayExpr ? ((inner.A_ArrayExpr.elements ?? []) as PgNode[]) : undefined;
  if (els) {
    const vals = els.map(constString);
    return vals.every((v) => v !== undefined) ? (vals as string[]) : undefined;
  }
  const lit = constString(inner);
  if (lit === undefined) return undefined;
  const m = /^\s*\{(.*)\}\s*$/s.exec(lit);
  if (!m) return undefined;
  if (!m[1].trim()) return [];
  if (/["\\]/.test(m[1])) return undefined; // quoted elements: not worth a second parser
  return m[1].split(',').map((s) => s.trim());
}

/** Postgres SIMILAR TO pattern → an RE2 pattern matching the same whole strings (PostgreSQL manual 9.7.2). */
export function similarToRegex(pattern: string, escape = '\\'): string {
  let out = '';
  let inBracket = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (escape && c === escape && i + 1 < pattern.length) {
      const next = pattern[++i];
      out += /[A-Za-z0-9]/.test(next) ? next : `\\${next}`;
      continue;
    }
    if (inBracket) {
      if (c === ']') inBracket = false;
      out += c === '\\' ? '\\\\' : c;
      continue;
    }
    if (c === '%') out += '.*';
    else if (c === '_') out += '.';
    else if (c === '[') {
      inBracket = true;
      out += c;
    } else if ('|*+?{}()'.includes(c)) out += c === '(' ? '(?:' : c;
    else if ('.^$\\'.includes(c)) out += `\\${c}`;
    else out += c;
  }
  return out;
}

/** JSONPath member for a key (quoted: keys may hold dots, spaces or quotes). */
const member = (path: string, key: string) => `${path}."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** A condition that the scalar JSON value at `path` of `j` equals `v` (numbers by value, as jsonb compares). */
function scalarAt(j: PgNode, path: string, v: unknown): PgNode {
  const p = str(path);
  if (v === null) return template("json_type(__j, __p) = 'NULL'", { __j: j, __p: p });
  if (typeof v === 'boolean') return template(`json_type(__j, __p) = 'BOOLEAN' AND json_extract_string(__j, __p) = '${v}'`, { __j: j, __p: p });
  if (typeof v === 'number') {
    return template("json_type(__j, __p) IN ('BIGINT', 'UBIGINT', 'DOUBLE') AND CAST(json_extract_string(__j, __p) AS DOUBLE) = __v", { __j: j, __p: p, __v: { A_Const: { fval: { fval: String(v) } } } });
  }
  return template("json_type(__j, __p) = 'VARCHAR' AND json_extract_string(__j, __p) = __v", { __j: j, __p: p, __v: str(String(v)) });
}

/**
 * jsonb containment (PostgreSQL manual 8.14.3) of a constant `needle` in `j` at `path`, as a condition:
 * an object contains each of the needle's keys with a containing value; an array contains each scalar of
 * the needle array as one of its elements (any order, duplicates ignored); at the top level an array also
 * contains a scalar that is one of its elements. Undefined when the needle has arrays inside arrays.
 */
function containment(j: PgNode, path: string, needle: unknown, top: boolean): PgNode | undefined {
  const and = (args: PgNode[]): PgNode => (args.length === 1 ? args[0] : { BoolExpr: { boolop: 'AND_EXPR', args } });
  const p = str(path);
  if (Array.isArray(needle)) {
    if (needle.some((x) => x !== null && typeof x === 'object')) return undefined;
    const isArray = template("json_type(__j, __p) = 'ARRAY'", { __j: j, __p: p });
    const elements = template("CAST(json_extract(__j, __p) AS VARCHAR[])", { __j: j, __p: str(`${path}[*]`) });
    return and([isArray, ...needle.map((x) => func('list_contains', [elements, str(JSON.stringify(x))]))]);
  }
  if (needle !== null && typeof needle === 'object') {
    const isObject = template("json_type(__j, __p) = 'OBJECT'", { __j: j, __p: p });
    const parts: PgNode[] = [isObject];
    for (const [k, v] of Object.entries(needle)) {
      const c = containment(j, member(path, k), v, false);
      if (!c) return undefined;
      parts.push(c);
    }
    return and(parts);
  }
  const equal = scalarAt(j, path, needle);
  if (!top) return equal;
  const inArray = template("json_type(__j) = 'ARRAY' AND list_contains(CAST(json_extract(__j, '$[*]') AS VARCHAR[]), __v)", { __j: j, __v: str(JSON.stringify(needle)) });
  return { BoolExpr: { boolop: 'OR_EXPR', args: [equal, inArray] } };
}

function rewriteAExpr(e: PgNode, ctx: PassContext): PgNode | undefined {
  const op = opName(e);
  if (e.kind === 'AEXPR_OP' && (op === '->>' || op === '->') && e.lexpr) {
    return func(op === '->>' ? 'json_extract_string' : 'json_extract', [e.lexpr, jsonKey(e.rexpr)]);
  }
  if (e.kind === 'AEXPR_OP' && op && op in REGEX_OPS && e.lexpr) {
    const { negated, options } = REGEX_OPS[op];
    const m = func('regexp_matches', [e.lexpr, e.rexpr, str(options)]);
    return negated ? { BoolExpr: { boolop: 'NOT_EXPR', args: [m] } } : m;
  }
  if (e.kind === 'AEXPR_SIMILAR') {
    const fc = e.rexpr?.FuncCall;
    const args = (fc?.args ?? []) as PgNode[];
    const pattern = constString(args[0]);
    const escape = args.length > 1 ? constString(args[1]) : '\\';
    if (!fc || pattern === undefined || escape === undefined) {
      throw new SqlRewriteError('SIMILAR TO needs a constant pattern (and ESCAPE character) on the local store', e.location, 'unsupported');
    }
    const m = func('regexp_full_match', [e.lexpr, str(similarToRegex(pattern, escape)), str('s')]);
    return op === '!~' ? { BoolExpr: { boolop: 'NOT_EXPR', args: [m] } } : m;
  }
  if (e.kind === 'AEXPR_OP' && op === '?' && e.lexpr) return keyExists(e.lexpr, e.rexpr);
  if (e.kind === 'AEXPR_OP' && (op === '?|' || op === '?&') && e.lexpr) {
    const keys = constStringArray(e.rexpr);
    if (!keys) {
      throw new SqlRewriteError(`${op} needs a constant list of keys on the local store, e.g. attributes ${op} ARRAY['a', 'b']`, e.location, 'unsupported');
    }
    if (keys.length === 0) return template(`CASE WHEN __j IS NULL THEN NULL ELSE ${op === '?|' ? 'false' : 'true'} END`, { __j: e.lexpr });
    const tests = keys.map((k) => keyExists(e.lexpr, str(k)));
    return tests.length === 1 ? tests[0] : { BoolExpr: { boolop: op === '?|' ? 'OR_EXPR' : 'AND_EXPR', args: tests } };
  }
  if (e.kind === 'AEXPR_OP' && (op === '@>' || op === '<@') && e.lexpr) {
    const [container, contained] = op === '@>' ? [e.lexpr, e.rexpr] : [e.rexpr, e.lexpr];
    if (!isJsonValued(container) && !isJsonValued(contained)) return undefined; // lists: DuckDB's own @> is list containment
    const text = constString(contained.TypeCast ? contained.TypeCast.arg : contained);
    let needle: unknown;
    try {
      needle = text === undefined ? undefined : JSON.parse(text);
    } catch {
      throw new SqlRewriteError(`${op}: ${JSON.stringify(text)} is not valid JSON`, e.location, 'unsupported');
    }
    const cond = needle === undefined ? undefined : containment(container, '$', needle, true);
    if (!cond) {
      throw new SqlRewriteError(
        `JSON containment ${op} needs a constant JSON value of objects, scalars and arrays of scalars on the local store, e.g. attributes @> '{"http.method": "GET"}'`,
        e.location,
        'unsupported',
      );
    }
    return template('CASE WHEN __j IS NULL THEN NULL ELSE coalesce(__c, false) END', { __j: container, __c: cond });
  }
  if (e.kind === 'AEXPR_LIKE' || e.kind === 'AEXPR_ILIKE') {
    // Postgres's LIKE escape character is `\` unless ESCAPE says otherwise; DuckDB has none by default.
    // `x LIKE p ESCAPE c` (a pg_catalog.like_escape(p, c) pattern) and a pattern with a backslash become
    // DuckDB's like_escape(x, p, c) family; other patterns stay LIKE (DuckDB optimises prefix patterns).
    const esc = e.rexpr?.FuncCall && funcName(e.rexpr.FuncCall) === 'like_escape' ? (e.rexpr.FuncCall.args as PgNode[]) : undefined;
    const pattern = constString(esc ? esc[0] : e.rexpr);
    let escaped: PgNode | undefined;
    if (esc || (pattern !== undefined && pattern.includes('\\'))) {
      const name = `${op?.startsWith('!') ? 'not_' : ''}${e.kind === 'AEXPR_ILIKE' ? 'ilike' : 'like'}_escape`;
      escaped = func(name, [e.lexpr, esc ? esc[0] : e.rexpr, esc ? esc[1] : str('\\')]);
    }
    if (pattern !== undefined && columnName(e.lexpr)) {
      ctx.likePatterns.push({
        column: columnName(e.lexpr)!,
        pattern,
        caseInsensitive: e.kind === 'AEXPR_ILIKE',
        negated: op === '!~~' || op === '!~~*',
        location: e.location ?? 0,
      });
    }
    return escaped;
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
      return {
        A_Expr: {
          ...e,
          rexpr: {
            List: {
              items: items.map((it) => {
                const num = levelLiteral(it);
                return num === undefined ? it : int(num);
              }),
            },
          },
        },
      };
    }
  }
  return undefined;
}

function levelLiteral(n: PgNode | undefined): number | undefined {
  const s = constString(n);
  return s === undefined ? undefined : LEVEL_BY_NAME[s.toLowerCase()];
}

function visit(n: unknown, ctx: PassContext): unknown {
  if (Array.isArray(n)) return n.map((x) => visit(x, ctx));
  if (!n || typeof n !== 'object') return n;
  const copy: PgNode = {};
  for (const [k, v] of Object.entries(n)) copy[k] = visit(v, ctx); // children first
  return nodeType(copy) === 'A_Expr' ? (rewriteAExpr(copy.A_Expr, ctx) ?? copy) : copy;
}

export const operators: Pass = {
  name: 'operators',
  run: (stmt, ctx) => visit(stmt, ctx) as PgNode,
};
