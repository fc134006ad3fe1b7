// Custom requests of protocol/protocol.ts (telemetryLens/*): workspace lint, schema info and
// drafting, health checks, queries, the receiver, demo data, agent runs and the Events view.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import { ResponseError, ErrorCodes, LSPErrorCodes } from 'vscode-languageserver';
import {
  ClearLocalData,
  DraftSchema,
  FindCallSites,
  ExportRecords,
  GenerateDemoData,
  GetChartData,
  ImportRecords,
  GetReceiverStatus,
  GetTrace,
  LintWorkspace,
  ListEvents,
  ListRuns,
  CompareRuns,
  ListTraces,
  PrepareRun,
  EndRun,
  RunHealthChecks,
  RunQuery,
  SavedQueries,
  SchemaInfo,
  WorkspaceTrustChanged,
  StartReceiver,
  StopReceiver,
  ValidateToken,
  type EventSummary,
} from '../../protocol/protocol';
import { draftSchema } from '../lint/schema-draft';
import type { TelemetryCall } from '../model/calls';
import { BUNDLED_SOURCE, bundledSchema, loadSchemaFromText } from '../schema/loader';
import { callSitesOf } from './navigation';
import type { LanguageServerState } from './state';
import { errorText } from '../errors';
import type { TelemetryService } from './telemetry';

/** An AbortSignal that fires when the client cancels the request. */
export function abortSignal(token: CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

function failure(e: unknown, token?: CancellationToken): ResponseError<void> {
  if (token?.isCancellationRequested) return new ResponseError(LSPErrorCodes.RequestCancelled, 'cancelled');
  return new ResponseError(ErrorCodes.InternalError, errorText(e));
}

/** `telemetryReady` settles when main.ts has created the telemetry service (after `initialized`). */
export function registerCustomRequests(connection: Connection, state: LanguageServerState, telemetryReady: Promise<TelemetryService>): void {
  const telemetry = (): Promise<TelemetryService> => telemetryReady;
  const guard =
    <P, R>(fn: (p: P, token: CancellationToken) => Promise<R>) =>
    async (p: P, token: CancellationToken): Promise<R | ResponseError<void>> => {
      try {
        return await fn(p, token);
      } catch (e) {
        return failure(e, token);
      }
    };
  const guard0 =
    <R>(fn: (token: CancellationToken) => Promise<R>) =>
    async (token: CancellationToken): Promise<R | ResponseError<void>> => {
      try {
        return await fn(token);
      } catch (e) {
        return failure(e, token);
      }
    };

  connection.onRequest(LintWorkspace, guard0(async () => state.lintWorkspace()));

  connection.onRequest(
    SchemaInfo,
    guard0(async () => {
      const f = state.primaryFolder();
      const load = f?.load;
      const source = load?.schema.source ?? BUNDLED_SOURCE;
      return { source, bundled: source === BUNDLED_SOURCE, events: load?.schema.events.length ?? 0, errors: load?.errors.length ?? 0 };
    }),
  );

  connection.onRequest(
    DraftSchema,
    guard0(async () => {
      await state.workspaceLintDone();
      const root = state.primaryFolder()?.path ?? process.cwd();
      const byFile = new Map<string, TelemetryCall[]>();
      for (const c of state.allCalls()) {
        const list = byFile.get(c.path) ?? [];
        list.push(c.call.call);
        byFile.set(c.path, list);
      }
      const suggestedPath = path.join(root, 'telemetry.schema.yaml');
      const text = draftSchema([...byFile].map(([file, calls]) => ({ file, calls })), root).yaml;
      const events = loadSchemaFromText(text, suggestedPath).schema.events.length;
      return { text, suggestedPath, events };
    }),
  );

  connection.onRequest(
    SavedQueries,
    // Untrusted workspace: only the bundled saved queries are offered, not SQL from the workspace schema.
    guard0(async () =>
      (state.workspaceTrusted ? state.schemaFor(state.primaryFolder()?.path ?? '') : bundledSchema()).queries.map((q) => ({
        name: q.name,
        sql: q.sql,
        ...(q.description ? { description: q.description } : {}),
      })),
    ),
  );

  connection.onRequest(RunHealthChecks, guard(async (p, token) => (await telemetry()).health(p, abortSignal(token))));
  connection.onRequest(RunQuery, guard(async (p, token) => (await telemetry()).query(p, abortSignal(token))));
  connection.onRequest(ValidateToken, guard(async (p) => (await telemetry()).validateToken(p)));
  connection.onNotification(WorkspaceTrustChanged, (p) => {
    state.workspaceTrusted = p.trusted === true;
    state.log(`workspace ${state.workspaceTrusted ? 'trusted' : 'not trusted (Restricted Mode)'}`);
    // The client now answers restricted settings (backend, store path…) with the workspace's values.
    state.configurationChanged(null);
  });
  connection.onRequest(StartReceiver, guard0(async () => (await telemetry()).startReceiver()));
  connection.onRequest(StopReceiver, guard0(async () => (await telemetry()).stopReceiver()));
  connection.onRequest(GetReceiverStatus, guard0(async () => (await telemetry()).status()));
  connection.onRequest(ClearLocalData, guard0(async () => (await telemetry()).clear()));
  connection.onRequest(GenerateDemoData, guard(async (p) => (await telemetry()).demo(p?.records)));
  connection.onRequest(ImportRecords, guard(async (p) => (await telemetry()).importFiles(p.files)));
  connection.onRequest(ExportRecords, guard(async (p) => (await telemetry()).exportFile(p)));
  connection.onRequest(PrepareRun, guard(async (p) => (await telemetry()).prepareRun(p)));
  connection.onRequest(EndRun, guard(async (p) => (await telemetry()).endRun(p)));

  connection.onRequest(ListRuns, guard0(async () => (await telemetry()).listRuns()));
  connection.onRequest(ListTraces, guard(async (p) => (await telemetry()).listTraces(p.runId)));
  connection.onRequest(CompareRuns, guard(async (p) => (await telemetry()).compareRuns(p.runA, p.runB)));
  connection.onRequest(GetTrace, guard(async (p) => (await telemetry()).getTrace(p.traceId)));
  connection.onRequest(GetChartData, guard(async (p) => (await telemetry()).chartData(p)));

  connection.onRequest(
    ListEvents,
    guard0(async () => {
      const t = await telemetry();
      await t.loadCounts();
      const schema = state.schemaFor(state.primaryFolder()?.path ?? '');
      const sites = new Map<string, number>();
      for (const c of state.allCalls()) if (c.call.eventId) sites.set(c.call.eventId, (sites.get(c.call.eventId) ?? 0) + 1);
      return schema.events.map((ev): EventSummary => {
        const rt = t.runtimeCountFor(ev);
        const out: EventSummary = { id: ev.id, callSites: sites.get(ev.id) ?? 0, runtimeCount: rt?.count ?? 0 };
        if (ev.template) out.template = ev.template;
        if (ev.name) out.name = ev.name;
        if (ev.level) out.level = ev.level;
        if (rt) out.lastSeen = rt.last;
        if (ev.location && ev.location.file !== BUNDLED_SOURCE) out.location = { uri: pathToFileURL(ev.location.file).toString(), line: ev.location.line, character: ev.location.character };
        return out;
      });
    }),
  );

  connection.onRequest(
    FindCallSites,
    guard(async (p) => {
      await state.workspaceLintDone();
      return callSitesOf(state, p.eventId);
    }),
  );
}
