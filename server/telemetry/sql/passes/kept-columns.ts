// Store pass — attribute keys kept as columns (local store only).
//
// The store keeps the attribute keys the health checks read as columns of their own (TelemetryStore's
// attribute columns: exactly `attributes->>'key'` for every row). In each SELECT whose FROM holds `records`,
// `json_extract_string(attributes, 'key')` (what the operators pass made of `attributes->>'key'`) on a kept key becomes
// that column, and that `records` becomes the store's `_records_keyed` view (the same rows with the extra
// columns), so DuckDB neither decompresses nor parses the JSON text. Applied only where the reference is
// provably to that relation and the extra columns cannot show: the attributes reference is qualified with the
// relation's name, or unqualified with `records` the only relation in FROM and no output column named
// `attributes`. A SELECT is left as it is when it has `*` (or `name.*` / a whole-row reference to the
// relation), a NATURAL or aliased join, an unnamed output column that would be named after a replaced
// expression, or `attributes` itself in GROUP BY. A CTE named `records` turns the rewrite off.
import { clone, constString, forEachSelectBody, funcName, identFields, type PgNode, walkSameLevel } from '../ast';
import { parsePg } from '../pg';
import { KEYED_RECORDS, RECORD_COLUMNS } from '../../records';
import type { Pass } from '../pass';

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

function useAttributeColumns(root: PgNode, columns: ReadonlyMap<string, string>, cteNames: Set<string>): void {
  if (cteNames.has('records') || cteNames.has(KEYED_RECORDS)) return;
  forEachSelectBody(root, (sel) => keyedScope(sel, columns));
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


export const keptColumns: Pass = {
  name: 'attribute keys kept as columns',
  applies: (opts) => !!opts.attributeColumns?.size,
  run(stmt, ctx) {
    hideKeptColumns(stmt, ctx.cteNames);
    useAttributeColumns(stmt, ctx.opts.attributeColumns!, ctx.cteNames);
  },
};
