// TL017 deprecated-attribute: a dotted attribute key (or an enum value of one) that the schema's Weaver
// registries or the built-in OpenTelemetry semantic conventions mark deprecated.
//
// The conventions move: `gen_ai.usage.prompt_tokens` became `gen_ai.usage.input_tokens`,
// `gen_ai.system` became `gen_ai.provider.name`, `code.filepath` became `code.file.path`. Backends,
// dashboards and instrumentation libraries follow the current names, so records still carrying the old
// key drop out of their views. Keys the matched event declares itself are TL003's business (the
// project schema wins over the layers); this rule looks only at keys the event leaves to the layers.
//
// Fix: rename the key to the replacement the registry names (`renamed_to`), or replace a deprecated
// enum value by the one that replaces it. Renaming changes what is recorded, so the fix is unsafe:
// offered as a quick fix, applied in bulk only on request.
import type { Fix, Rule } from '../lint/types';
import type { TelemetryAttribute } from '../model/calls';
import { attributeSpecs, clip, literalFor, literalValue } from '../schema/values';
import { layerSpec } from './helpers';

function renameFix(attr: TelemetryAttribute, to: string): Fix | undefined {
  // A keyword argument can only be renamed to an identifier (dotted keys never are keywords).
  if (attr.source === 'keyword' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(to)) return undefined;
  return { title: `Rename \`${attr.key}\` to \`${to}\``, edits: [{ range: attr.keyRange, newText: to }], isPreferred: true, unsafe: true };
}

function reasonText(reason: string | undefined): string {
  if (!reason || reason === 'renamed' || reason === 'uncategorized') return '';
  return ` (${reason})`;
}

export const rule: Rule = {
  meta: {
    code: 'TL017',
    name: 'deprecated-attribute',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Attribute key or enum value deprecated by a Weaver registry or the OpenTelemetry semantic conventions (with the rename)',
  },
  checkCall(ctx, report) {
    const { call, match, language } = ctx;
    if (call.kind === 'instrument' || !ctx.layers?.length) return;
    const declared = match.event ? attributeSpecs(match.event) : undefined;
    let used: Set<string> | undefined;
    for (const attr of call.attributes) {
      if (attr.source === 'bind' || !attr.key.includes('.') || declared?.has(attr.key)) continue;
      const hit = layerSpec(ctx, attr.key);
      if (!hit) continue;
      const { spec, label } = hit;
      if (spec.deprecated) {
        const rep = spec.deprecated.replacement;
        used ??= new Set(call.attributes.map((a) => a.key));
        const fix = rep && !used.has(rep) ? renameFix(attr, rep) : undefined;
        report({
          message: `Attribute \`${attr.key}\` is deprecated in the ${label}${reasonText(spec.deprecated.reason)}${rep ? `; use \`${rep}\`` : ''}`,
          range: attr.keyRange,
          fixes: fix ? [fix] : [],
          tags: ['deprecated'],
        });
        continue;
      }
      if (spec.deprecatedValues) {
        const v = literalValue(attr.value);
        if (v === undefined || !(String(v) in spec.deprecatedValues)) continue;
        const rep = spec.deprecatedValues[String(v)];
        const fixes: Fix[] = [];
        if (rep) {
          const text = literalFor(rep, language, attr.value);
          fixes.push({ title: `Replace with \`${text}\``, edits: [{ range: attr.value.range, newText: text }], isPreferred: true, unsafe: true });
        }
        report({
          message: `Value \`${clip(attr.value.text, 40)}\` of attribute \`${attr.key}\` is deprecated in the ${label}${rep ? `; use '${rep}'` : ''}`,
          range: attr.value.range,
          fixes,
          tags: ['deprecated'],
        });
      }
    }
  },
};

export default rule;
