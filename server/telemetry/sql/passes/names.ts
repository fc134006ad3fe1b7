// Pass 2 — output column names. A select-list expression without `AS name` is named by the engine; DuckDB
// names it after its own rewritten text (`count_star()`, `json_extract_string(…)`), which is neither what
// Logfire returns nor what the user wrote. Logfire runs on DataFusion, which names an expression by its
// "schema name", and the JSON operators by datafusion-functions-json's alias `attributes ->> 'k'`
// (its ExprPlanner aliases `->`, `->>` and `?` so that default column titles read like the operator).
// This pass names every unnamed, non-column expression of the outermost select list (and of the first arm
// of a UNION/INTERSECT/EXCEPT, which names the result) from the expression as the user wrote it, before
// any other rewrite:
//   attributes->>'http.route'          → attributes ->> 'http.route'  (nested: attributes -> 'a' ->> 'b')
//   count(*), count()                  → count(*)
//   max(duration) FROM records         → max(records.duration)        (columns qualified by their relation)
//   duration * 1000                    → records.duration * Int64(1000)
//   CAST(x AS int), x::int             → the name of x
//   CASE, IS NULL, AND/OR/NOT, literals→ DataFusion's display (`Utf8("x")`, `Float64(0.5)`, `Boolean(true)`)
// Anything else is named after its SQL text as written. Plain column references keep their own name
// (DuckDB and DataFusion agree). Naming never changes a result's values, only its column titles; inner
// SELECTs are left alone because outer queries may refer to their columns by DuckDB's names today.
import { constString, funcName, nodeType, opName, type PgNode } from '../ast';
import { deparsePg } from '../pg';
import type { Pass } from '../pass';

interface Scope {
  /** Qualifier of unqualified columns: the only relation in FROM, when there is exactly one. */
  relation?: string;
}

function literal(c: PgNode): string | undefined {
  if (c.isnull) return 'NULL';
  if (c.sval) return `Utf8("${c.sval.sval ?? ''}")`;
  if (c.ival) return `Int64(${c.ival.ival ?? 0})`;
  if (c.fval) return `Float64(${c.fval.fval})`;
  if (c.boolval) return `Boolean(${c.boolval.boolval ? 'true' : 'false'})`;
  return undefined;
}

/** datafusion-functions-json's operand text: bare column name, nested operator alias, 'string', number. */
function jsonOperand(n: PgNode): string | undefined {
  if (n.ColumnRef) {
    const f = n.ColumnRef.fields as PgNode[];
    return f[f.length - 1]?.String?.sval;
  }
  if (n.A_Const) {
    const s = constString(n);
    if (s !== undefined) return `'${s}'`;
    if (n.A_Const.ival) return String(n.A_Const.ival.ival ?? 0);
  }
  if (n.TypeCast) return jsonOperand(n.TypeCast.arg);
  if (n.A_Expr && ['->', '->>', '?'].includes(opName(n.A_Expr) ?? '')) return schemaName(n, {});
  return undefined;
}

const BOOL_OPS: Record<string, string> = { AND_EXPR: 'AND', OR_EXPR: 'OR' };

/** The DataFusion-style name of an expression, or undefined when there is no faithful rendering. */
function schemaName(n: PgNode, scope: Scope): string | undefined {
  const type = nodeType(n);
  const body = type ? n[type] : undefined;
  switch (type) {
    case 'ColumnRef': {
      const f = (body.fields as PgNode[]).map((x) => x.String?.sval);
      if (f.some((x) => typeof x !== 'string')) return undefined;
      return f.length === 1 && scope.relation ? `${scope.relation}.${f[0]}` : f.join('.');
    }
    case 'A_Const':
      return literal(body);
    case 'TypeCast':
      return schemaName(body.arg, scope);
    case 'A_Expr': {
      const op = opName(body);
      if (body.kind === 'AEXPR_OP' && body.lexpr && (op === '->' || op === '->>' || op === '?')) {
        const l = jsonOperand(body.lexpr);
        const r = jsonOperand(body.rexpr);
        return l !== undefined && r !== undefined ? `${l} ${op} ${r}` : undefined;
      }
      if (body.kind !== 'AEXPR_OP' || !body.lexpr || !op) return undefined;
      const l = schemaName(body.lexpr, scope);
      const r = schemaName(body.rexpr, scope);
      return l !== undefined && r !== undefined ? `${l} ${op} ${r}` : undefined;
    }
    case 'BoolExpr': {
      const args = (body.args as PgNode[]).map((a) => schemaName(a, scope));
      if (args.some((a) => a === undefined)) return undefined;
      return body.boolop === 'NOT_EXPR' ? `NOT ${args[0]}` : args.join(` ${BOOL_OPS[body.boolop]} `);
    }
    case 'NullTest': {
      const a = schemaName(body.arg, scope);
      return a === undefined ? undefined : `${a} IS ${body.nulltesttype === 'IS_NOT_NULL' ? 'NOT ' : ''}NULL`;
    }
    case 'CaseExpr': {
      const parts: string[] = ['CASE'];
      if (body.arg) {
        const a = schemaName(body.arg, scope);
        if (a === undefined) return undefined;
        parts.push(a);
      }
      for (const w of body.args as PgNode[]) {
        const c = schemaName(w.CaseWhen.expr, scope);
        const r = schemaName(w.CaseWhen.result, scope);
        if (c === undefined || r === undefined) return undefined;
        parts.push(`WHEN ${c} THEN ${r}`);
      }
      if (body.defresult) {
        const d = schemaName(body.defresult, scope);
        if (d === undefined) return undefined;
        parts.push(`ELSE ${d}`);
      }
      parts.push('END');
      return parts.join(' ');
    }
    case 'FuncCall': {
      if (body.over || body.agg_order || body.agg_filter || body.func_variadic) return undefined;
      const name = funcName(body);
      if (body.agg_star || (name === 'count' && !(body.args ?? []).length)) return `${name}(*)`;
      const args = ((body.args ?? []) as PgNode[]).map((a) => schemaName(a, scope));
      if (args.some((a) => a === undefined)) return undefined;
      return `${name}(${body.agg_distinct ? 'DISTINCT ' : ''}${args.join(',')})`;
    }
    default:
      return undefined;
  }
}

/** SQL text of an expression as the user wrote it (one line), for expressions without a DataFusion rendering. */
function sqlText(n: PgNode): string {
  try {
    const stmt = deparsePg({ SelectStmt: { targetList: [{ ResTarget: { val: n } }], limitOption: 'LIMIT_OPTION_DEFAULT', op: 'SETOP_NONE' } });
    return stmt.replace(/^SELECT\s+/i, '').replace(/\s+/g, ' ').trim();
  } catch {
    return '?column?';
  }
}

function nameSelect(sel: PgNode): void {
  if (sel.op && sel.op !== 'SETOP_NONE') {
    if (sel.larg) nameSelect(sel.larg);
    return;
  }
  const from = (sel.fromClause ?? []) as PgNode[];
  const rv = from.length === 1 ? from[0].RangeVar : undefined;
  const scope: Scope = { relation: rv ? String(rv.alias?.aliasname ?? rv.relname) : undefined };
  for (const t of (sel.targetList ?? []) as PgNode[]) {
    const rt = t.ResTarget;
    if (!rt || rt.name || !rt.val || rt.val.ColumnRef) continue;
    rt.name = schemaName(rt.val, scope) ?? sqlText(rt.val);
  }
}

export const outputNames: Pass = {
  name: 'output column names',
  run(stmt) {
    if (stmt.SelectStmt) nameSelect(stmt.SelectStmt);
  },
};
