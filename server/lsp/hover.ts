// Hover on a telemetry call: the matched schema event (level, attributes, allowed values, health
// checks that query it); on an attribute keyword: that attribute; on an unknown event: near misses.
// In the schema file, hovering an event shows how many call sites emit it.
import { MarkupKind, type Connection, type Hover } from 'vscode-languageserver';
import type { Position, Range } from '../model/positions';
import { attributeLayers } from '../schema/semconv';
import { findInLayers, layerAttributeMarkdown } from './attributeLayers';
import { lintSettings, matchCall } from './lint-adapter';
import { attributeMarkdown, eventAtSchemaPosition, eventMarkdown } from './schemaDocs';
import type { LanguageServerState } from './state';

export function contains(r: Range, p: Position): boolean {
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character);
  return afterStart && beforeEnd;
}

export function registerHover(connection: Connection, state: LanguageServerState): void {
  connection.onHover(async (params): Promise<Hover | null> => {
    const doc = state.docs.get(params.textDocument.uri);
    if (!doc) return null;
    const pos = params.position;

    const schemaFolder = doc.path ? state.schemaFolderOf(doc.path) : undefined;
    if (schemaFolder) {
      const ev = eventAtSchemaPosition(schemaFolder.load.schema, doc.path, pos.line);
      if (!ev || ev.location?.line !== pos.line) return null;
      let sites = 0;
      for (const c of state.allCalls()) if (c.call.eventId === ev.id) sites++;
      const runtime = state.telemetry?.runtimeCountFor(ev);
      const parts = [`**${ev.template ?? ev.name ?? ev.id}**`, '', `${sites} call site${sites === 1 ? '' : 's'} in the workspace`];
      if (runtime) parts.push('', `Seen at runtime: ${runtime.count}× (last ${runtime.last})`);
      return { contents: { kind: MarkupKind.Markdown, value: parts.join('\n') } };
    }

    if (!doc.engine || !doc.language) return null;
    await state.currentResult(doc);
    const call = doc.engine.callAt(pos);
    if (!call) return null;
    const schema = state.schemaFor(doc.path);
    const match = matchCall(call, schema);
    const attr = call.attributes.find((a) => contains(a.keyRange, pos));
    // A dotted key the matched event does not declare: the registries' / semantic conventions' entry.
    if (attr && attr.key.includes('.') && !match.event?.attributes.some((a) => a.name === attr.key)) {
      const { settings } = await state.settings.get(doc.uri);
      const hit = findInLayers(attributeLayers(schema, lintSettings(settings).semconv), attr.key);
      if (hit) return { range: attr.keyRange, contents: { kind: MarkupKind.Markdown, value: layerAttributeMarkdown(attr.key, hit.spec, hit.layer) } };
    }
    if (match.event) {
      if (attr) {
        const spec = match.event.attributes.find((a) => a.name === attr.key);
        if (spec) return { range: attr.keyRange, contents: { kind: MarkupKind.Markdown, value: attributeMarkdown(spec, match.event) } };
        return {
          range: attr.keyRange,
          contents: { kind: MarkupKind.Markdown, value: `\`${attr.key}\` is not declared for this event in the schema` },
        };
      }
      const value = eventMarkdown(match.event, schema);
      const lens = state.telemetry?.runtimeCountFor(match.event);
      const runtime = lens ? `\n\nSeen at runtime: ${lens.count}× in ${lens.range} (last ${lens.last})` : '';
      return { range: call.message?.range ?? call.calleeRange, contents: { kind: MarkupKind.Markdown, value: value + runtime } };
    }
    if (call.message?.kind === 'string' || call.message?.kind === 'fstring') {
      const lines = ['**Not in the schema**'];
      if (match.candidates.length) {
        lines.push('', 'Did you mean:');
        for (const c of match.candidates) lines.push(`- \`${c.event.template ?? c.event.name ?? c.event.id}\` (${Math.round(c.score * 100)}% similar)`);
      }
      return { range: call.message.range, contents: { kind: MarkupKind.Markdown, value: lines.join('\n') } };
    }
    return null;
  });
}
