// Optimisation — one JSON parse for several keys of the same column (plan only, never the result).
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
import { clone, forEachSelectStmt, func, funcName, int, constString, type PgNode, str, walkSameLevel } from '../ast';
import type { Pass } from '../pass';

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

export const sharedJsonParse: Pass = {
  name: 'one JSON parse per column',
  applies: (opts) => opts.optimize !== false,
  run: (stmt) => optimizeSharedJsonParse(stmt),
};
