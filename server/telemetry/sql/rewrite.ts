// Logfire SQL (Postgres grammar, DataFusion semantics) → DuckDB SQL, done on the parse tree by the passes
// listed in passes/index.ts, one file each.
import type { PgNode } from './ast';
import type { LikePattern, PassContext, RewriteOptions } from './pass';
import { PASSES } from './passes';

export { SqlRewriteError } from './ast';
export type { LikePattern, RewriteOptions } from './pass';
export { LEVEL_BY_NAME } from './passes/operators';

export interface RewriteResult {
  stmt: PgNode;
  likePatterns: LikePattern[];
}

/**
 * Validates (read-only) and rewrites one parsed statement (`stmts[].stmt`) by running every pass that
 * applies, in order. Throws SqlRewriteError. `passes` replaces the list (tests run one pass at a time).
 */
export function rewriteStatement(stmt: PgNode, opts: RewriteOptions = {}, passes = PASSES): RewriteResult {
  const ctx: PassContext = { opts, cteNames: new Set(), likePatterns: [] };
  // The passes change the tree in place: work on a copy of the caller's.
  let out = JSON.parse(JSON.stringify(stmt)) as PgNode;
  for (const pass of passes) {
    if (pass.applies && !pass.applies(opts)) continue;
    out = pass.run(out, ctx) ?? out;
  }
  return { stmt: out, likePatterns: ctx.likePatterns };
}
