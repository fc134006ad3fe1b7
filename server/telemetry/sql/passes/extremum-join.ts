// Optimisation — MIN/MAX over an inequality LEFT JOIN (plan only, never the result).
//
// SELECT …, MIN(w.x) … FROM l LEFT JOIN w ON l.k = w.k AND w.x < l.t GROUP BY …
// The smallest w.x below l.t, per key, is the key's overall smallest w.x when that is below l.t, and
// nothing otherwise (MIN is monotone). So w can be pre-aggregated to one row per key,
// (SELECT k, MIN(x) AS x FROM w GROUP BY k) AS w, keeping the join condition as it is: same rows,
// same values, but |l| probes instead of |l|·|w_k| joined rows. Symmetrically MAX with `>`.
// This is the bundled "warnings precede rate limits" check, 3 s → tens of ms at 1M records.
import { clone, forEachSelectStmt, func, funcName, type PgNode } from '../ast';
import type { Pass } from '../pass';

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

export const extremumJoin: Pass = {
  name: 'MIN/MAX over an inequality LEFT JOIN',
  applies: (opts) => opts.optimize !== false,
  run: (stmt) => forEachSelectStmt(stmt, tryExtremumJoin),
};
