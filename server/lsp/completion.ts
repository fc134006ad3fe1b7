// Completion inside telemetry calls: event templates/names for the message argument (inserting the
// template plus the event's attributes as snippet placeholders), attribute keywords of the matched
// event that are not present yet, and allowed values inside an attribute value.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Connection,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from '../model/positions';
import type { SourceLanguage, TelemetryCall } from '../model/calls';
import type { AttributeLookup, AttributeSpec, EventSpec, Schema } from '../schema/model';
import { attributeLayers } from '../schema/semconv';
import { dottedKeyCompletions } from './attributeLayers';
import { lintSettings } from './lint-adapter';
import { templateFieldNames } from '../schema/template';
import { matchCall } from './lint-adapter';
import { contains } from './hover';
import { attributeConstraint, attributeMarkdown, attributeType, eventMarkdown } from './schemaDocs';
import type { LanguageServerState } from './state';

const LOG_METHODS =
  /^(trace|debug|info|notice|warn|warning|error|fatal|exception|critical|success|msg|log|span|instrument|startSpan|startPendingSpan|startActiveSpan|start_span|start_as_current_span|reportError|add_event|addEvent)$/;

function snippetEscape(s: string): string {
  return s.replace(/[$}\\]/g, '\\$&');
}

function quoteEscape(s: string, quote: string): string {
  return s.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`);
}

function eventLabel(ev: EventSpec): string {
  return ev.template ?? ev.name ?? ev.id;
}

/** Attributes a new call should spell out: template fields first, then the other required ones. */
function attributesToInsert(ev: EventSpec): string[] {
  const out: string[] = [];
  for (const f of ev.template ? templateFieldNames(ev.template) : []) {
    const root = f.split(/[.[]/)[0];
    if (!out.includes(root)) out.push(root);
  }
  for (const a of ev.attributes) if (a.required && !out.includes(a.name)) out.push(a.name);
  return out;
}

function attributesSnippet(names: string[], language: SourceLanguage): string {
  if (!names.length) return '';
  if (language === 'python') return `, ${names.map((n, i) => `${n}=\${${i + 1}:${n}}`).join(', ')}`;
  return `, { ${names.map((n, i) => `${n}: \${${i + 1}:${n}}`).join(', ')} }`;
}

function eventItems(schema: Schema, language: SourceLanguage, quote: string, replace: Range, withAttributes: boolean, contentOnly: boolean): CompletionItem[] {
  return schema.events.map((ev, i) => {
    const label = eventLabel(ev);
    const body = snippetEscape(quoteEscape(label, quote));
    const newText = contentOnly ? body : `${quote}${body}${quote}${withAttributes ? attributesSnippet(attributesToInsert(ev), language) : ''}`;
    return {
      label,
      kind: CompletionItemKind.Event,
      detail: [ev.level, ev.kind, ev.name && ev.template ? ev.name : undefined].filter(Boolean).join(' · ') || 'event',
      documentation: { kind: MarkupKind.Markdown, value: eventMarkdown(ev, schema) },
      filterText: contentOnly ? label : `${quote}${label}`,
      sortText: String(i).padStart(4, '0'),
      insertTextFormat: InsertTextFormat.Snippet,
      textEdit: { range: replace, newText },
      ...(ev.deprecated ? { tags: [1] } : {}),
    } satisfies CompletionItem;
  });
}

function attributeItems(ev: EventSpec, present: Set<string>, language: SourceLanguage, wrapInObject: boolean): CompletionItem[] {
  return ev.attributes
    .filter((a) => !present.has(a.name))
    .sort((a, b) => Number(b.required) - Number(a.required))
    .map((a, i) => {
      const insert =
        language === 'python' ? `${a.name}=\${1}` : wrapInObject ? `{ ${a.name}: \${1} }` : `${a.name}: \${1}`;
      return {
        label: a.name,
        kind: CompletionItemKind.Field,
        detail: `${attributeType(a)}${a.required ? ' · required' : ''}${attributeConstraint(a) ? ` · ${attributeConstraint(a)}` : ''}`,
        documentation: { kind: MarkupKind.Markdown, value: attributeMarkdown(a, ev) },
        sortText: `${a.required ? 0 : 1}${String(i).padStart(3, '0')}`,
        insertText: insert,
        insertTextFormat: InsertTextFormat.Snippet,
        ...(a.deprecated ? { tags: [1] } : {}),
      } satisfies CompletionItem;
    });
}

function valueItems(spec: AttributeSpec, replace: Range, quote: string | undefined): CompletionItem[] {
  return (spec.allowed ?? []).map((v, i) => {
    const text = typeof v === 'string' ? (quote !== undefined ? quoteEscape(v, quote) : `"${quoteEscape(v, '"')}"`) : String(v);
    return {
      label: String(v),
      kind: CompletionItemKind.EnumMember,
      detail: `${spec.name}${spec.open ? ' (example value)' : ''}`,
      sortText: String(i).padStart(4, '0'),
      textEdit: { range: replace, newText: text },
      filterText: quote === undefined && typeof v === 'string' ? `"${v}` : String(v),
    } satisfies CompletionItem;
  });
}

function lineBefore(text: TextDocument, pos: Position): string {
  return text.getText({ start: { line: pos.line, character: 0 }, end: pos });
}

function isInside(r: Range, p: Position): boolean {
  // strictly after the start (inside the opening quote) and not after the end
  const afterStart = p.line > r.start.line || (p.line === r.start.line && p.character > r.start.character);
  const beforeEnd = p.line < r.end.line || (p.line === r.end.line && p.character < r.end.character);
  return afterStart && beforeEnd;
}

