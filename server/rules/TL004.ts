// TL004 attribute-type: an attribute value whose type certainly differs from the declared type.
//
// Types are only inferred where they are certain: literals, f-strings / template literals /
// concatenation (strings), and obvious expressions such as `len(x)` (int), `str(x)` (string),
// `time.time()` (float), `x.length` (integer), `String(x)`. Logfire stores attributes as JSON;
// `'30'` in an int field makes `CAST(attributes->>'cooldown' AS INT)` and numeric comparisons
// misbehave, and a float in an int field breaks grouping. A literal `None`/`null` in a required
// attribute is reported too (it is as good as missing). An int is a valid float; in JS a number
// literal without a fraction is an integer.
//
// Fixes (only where mechanical): a numeric string for a number field loses its quotes (`'30'` → `30`),
// a number for a string field gains them (`42` → `'42'`), an integral float for an int field drops
// the fraction (`2.0` → `2`).
//
// Dotted keys the matched event does not declare (or on calls matching no event) are checked against
// the attribute layers: the schema's Weaver registries, then the built-in OpenTelemetry semantic
// conventions (`gen_ai.usage.input_tokens` is an int, `gen_ai.request.temperature` a double).
import type { Fix, Rule } from '../lint/types';
import type { ArgValue, SourceLanguage, TelemetryAttribute } from '../model/calls';
import type { AttributeSpec } from '../schema/model';
import { attributeSpecs, clip, literalFor, staticType, typeFits, typeLabel } from '../schema/values';
import { layerSpec } from './helpers';

function article(label: string): string {
  return /^(one|a |an )/.test(label) ? label : `${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label}`;
}

function expectedLabel(spec: AttributeSpec, language: SourceLanguage): string {
  if (spec.type === 'enum') return 'one of the enum values (a string)';
  if (spec.type === 'float') return language === 'python' ? 'float' : 'number';
  if (spec.type === 'int') return language === 'python' ? 'int' : 'integer';
  if (spec.type === 'string') return language === 'python' ? 'str' : 'string';
  if (spec.type === 'bool') return language === 'python' ? 'bool' : 'boolean';
  if (spec.type === 'array') return `${language === 'python' ? 'list' : 'array'}${spec.items ? ` of ${spec.items === 'float' ? 'double' : spec.items === 'bool' ? 'boolean' : spec.items}` : ''}`;
  if (spec.type === 'any') return 'a value';
  return language === 'python' ? 'dict' : 'object';
}

function fixFor(attr: TelemetryAttribute, spec: AttributeSpec, language: SourceLanguage): Fix | undefined {
  const v: ArgValue = attr.value;
  const edit = (text: string): Fix => ({ title: `Replace \`${clip(v.text, 30)}\` with \`${text}\``, edits: [{ range: v.range, newText: text }], isPreferred: true });
  if (v.kind === 'string' && typeof v.value === 'string' && (spec.type === 'int' || spec.type === 'float')) {
    const s = v.value.trim();
    if (spec.type === 'int' ? /^[+-]?\d+$/.test(s) : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return edit(String(Number(s)));
    return undefined;
  }
  if ((v.kind === 'int' || v.kind === 'float') && typeof v.value === 'number' && (spec.type === 'string' || spec.type === 'enum')) {
    const text = literalFor(v.text, language);
    if (spec.type === 'enum' && !spec.allowed?.includes(v.text)) return undefined;
    return edit(text);
  }
  if (v.kind === 'float' && typeof v.value === 'number' && spec.type === 'int' && Number.isInteger(v.value)) return edit(String(v.value));
  return undefined;
}

export const rule: Rule = {
  meta: {
    code: 'TL004',
    name: 'attribute-type',
    severity: 'error',
    fixable: 'sometimes',
    summary: 'Attribute value of the wrong type for the declared attribute (from literals and obvious expressions)',
  },
  checkCall(ctx, report) {
    const { call, match, language } = ctx;
    const event = match.event;
    if (call.kind === 'instrument') return;
    const specs = event ? attributeSpecs(event) : undefined;
    const label = event ? clip(event.name ?? event.template ?? event.id, 60) : '';
    for (const attr of call.attributes) {
      let spec = specs?.get(attr.key);
      let where = ` of event \`${label}\``;
      if (!spec) {
        const hit = layerSpec(ctx, attr.key);
        if (!hit) continue;
        spec = hit.spec;
        where = ` (${hit.label})`;
      }
      if (spec.type === 'any') continue;
      const t = staticType(attr.value, language);
      if (t === undefined) continue;
      if (t === 'none') {
        if (!spec.required) continue;
        report({
          message: `Required attribute \`${attr.key}\`${where} is ${typeLabel('none', language)}; pass ${article(expectedLabel(spec, language))}`,
          range: attr.value.range,
          fixes: [],
        });
        continue;
      }
      if (typeFits(t, spec.type, spec)) continue;
      const fix = fixFor(attr, spec, language);
      report({
        message: `Attribute \`${attr.key}\`${where} should be ${expectedLabel(spec, language)}, got ${typeLabel(t, language)} \`${clip(attr.value.text, 40)}\``,
        range: attr.value.range,
        fixes: fix ? [fix] : [],
      });
    }
  },
};

export default rule;
