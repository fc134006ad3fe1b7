// Hover and completion for dotted attribute keys from the attribute layers: the schema's Weaver
// registries and the built-in OpenTelemetry semantic conventions (type, enum values, requirement
// level, stability, deprecation), and key completion inside `set_attribute("gen_ai.` /
// `attributes: { 'gen_ai.`.
import { CompletionItemKind, CompletionItemTag, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import type { Position } from '../model/positions';
import type { AttributeLookup, AttributeSpec } from '../schema/model';
import { semconvLayer, type SemconvLayer } from '../schema/semconv';

const MAX_ITEMS = 200;
const MAX_VALUES = 24;

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}

/** Weaver's spelling of a type: double, boolean, string[], template[string]. */
export function weaverType(a: AttributeSpec): string {
  const base = (t: string) => (t === 'float' ? 'double' : t === 'bool' ? 'boolean' : t);
  let t = a.type === 'array' ? `${base(a.items ?? 'any')}[]` : a.type === 'enum' ? 'enum' : base(a.type);
  if (a.allowed?.length && a.type !== 'enum') t = `enum (${t})`;
  return a.template ? `template[${t}]` : t;
}

function semconvOf(spec: AttributeSpec): SemconvLayer | undefined {
  return spec.origin?.startsWith('semconv:') ? semconvLayer(spec.origin.slice('semconv:'.length)) : undefined;
}

/** Markdown for a key found in a layer. */
export function layerAttributeMarkdown(key: string, spec: AttributeSpec, layer: AttributeLookup): string {
  const head = [`**${key}**: ${code(weaverType(spec))}`];
  if (spec.stability) head.push(`stability ${code(spec.stability)}`);
  if (spec.requirement) head.push(`requirement level ${code(spec.requirement)}`);
  const lines = [head.join(' · ')];
  if (spec.template && key !== spec.name) lines.push('', `An instance of the template attribute ${code(`${spec.name}.<key>`)}`);
  if (spec.deprecated) {
    const rep = spec.deprecated.replacement;
    const why = spec.deprecated.reason && spec.deprecated.reason !== 'renamed' && spec.deprecated.reason !== 'uncategorized' ? ` (${spec.deprecated.reason})` : '';
    lines.push('', `⚠ Deprecated${why}${rep ? `: use ${code(rep)}` : ''}`);
  }
  if (spec.allowed?.length) {
    const shown = spec.allowed.slice(0, MAX_VALUES).map((v) => {
      const dep = spec.deprecatedValues && String(v) in spec.deprecatedValues;
      return dep ? `~~${code(String(v))}~~` : code(String(v));
    });
    const more = spec.allowed.length > MAX_VALUES ? `, … (${spec.allowed.length} in all)` : '';
    lines.push('', `${spec.open ? 'Known values (open: others allowed)' : 'Allowed values'}: ${shown.join(', ')}${more}`);
  }
  if (spec.description) lines.push('', spec.description);
  if (spec.examples?.length) lines.push('', `Examples: ${spec.examples.map((v) => code(String(v))).join(', ')}`);
  const sc = semconvOf(spec);
  if (sc) {
    const uses = sc.usedBy(spec.name);
    const byLevel = new Map<string, string[]>();
    for (const u of uses) {
      const list = byLevel.get(u.level) ?? [];
      list.push(code(u.signal));
      byLevel.set(u.level, list);
    }
    const parts: string[] = [];
    for (const level of ['required', 'conditionally_required', 'recommended', 'opt_in']) {
      const list = byLevel.get(level);
      if (list) parts.push(`${level.replace('_', ' ')} on ${list.slice(0, 4).join(', ')}${list.length > 4 ? `, +${list.length - 4} more` : ''}`);
    }
    if (parts.length) lines.push('', `Requirement level: ${parts.join('; ')}`);
  }
  lines.push('', `From the ${layer.label}`);
  return lines.join('\n');
}

/** The first layer's spec for a key (the same order the rules use). */
export function findInLayers(layers: readonly AttributeLookup[], key: string): { spec: AttributeSpec; layer: AttributeLookup } | undefined {
  if (!key.includes('.')) return undefined;
  for (const layer of layers) {
    const spec = layer.get(key);
    if (spec) return { spec, layer };
  }
  return undefined;
}

// Typing a key: `set_attribute("gen_ai.`, `setAttribute('gen_ai.`, or a quoted dotted key opening an
// item of a dict/object literal (`attributes: { 'gen_ai.`, `**{"gen_ai.`, `set_attributes({"http.`).
const SETTER_KEY = /\b(?:set_attribute|setAttribute)\s*\(\s*["'`]([\w.-]*)$/;
const ITEM_KEY = /[{,]\s*["']([A-Za-z_][\w-]*\.[\w.-]*)$/;

/** Key completions at `pos` when the text before it is a dotted key being typed; undefined otherwise. */
export function dottedKeyCompletions(before: string, pos: Position, after: string, layers: readonly AttributeLookup[]): { items: CompletionItem[]; incomplete: boolean } | undefined {
  const m = SETTER_KEY.exec(before) ?? ITEM_KEY.exec(before);
  if (!m || layers.length === 0) return undefined;
  const typed = m[1]!;
  const start = { line: pos.line, character: pos.character - typed.length };
  // Replace the rest of the key too when the editor already closed the quote: `"gen_ai.|"`.
  const rest = /^[\w.-]*/.exec(after)?.[0] ?? '';
  const end = { line: pos.line, character: pos.character + rest.length };
  const seen = new Set<string>();
  const items: CompletionItem[] = [];
  let incomplete = false;
  for (const layer of layers) {
    for (const spec of layer.withPrefix(typed)) {
      if (seen.has(spec.name)) continue;
      seen.add(spec.name);
      if (items.length >= MAX_ITEMS) {
        incomplete = true;
        break;
      }
      const key = spec.template ? `${spec.name}.` : spec.name;
      const detail = [weaverType(spec), spec.stability, spec.deprecated ? `deprecated${spec.deprecated.replacement ? ` → ${spec.deprecated.replacement}` : ''}` : undefined].filter(Boolean).join(' · ');
      const item: CompletionItem = {
        label: spec.name,
        kind: CompletionItemKind.Field,
        detail,
        documentation: { kind: MarkupKind.Markdown, value: layerAttributeMarkdown(spec.name, spec, layer) },
        // Current stable keys first, then the others, deprecated ones last.
        sortText: `${spec.deprecated ? 2 : spec.stability === 'stable' ? 0 : 1}${spec.name}`,
        filterText: spec.name,
        textEdit: { range: { start, end }, newText: key },
      };
      if (spec.deprecated) item.tags = [CompletionItemTag.Deprecated];
      items.push(item);
    }
  }
  return { items, incomplete };
}
