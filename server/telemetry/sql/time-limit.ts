// A time limit for queries on the local store: a query that runs past it is interrupted (DuckDB's
// connection interrupt, through the query's abort signal) and fails with a message naming the limit
// and how to change it. Health-check SQL comes from the workspace's schema and editor queries can be
// anything, so without a limit `SELECT count(*) FROM range(1e12)` would keep a core busy until killed.

/** A query interrupted by its time limit. */
export class QueryTimeoutError extends Error {
  readonly kind = 'timeout';
  constructor(message: string) {
    super(message);
    this.name = 'QueryTimeoutError';
  }
}

/** Default limit of editor queries, health checks and the CLI's `query`/`check`, in seconds. */
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 30;

export interface QueryTimeLimit {
  /** Seconds a query may run; 0 (or less) = no limit. */
  seconds: number;
  /** How a user raises it, completing "… to allow more: <howToChange>". */
  howToChange: string;
}

/** The limit set by the editor setting. */
export function settingTimeLimit(seconds: number | undefined): QueryTimeLimit {
  return {
    seconds: typeof seconds === 'number' && Number.isFinite(seconds) ? seconds : DEFAULT_QUERY_TIMEOUT_SECONDS,
    howToChange: 'raise the setting telemetryLens.query.timeoutSeconds (0 = no limit)',
  };
}

/** The limit set by the CLI's `--timeout SECONDS`. */
export function cliTimeLimit(seconds: number | undefined): QueryTimeLimit {
  return { seconds: seconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS, howToChange: 'pass --timeout SECONDS (0 = no limit)' };
}

function secondsText(s: number): string {
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

/**
 * Runs `run` with a signal that aborts on the caller's signal or when the limit expires. A query
 * interrupted by the limit fails with a QueryTimeoutError (not as 'cancelled').
 */
export async function withTimeLimit<T>(limit: QueryTimeLimit | undefined, signal: AbortSignal | undefined, run: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!limit || !(limit.seconds > 0)) return run(signal);
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, limit.seconds * 1000);
  const onOuter = () => controller.abort();
  if (signal?.aborted) controller.abort();
  else signal?.addEventListener('abort', onOuter);
  try {
    return await run(controller.signal);
  } catch (e) {
    if (expired && !signal?.aborted) {
      throw new QueryTimeoutError(`Query stopped: it ran longer than the ${secondsText(limit.seconds)} time limit; to allow more, ${limit.howToChange}`);
    }
    throw e;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onOuter);
  }
}
