// TL005 attribute-value: a literal attribute value outside what the schema allows — not one of the
// allowed values (unless the set is `open`), below `min` / above `max`, or not matching `pattern`.
//
// Health checks compare attributes with fixed values (`attributes->>'workload' = 'CODING'`,
// `to_phase IN ('complete', 'refused', 'error')`); `'coding'` or `'completed'` never match, and a
// confidence of `85` in a 0–1 field turns every average into nonsense. Only literal values are
// checked (strings without interpolation, numbers, booleans).
//
// Fix: replace a value that is not allowed with the closest allowed one (same letters ignoring case
// and separators, or a small edit distance), keeping the literal's quotes.
import type { Fix, Rule } from '../lint/types';
import type { AttributeSpec } from '../schema/model';
import { attributeSpecs, clip, closestValue, literalFor, literalValue, matchesPattern } from '../schema/values';
import { layerSpec } from './helpers';

function list(values: readonly (string | number | boolean)[]): string {
  const shown = values.slice(0, 8).map((v) => JSON.stringify(v).replace(/^"|"$/g, "'"));
  return shown.join(', ') + (values.length > 8 ? ', …' : '');
}

/** Problems of one literal value under a spec: [message tail, allowed replacement]. */
function problem(spec: AttributeSpec, value: string | number | boolean): { why: string; replacement?: string | number | boolean } | undefined {
  if (spec.allowed && spec.allowed.length > 0 && !spec.open && !spec.allowed.includes(value)) {
    const near = typeof value === 'string' ? closestValue(value, spec.allowed) : undefined;
    const hint = near !== undefined ? `; did you mean ${JSON.stringify(near).replace(/^"|"$/g, "'")}?` : '';
    const r: { why: string; replacement?: string | number | boolean } = { why: `is not an allowed value (expected one of ${list(spec.allowed)})${hint}` };
    if (near !== undefined) r.replacement = near;
    return r;
  }
  if (typeof value === 'number' && (spec.type === 'int' || spec.type === 'float' || spec.type === 'any')) {
    if (spec.min !== undefined && value < spec.min) return { why: `is below the minimum ${spec.min}${spec.max !== undefined ? ` (range ${spec.min}–${spec.max})` : ''}` };
    if (spec.max !== undefined && value > spec.max) {
      const pct = spec.max === 1 && (spec.min ?? 0) === 0 && value <= 100 ? '; it looks like a percentage, the field is a fraction (0–1)' : '';
      return { why: `is above the maximum ${spec.max}${spec.min !== undefined && !pct ? ` (range ${spec.min}–${spec.max})` : ''}${pct}` };
    }
  }
  if (typeof value === 'string' && spec.pattern !== undefined && (spec.type === 'string' || spec.type === 'enum' || spec.type === 'any')) {
    if (matchesPattern(spec.pattern, value) === false) return { why: `does not match the pattern \`${spec.pattern}\`` };
  }
  return undefined;
}

export const rule: Rule = {
  meta: {
    code: 'TL005',
    name: 'attribute-value',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Literal attribute value not allowed by the schema (enum values, min/max range, pattern)',
  },
  checkCall(ctx, report) {
    const { call, match, language } = ctx;
    const event = match.event;
    if (call.kind === 'instrument') return;
    const specs = event ? attributeSpecs(event) : undefined;
    const label = event ? clip(event.name ?? event.template ?? event.id, 60) : '';
    for (const attr of call.attributes) {
      let spec = specs?.get(attr.key);
      let where = ` for event \`${label}\``;
      let severity: 'info' | undefined;
      const value = literalValue(attr.value);
      if (value === undefined) continue;
      if (!spec) {
        const hit = layerSpec(ctx, attr.key);
        if (!hit) continue;
        spec = hit.spec;
        where = ` (${hit.label})`;
        if (spec.open && spec.allowed?.length && typeof value === 'string' && !spec.allowed.includes(value)) {
          // An open enum: only a near miss of a member is worth a word.
          if (closestValue(value, spec.allowed) === undefined) continue;
          spec = { ...spec, open: false };
          severity = 'info';
        }
      }
      // A value of the wrong type is TL004's finding, not a value problem.
      if (typeof value === 'string' && (spec.type === 'int' || spec.type === 'float' || spec.type === 'bool')) continue;
      if (typeof value !== 'string' && (spec.type === 'string' || spec.type === 'enum') && !spec.allowed?.some((a) => typeof a === typeof value)) continue;
      const p = problem(spec, value);
      if (!p) continue;
      const fixes: Fix[] = [];
      if (p.replacement !== undefined) {
        const text = literalFor(p.replacement, language, attr.value);
        fixes.push({ title: `Replace with \`${text}\``, edits: [{ range: attr.value.range, newText: text }], isPreferred: true, unsafe: true });
      }
      report({
        message: `Value \`${clip(attr.value.text, 40)}\` of attribute \`${attr.key}\`${where} ${severity ? p.why.replace('is not an allowed value', 'is not one of the known values') : p.why}`,
        range: attr.value.range,
        fixes,
        ...(severity ? { severity } : {}),
      });
    }
  },
};

export default rule;