export function complete(
  text: TextDocument,
  language: SourceLanguage,
  call: TelemetryCall | undefined,
  schema: Schema,
  pos: Position,
  layers: readonly AttributeLookup[] = [],
): CompletionItem[] {
  const before = lineBefore(text, pos);
  const offset = text.offsetAt(pos);

  // 0) a dotted attribute key being typed: keys of the registries and the semantic conventions
  const after = text.getText({ start: pos, end: { line: pos.line + 1, character: 0 } });
  const keys = dottedKeyCompletions(before, pos, after, layers);
  if (keys) return keys.items;

  if (call) {
    const m = call.message;
    // 1) inside the message string
    if (m && (m.kind === 'string' || m.kind === 'fstring') && isInside(m.range, pos)) {
      const quote = /^[a-zA-Z]*(["'`])/.exec(m.text)?.[1] ?? '"';
      const prefix = /^[a-zA-Z]*/.exec(m.text)?.[0] ?? '';
      if (prefix.includes('f') || prefix.includes('F') || m.kind === 'fstring') return [];
      // only a call whose message is its last argument gets the attributes inserted
      const rest = text.getText().slice(text.offsetAt(m.range.end), text.offsetAt(call.range.end));
      const hasAttributes = call.attributes.length > 0 || call.hasSplat || !/^\s*\)?\s*$/.test(rest);
      const whole = m.text.split('\n').length === 1 && !prefix && (quote === '"' || quote === "'");
      if (whole) return eventItems(schema, language, quote, m.range, !hasAttributes, false);
      const content = m.contentRange ?? m.range;
      return eventItems(schema, language, quote, content, false, true);
    }
    const match = matchCall(call, schema);
    // 3) inside an attribute value
    const attr = call.attributes.find((a) => contains(a.value.range, pos) && !contains(a.keyRange, pos));
    if (attr && match.event) {
      const spec = match.event.attributes.find((a) => a.name === attr.key);
      if (!spec?.allowed?.length) return [];
      if (attr.value.kind === 'string') {
        const quote = /^[a-zA-Z]*(["'`])/.exec(attr.value.text)?.[1];
        return valueItems(spec, attr.value.contentRange ?? attr.value.range, quote);
      }
      return valueItems(spec, attr.value.range, undefined);
    }
    // value being typed right after `key=` / `key:` (not parsed as an attribute yet)
    const typed = /([A-Za-z_][\w]*)\s*(=|:)\s*(["']?)([^"'\s,(){}]*)$/.exec(before);
    if (typed && match.event && !(m && contains(m.range, pos))) {
      const spec = match.event.attributes.find((a) => a.name === typed[1]);
      if (spec?.allowed?.length && (language === 'python' ? typed[2] === '=' : typed[2] === ':')) {
        const start = { line: pos.line, character: pos.character - typed[4].length };
        return valueItems(spec, { start, end: pos }, typed[3] || undefined);
      }
    }
    // 2) attribute keywords after the message
    if (match.event && (!m || afterRange(m.range, pos))) {
      if (/[=:]\s*[^,\s]*$/.test(before) && !/[,({]\s*[A-Za-z_]*$/.test(before)) return [];
      const present = new Set([...call.attributes.map((a) => a.key), ...(call.boundKeys ?? [])]);
      let wrap = false;
      if (language !== 'python') {
        const from = m ? text.offsetAt(m.range.end) : text.offsetAt(call.calleeRange.end);
        const between = text.getText().slice(from, offset);
        wrap = depth(between, '{', '}') <= 0;
      }
      return attributeItems(match.event, present, language, wrap);
    }
    return [];
  }

  // 4) no call parsed yet: `logfire.info("Fai|` / `log.info('` while typing
  const typing = /(?:^|[^\w.$])([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*([A-Za-z_]\w*)\s*\(\s*(?:(["'])(?:trace|debug|info|notice|warn|warning|error|fatal)\3\s*,\s*)?([rRuU]?)(["'`])([^"'`]*)$/.exec(before);
  if (typing && LOG_METHODS.test(typing[2])) {
    const quote = typing[5];
    const typed = typing[6];
    const start = { line: pos.line, character: pos.character - typed.length };
    const after = text.getText({ start: pos, end: { line: pos.line, character: pos.character + 1 } });
    if (after === quote && !typing[4]) {
      const range = { start: { line: pos.line, character: start.character - 1 }, end: { line: pos.line, character: pos.character + 1 } };
      return eventItems(schema, language, quote, range, true, false);
    }
    return eventItems(schema, language, quote, { start, end: pos }, false, true);
  }
  return [];
}

function afterRange(r: Range, p: Position): boolean {
  return p.line > r.end.line || (p.line === r.end.line && p.character >= r.end.character);
}

function depth(s: string, open: string, close: string): number {
  let d = 0;
  for (const ch of s) {
    if (ch === open) d++;
    else if (ch === close) d--;
  }
  return d;
}

export function registerCompletion(connection: Connection, state: LanguageServerState): void {
  connection.onCompletion(async (params): Promise<CompletionList | null> => {
    const doc = state.docs.get(params.textDocument.uri);
    if (!doc?.engine || !doc.language) return null;
    await state.currentResult(doc);
    const call = doc.engine.callAt(params.position);
    const schema = state.schemaFor(doc.path);
    const { settings } = await state.settings.get(doc.uri);
    const items = complete(doc.text, doc.language, call, schema, params.position, attributeLayers(schema, lintSettings(settings).semconv));
    return { isIncomplete: false, items };
  });
}
