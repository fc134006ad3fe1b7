// Parse-tree helpers shared by the rewrite passes (libpg-query JSON AST nodes: `{ NodeType: { ...fields } }`).
import { type PgNode, parsePg } from './pg';

export type { PgNode } from './pg';

/** A refusal found while rewriting: `location` is a byte offset into the query (libpg-query), when known. */
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


export function nodeType(n: PgNode): string | undefined {
  if (!n || typeof n !== 'object' || Array.isArray(n)) return undefined;
  const keys = Object.keys(n);
  return keys.length === 1 && /^[A-Z]/.test(keys[0]) ? keys[0] : undefined;
}
export const str = (s: string): PgNode => ({ A_Const: { sval: { sval: s } } });
export const int = (v: number): PgNode => ({ A_Const: { ival: v === 0 ? {} : { ival: v } } });
export const func = (name: string, args: PgNode[]): PgNode => ({
  FuncCall: { funcname: [{ String: { sval: name } }], args, funcformat: 'COERCE_EXPLICIT_CALL' },
});
export const typeCast = (arg: PgNode, type: string): PgNode => ({
  TypeCast: { arg, typeName: { names: [{ String: { sval: type } }], typemod: -1 } },
});
export function constString(n: PgNode | undefined): string | undefined {
  const c = n?.A_Const;
  return c && c.sval ? (c.sval.sval ?? '') : undefined;
}
export function funcName(fc: PgNode): string {
  const parts = (fc.funcname as PgNode[]).map((p) => p.String?.sval as string);
  return parts[parts.length - 1].toLowerCase();
}
/** The operator of an A_Expr (`->>`, `~`, `=`…), schema-qualified names joined with a dot. */
export function opName(e: PgNode): string | undefined {
  return (e.name as PgNode[] | undefined)?.map((x) => x.String?.sval).join('.');
}
export function columnName(n: PgNode | undefined): string | undefined {
  const fields = n?.ColumnRef?.fields as PgNode[] | undefined;
  const last = fields?.[fields.length - 1]?.String?.sval;
  return typeof last === 'string' ? last.toLowerCase() : undefined;
}
export function identFields(n: PgNode | undefined): string[] | undefined {
  const f = n?.ColumnRef?.fields as PgNode[] | undefined;
  if (!f || !f.every((x) => typeof x.String?.sval === 'string')) return undefined;
  return f.map((x) => String(x.String.sval));
}
export function clone<T>(n: T): T {
  return JSON.parse(JSON.stringify(n)) as T;
}

// ---------- templates: SQL snippets parsed once, with __a/__b/__x placeholders ----------

const templateCache = new Map<string, PgNode>();
/**
 * Parses `exprSql` once (as a select-list expression) and substitutes the `__name` column references;
 * `__f(…)` becomes a call of `f` (for names the Postgres grammar reserves, like json_exists).
 */
export function template(exprSql: string, bindings: Record<string, PgNode>): PgNode {
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
    // `__name(…)` calls a function the Postgres grammar would read as SQL/JSON syntax (json_exists…).
    const fn = (out as PgNode).funcname as PgNode[] | undefined;
    if (Array.isArray(fn) && fn.length === 1 && /^__/.test(fn[0].String?.sval ?? '')) fn[0] = { String: { sval: fn[0].String.sval.slice(2) } };
    return out;
  };
  return substitute(t) as PgNode;
}

// ---------- walkers ----------

/** Calls fn for every SelectStmt in the tree, innermost first (a rewrite sees its subqueries already rewritten). */
export function forEachSelectStmt(root: unknown, fn: (sel: PgNode) => void): void {
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    for (const v of Object.values(n)) walk(v);
    const sel = (n as PgNode).SelectStmt;
    if (sel) fn(sel);
  };
  walk(root);
}

/** Calls fn for every SELECT body in the tree (also the arms of UNION/INTERSECT/EXCEPT). */
export function forEachSelectBody(root: unknown, fn: (sel: PgNode) => void): void {
  const walk = (n: unknown, isBody: boolean): void => {
    if (Array.isArray(n)) return n.forEach((x) => walk(x, false));
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) walk(v, k === 'SelectStmt' || (isBody && (k === 'larg' || k === 'rarg')));
    if (isBody) fn(n as PgNode);
  };
  walk(root, false);
}

/** Visits expressions of one SELECT level: not into subqueries (they are SELECTs of their own). */
export function walkSameLevel(n: unknown, fn: (node: PgNode, parent: Record<string | number, unknown>, key: string | number) => void, parent?: Record<string | number, unknown>, key?: string | number): void {
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

/** Replaces nodes bottom-up anywhere in the tree: fn returns a replacement or undefined. */
export function replaceNodes(root: unknown, fn: (node: PgNode) => PgNode | undefined): void {
  const walk = (n: unknown, parent: Record<string | number, unknown> | undefined, key: string | number | undefined): void => {
    if (Array.isArray(n)) return n.forEach((x, i) => walk(x, n as unknown as Record<number, unknown>, i));
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) walk(v, n as Record<string, unknown>, k);
    if (parent === undefined || key === undefined) return;
    const r = fn(n as PgNode);
    if (r !== undefined) parent[key] = r;
  };
  walk(root, undefined, undefined);
}
