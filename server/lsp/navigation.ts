// Go to definition from a telemetry call (or one of its attribute keywords) to its schema entry, and
// find references: from a schema event (cursor in the schema file) or from a call, to every call site
// of that event in the workspace.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Connection, Location } from 'vscode-languageserver';
import type { EventSpec, SchemaLocation } from '../schema/model';
import type { AnalyzedCall } from './lint-adapter';
import { matchCall } from './lint-adapter';
import { contains } from './hover';
import { eventAtSchemaPosition } from './schemaDocs';
import type { LanguageServerState } from './state';

export function schemaLocation(state: LanguageServerState, loc: SchemaLocation | undefined): Location | undefined {
  if (!loc || !path.isAbsolute(loc.file)) return undefined;
  const uri = state.docs.byPath(path.resolve(loc.file))?.uri ?? pathToFileURL(loc.file).toString();
  const p = { line: loc.line, character: loc.character };
  return { uri, range: { start: p, end: p } };
}

/** Where a call site is shown: its message argument when it has one, else the whole call. */
export function callSiteRange(c: AnalyzedCall): Location['range'] {
  return c.call.message?.range ?? c.call.range;
}

export function callSitesOf(state: LanguageServerState, eventId: string): Location[] {
  const out: Location[] = [];
  for (const c of state.allCalls()) if (c.call.eventId === eventId) out.push({ uri: c.uri, range: callSiteRange(c.call) });
  return out.sort((a, b) => a.uri.localeCompare(b.uri) || a.range.start.line - b.range.start.line);
}

export function registerNavigation(connection: Connection, state: LanguageServerState): void {
  connection.onDefinition(async (params): Promise<Location | null> => {
    const doc = state.docs.get(params.textDocument.uri);
    if (!doc?.engine) return null;
    await state.currentResult(doc);
    const call = doc.engine.callAt(params.position);
    if (!call) return null;
    const match = matchCall(call, state.schemaFor(doc.path));
    if (!match.event) return null;
    const attr = call.attributes.find((a) => contains(a.keyRange, params.position));
    const spec = attr ? match.event.attributes.find((a) => a.name === attr.key) : undefined;
    return schemaLocation(state, spec?.location ?? match.event.location) ?? null;
  });

  connection.onReferences(async (params): Promise<Location[] | null> => {
    const doc = state.docs.get(params.textDocument.uri);
    if (!doc) return null;
    let ev: EventSpec | undefined;
    const folder = doc.path ? state.schemaFolderOf(doc.path) : undefined;
    if (folder) {
      ev = eventAtSchemaPosition(folder.load.schema, doc.path, params.position.line);
    } else if (doc.engine) {
      await state.currentResult(doc);
      const call = doc.engine.callAt(params.position);
      if (call) ev = matchCall(call, state.schemaFor(doc.path)).event;
    }
    if (!ev) return null;
    // a workspace lint may still be running: wait for it so the answer is complete
    await state.workspaceLintDone();
    const sites = callSitesOf(state, ev.id);
    if (params.context.includeDeclaration) {
      const decl = schemaLocation(state, ev.location);
      if (decl) sites.unshift(decl);
    }
    return sites;
  });
}
