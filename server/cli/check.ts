// `telemetry-lens check`: the schema's health checks on the local store or Logfire (exit 1 on any
// failure), or with --conformance the received records against the schema (Weaver live-check report).
import fs from 'node:fs';
import type { HealthReport } from '../../protocol/protocol';
import { localBackend, parseTimeRange } from '../telemetry/sql/index';
import { DEFAULT_QUERY_TIMEOUT_SECONDS } from '../telemetry/sql/time-limit';
import { reportEmpty, reportFailed, runHealthChecks } from '../telemetry/health';
import { UsageError, type Command } from './command';
import { guarded, parse, timeoutOption } from './options';
import { cliSchema, defaultDbPath, openExisting, remoteBackendFromEnv } from './store-common';

export function formatReport(rep: HealthReport): string {
  const lines: string[] = [];
  const tag: Record<string, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', error: 'ERROR', 'no-data': 'NO DATA' };
  const indent = ' '.repeat(9);
  for (const c of rep.checks) {
    lines.push(`${(tag[c.verdict] ?? c.verdict.toUpperCase()).padEnd(7)}  ${c.name}${c.figure ? ` — ${c.figure}` : ''}`);
    if (c.error) lines.push(`${indent}${c.error}`);
    if (c.deadPattern) lines.push(`${indent}dead pattern: ${c.deadPattern}`);
  }
  const n = (v: string) => rep.checks.filter((c) => c.verdict === v).length;
  lines.push('');
  lines.push(
    `${rep.checks.length} checks: ${n('pass')} pass, ${n('warn')} warn, ${n('fail')} fail, ${n('error')} error, ${n('no-data')} no data (${rep.backend}, last ${rep.timeRange})`,
  );
  return lines.join('\n');
}

export const CHECK_HELP = `usage: telemetry-lens check [--db FILE] [--schema FILE|DIR] [--format text|json] [--range RANGE] [--timeout SECONDS] [--allow-empty] [--remote]
       telemetry-lens check --conformance [--db FILE] [--schema FILE|DIR] [--format text|json] [--range RANGE]
                            [--no-semconv] [--semconv-release X.Y.Z] [--output FILE]

Runs the schema's health checks (the bundled Code Puppy checks by default) on the local store or, with
--remote, on Logfire (LOGFIRE_READ_TOKEN). --range is the window the checks see (default 24h).
--timeout stops a check's query that runs longer (each check; default ${DEFAULT_QUERY_TIMEOUT_SECONDS} s, 0 = no limit).
A check whose query saw no records in the range says "no data" (it is not a pass).
Exit status 1 when any check fails or cannot run, or when no check saw any data (an empty store or a
range without records); --allow-empty accepts the latter.

--conformance checks the received records of the local store instead: their attributes against the
schema, its Weaver registries and the built-in OpenTelemetry semantic conventions. --format json writes
a report shaped like Weaver's \`registry live-check --format json\` (samples with live_check_result, and
statistics); \`telemetry-lens live-check\` is the same with --format json. Exit status 1 on any violation.`;

const command: Command = {
  name: 'check',
  usage: CHECK_HELP,
  summary: "run the schema's health checks (exit 1 on any failure)",
  run: (argv) =>
    guarded(async () => {
      const a = parse(
        argv,
        {
          db: { type: 'string' },
          schema: { type: 'string' },
          format: { type: 'string' },
          range: { type: 'string' },
          timeout: { type: 'string' },
          'allow-empty': { type: 'boolean' },
          remote: { type: 'boolean' },
          conformance: { type: 'boolean' },
          'no-semconv': { type: 'boolean' },
          'semconv-release': { type: 'string' },
          output: { type: 'string' },
        },
        CHECK_HELP,
      );
      if (!a) return 0;
      const format = a.values.format ?? 'text';
      if (!['text', 'json'].includes(format)) throw new UsageError(`--format must be text or json, got '${format}'`);
      const range = a.values.range ?? '24h';
      const timeLimit = timeoutOption(a.values.timeout);
      try {
        parseTimeRange(range);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const schema = await cliSchema(a.values.schema, 'checked');
      if (a.values.conformance) {
        if (a.values.remote) throw new UsageError('--conformance reads the local store; it does not go with --remote');
        const { liveCheckReport, recordsSince, formatLiveCheck, hasViolation } = await import('../telemetry/livecheck');
        const { SEMCONV_RELEASES } = await import('../schema/semconv');
        const release = a.values['semconv-release'];
        if (release !== undefined && !(SEMCONV_RELEASES as readonly string[]).includes(release)) throw new UsageError(`--semconv-release: unknown release '${release}' (built in: ${SEMCONV_RELEASES.join(', ')})`);
        const store = await openExisting(a.values.db ?? defaultDbPath());
        let rep;
        try {
          const records = await recordsSince(store, parseTimeRange(range).min.getTime() * 1000);
          rep = liveCheckReport(records, schema, { enabled: !a.values['no-semconv'], ...(release ? { release } : {}) });
        } finally {
          await store.close();
        }
        const text = format === 'json' ? JSON.stringify(rep, null, 2) + '\n' : formatLiveCheck(rep) + '\n';
        if (a.values.output) fs.writeFileSync(a.values.output, text);
        else process.stdout.write(text);
        return hasViolation(rep) ? 1 : 0;
      }
      if (schema.health.length === 0) throw new UsageError('the schema declares no health checks');
      let report: HealthReport;
      if (a.values.remote) {
        report = await runHealthChecks(schema, remoteBackendFromEnv(), { timeRange: range, includeRows: format === 'json' });
      } else {
        const store = await openExisting(a.values.db ?? defaultDbPath());
        try {
          report = await runHealthChecks(schema, localBackend(store), { timeRange: range, includeRows: format === 'json', timeLimit });
        } finally {
          await store.close();
        }
      }
      process.stdout.write((format === 'json' ? JSON.stringify(report, null, 2) : formatReport(report)) + '\n');
      if (reportFailed(report)) return 1;
      if (reportEmpty(report) && !a.values['allow-empty']) {
        process.stderr.write(`telemetry-lens: no check saw any data in the last ${range} (is the store empty, or the range too short?); pass --allow-empty to accept that\n`);
        return 1;
      }
      return 0;
    }),
};

export default command;
