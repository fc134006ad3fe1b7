// Retention (by age and by size) and the `runs` table, on the store's write connection. Callers hold
// the store's write serialisation.
import type { DuckDBConnection } from '@duckdb/node-api';
import { parseSize } from './sqltext';
import type { RetentionOptions, RetentionResult } from './types';

/** Used bytes of the database (blocks in use × block size; WAL included for file databases). */
export async function usedBytes(w: DuckDBConnection): Promise<number> {
  const reader = await w.runAndReadAll(`SELECT block_size, used_blocks, wal_size FROM pragma_database_size()`);
  const [bs, used, wal] = reader.getRows()[0];
  return Number(bs) * Number(used) + parseSize(String(wal));
}

/** Deletes records older than maxAgeDays, then the oldest records until the size cap holds. */
export async function enforceRetention(w: DuckDBConnection, retention: RetentionOptions): Promise<RetentionResult> {
  const out: RetentionResult = { deletedByAge: 0, deletedBySize: 0 };
  const { maxAgeDays, maxSizeMb } = retention;
  if (maxAgeDays && maxAgeDays > 0) {
    const cutoff = `now() - INTERVAL ${Math.round(maxAgeDays * 86400)} SECOND`;
    const d = await w.run(`DELETE FROM records_all WHERE start_timestamp < ${cutoff}`);
    out.deletedByAge = d.rowsChanged;
    await w.run(`DELETE FROM metrics_points WHERE recorded_timestamp < ${cutoff}`);
    await w.run(`DELETE FROM span_violations WHERE seen_at < ${cutoff}`);
    await w.run(`DELETE FROM conformance_violations WHERE last_seen < ${cutoff}`);
  }
  if (maxSizeMb && maxSizeMb > 0) {
    const cap = maxSizeMb * 1024 * 1024;
    for (let round = 0; round < 8; round++) {
      await w.run('CHECKPOINT');
      const size = await usedBytes(w);
      if (size <= cap) break;
      const total = Number((await w.runAndReadAll(`SELECT count(*) FROM records_all`)).getRows()[0][0]);
      if (total === 0) break;
      // Delete the oldest share that brings the size under 90% of the cap (at least 5%).
      const frac = Math.min(1, Math.max(0.05, 1 - (cap * 0.9) / size));
      const cutoffRows = await w.runAndReadAll(`SELECT epoch_us(quantile_disc(start_timestamp, ${frac})) FROM records_all`);
      const cutoffUs = Number(cutoffRows.getRows()[0][0]);
      const d = await w.run(`DELETE FROM records_all WHERE start_timestamp <= make_timestamp(${cutoffUs})::TIMESTAMPTZ`);
      await w.run(`DELETE FROM metrics_points WHERE recorded_timestamp <= make_timestamp(${cutoffUs})::TIMESTAMPTZ`);
      await w.run(`DELETE FROM span_violations WHERE seen_at <= make_timestamp(${cutoffUs})::TIMESTAMPTZ`);
      out.deletedBySize += d.rowsChanged;
      await w.run('CHECKPOINT');
      if ((await usedBytes(w)) > cap) await compactRecords(w);
    }
  }
  return out;
}

/**
 * DuckDB frees storage only for fully deleted row groups; after deleting a share of a small or
 * interleaved table the blocks stay in use. Rewriting the table's rows releases them.
 */
async function compactRecords(w: DuckDBConnection): Promise<void> {
  await w.run('BEGIN TRANSACTION');
  try {
    await w.run(`CREATE TEMP TABLE _keep AS SELECT * FROM records_all ORDER BY start_timestamp`);
    await w.run(`DELETE FROM records_all`);
    await w.run(`INSERT INTO records_all SELECT * FROM _keep`);
    await w.run(`DROP TABLE _keep`);
    await w.run('COMMIT');
  } catch (e) {
    await w.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
  await w.run('CHECKPOINT');
}

/** Deletes every record, metric, run and violation (the schema stays). */
export async function deleteAll(w: DuckDBConnection): Promise<void> {
  await w.run('BEGIN TRANSACTION');
  try {
    for (const t of ['records_all', 'metrics_points', 'runs', 'conformance_violations', 'span_violations']) await w.run(`DELETE FROM ${t}`);
    await w.run('COMMIT');
  } catch (e) {
    await w.run('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** Registers (or relabels) an editor-launched run. */
export async function startRun(w: DuckDBConnection, run: { runId: string; label?: string; command?: string; startedAt?: Date }): Promise<void> {
  const started = (run.startedAt ?? new Date()).getTime() * 1000;
  await w.run(
    `INSERT INTO runs (run_id, label, command, started_at) VALUES ($1, $2, $3, make_timestamp($4::BIGINT)::TIMESTAMPTZ)
     ON CONFLICT (run_id) DO UPDATE SET label = excluded.label, command = excluded.command, started_at = excluded.started_at`,
    [run.runId, run.label ?? run.runId, run.command ?? null, started],
  );
}

export async function endRun(w: DuckDBConnection, runId: string, endedAt: Date): Promise<void> {
  await w.run(`UPDATE runs SET ended_at = make_timestamp($2::BIGINT)::TIMESTAMPTZ WHERE run_id = $1`, [runId, endedAt.getTime() * 1000]);
}

/** The runs, newest first (a read). */
export const LIST_RUNS_SQL = `SELECT run_id, label, command, CAST(started_at AS VARCHAR) AS started_at, CAST(ended_at AS VARCHAR) AS ended_at FROM runs ORDER BY started_at DESC NULLS LAST`;
