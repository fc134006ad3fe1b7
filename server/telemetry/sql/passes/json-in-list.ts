// Optimisation — JSON value IN (constants) in a WHERE conjunction (plan only, never the result).
//
// DuckDB expands `x IN ('a', 'b', 'c')` into `x = 'a' OR x = 'b' OR x = 'c'` and evaluates a JSON
// extraction once per branch. As a top-level conjunct of WHERE (where NULL and false both drop the
// row) `list_contains(['a', 'b', 'c'], x)` is equivalent and extracts once.
import { func, funcName, type PgNode } from '../ast';
import type { Pass } from '../pass';

function optimizeJsonInLists(root: unknown): void {
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

export const jsonInList: Pass = {
  name: 'JSON value IN (constants)',
  applies: (opts) => opts.optimize !== false,
  run: (stmt) => optimizeJsonInLists(stmt),
};
