// CodeLens above each telemetry call: how often it fired in the configured range and when last,
// from the local store. Refreshed (workspace/codeLens/refresh) when the store changes.
import type { CodeLens, Connection } from 'vscode-languageserver';
import { effectiveTemplate } from '../lint/linter';
import { recordsForTemplateSql } from '../telemetry/views';
import type { LanguageServerState } from './state';
import type { TelemetryService } from './telemetry';

/** `telemetry` gives the telemetry service once it exists (no lenses before). */
export function registerCodeLens(connection: Connection, state: LanguageServerState, telemetry: () => TelemetryService | undefined): void {
  connection.onCodeLens(async (params): Promise<CodeLens[]> => {
    const doc = state.docs.get(params.textDocument.uri);
    const service = telemetry();
    if (!doc?.engine || !service) return [];
    const { settings } = await state.settings.get(doc.uri);
    if (!settings.codeLens) return [];
    const result = await state.currentResult(doc);
    if (!result || !doc.analyzed) return [];
    await service.loadCounts();
    const schema = state.schemaFor(doc.path);
    const lenses: CodeLens[] = [];
    const seenLines = new Set<number>();
    for (const a of doc.analyzed) {
      const call = a.call;
      if (call.kind === 'set-attribute') continue;
      const template = effectiveTemplate(call);
      const ev = a.eventId ? schema.events.find((e) => e.id === a.eventId) : undefined;
      if (template === undefined && !ev) continue;
      const line = call.range.start.line;
      if (seenLines.has(line)) continue;
      seenLines.add(line);
      const hit = (template !== undefined ? service.countForTemplate(template) : undefined) ?? (ev ? service.runtimeCountFor(ev) : undefined);
      const range = settings['health.timeRange'] || '24h';
      const title = hit ? `fired ${hit.count.toLocaleString('en-US')}× in ${range} · last ${hit.last}` : `not fired in ${range}`;
      const lensRange = { start: { line, character: call.range.start.character }, end: { line, character: call.range.start.character } };
      // Clicking opens the records behind the count (Run Query with the SQL), newest first.
      const key = template ?? ev?.template ?? ev?.name;
      const command = key !== undefined
        ? { title, command: 'telemetryLens.runQuery', arguments: [recordsForTemplateSql(key, range)], tooltip: 'Show these records' }
        : { title, command: '' };
      lenses.push({ range: lensRange, command });
    }
    return lenses;
  });
}
