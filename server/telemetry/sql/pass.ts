// What every rewrite pass sees: the options of the query run and what earlier passes found.
import type { PgNode } from './ast';

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
   * read from the column instead (see passes/kept-columns.ts). Only for the local store.
   */
  attributeColumns?: ReadonlyMap<string, string>;
}

export interface PassContext {
  readonly opts: RewriteOptions;
  /** Names of the query's CTEs (lower case), collected by the read-only guard. */
  readonly cteNames: Set<string>;
  /** LIKE patterns on columns, collected by the dialect pass. */
  readonly likePatterns: LikePattern[];
}

/**
 * One rewrite of the parse tree. `run` may change the tree in place or return a new root. Each pass's file
 * states what it changes and why the result is the one Logfire (Postgres/DataFusion) would give.
 */
export interface Pass {
  readonly name: string;
  /** Whether the pass applies to this run (all passes apply when omitted). */
  applies?(opts: RewriteOptions): boolean;
  run(stmt: PgNode, ctx: PassContext): PgNode | void;
}
