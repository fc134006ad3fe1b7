// TL003 unknown-attribute: an attribute the matched event does not declare, or declares deprecated.
//
// An undeclared key is usually a typo (`worklaod=`) or a renamed field: the record is written, but
// every query on the declared name misses it. Keys in `conventions.requiredContext` are allowed on
// every event, and so are the fields of the event's own template (`{model}` needs `model=`). Events
// that declare no attributes at all are not checked (their attributes are unspecified). Deprecated attributes are reported with their replacement and tagged deprecated.
//
// Fixes: rename to the closest declared attribute the call does not already pass (preferred when
// close), else remove the attribute; deprecated attributes are renamed to their replacement.
import { distance } from 'fastest-levenshtein';
import type { Fix, Rule } from '../lint/types';
import type { TelemetryAttribute } from '../model/calls';
import type { AttributeSpec, EventSpec } from '../schema/model';
import { templateFieldNames } from '../schema/template';
import { attributeSpecs, clip } from '../schema/values';
import { deleteAttributeEdit, layerSpec, words } from './helpers';

/** The declared attribute `key` most plausibly meant, among those not already passed. */
export function closestAttribute(key: string, declared: readonly AttributeSpec[], used: ReadonlySet<string>): AttributeSpec | undefined {
  const k = key.toLowerCase();
  const flat = (s: string) => words(s).join('');
  let best: AttributeSpec | undefined;
  let bestD = Infinity;
  for (const a of declared) {
    if (used.has(a.name) || a.deprecated) continue;
    // Same words in another style (camelCase vs snake_case) is an exact hit.
    if (flat(a.name) === flat(key)) return a;
    const d = distance(k, a.name.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  if (!best) return undefined;
  const reach = key.length >= 4 ? Math.min(3, Math.max(2, Math.floor(key.length / 3))) : 1;
  return bestD <= reach ? best : undefined;
}

const contextByEvent = new WeakMap<EventSpec, { required: readonly string[]; keys: Set<string> }>();

/** `conventions.requiredContext` plus the fields of the event's template (computed once per event). */
function contextKeys(required: readonly string[], event: EventSpec): Set<string> {
  let c = contextByEvent.get(event);
  if (!c || c.required !== required) {
    c = { required, keys: new Set([...required, ...(event.template ? templateFieldNames(event.template) : [])]) };
    contextByEvent.set(event, c);
  }
  return c.keys;
}

function renameFix(attr: TelemetryAttribute, to: string, preferred: boolean): Fix | undefined {
  // A keyword argument can only be renamed to an identifier; dict/object keys sit inside quotes or are identifiers.
  if (attr.source === 'keyword' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(to)) return undefined;
  const fix: Fix = { title: `Rename \`${attr.key}\` to \`${to}\``, edits: [{ range: attr.keyRange, newText: to }], unsafe: true };
  if (preferred) fix.isPreferred = true;
  return fix;
}

export const rule: Rule = {
  meta: {
    code: 'TL003',
    name: 'unknown-attribute',
    severity: 'warning',
    fixable: 'always',
    summary: 'Attribute not declared for the event (with did-you-mean), or deprecated',
  },
  checkCall(ctx, report) {
    const { call, match, schema, source } = ctx;
    const event = match.event;
    if (!event || event.attributes.length === 0 || call.kind === 'instrument') return;
    if (call.attributes.length === 0) return;
    const declared = attributeSpecs(event);
    // Context keys are allowed everywhere; a field of the declared template needs its attribute.
    const context = contextKeys(schema.conventions.requiredContext, event);
    let usedSet: Set<string> | undefined;
    const used = () => (usedSet ??= new Set(call.attributes.map((a) => a.key)));
    const label = clip(event.name ?? event.template ?? event.id, 60);
    for (const attr of call.attributes) {
      if (attr.source === 'bind') continue;
      const spec = declared.get(attr.key);
      if (spec?.deprecated) {
        const rep = spec.deprecated.replacement;
        const reason = spec.deprecated.reason ? ` (${spec.deprecated.reason})` : '';
        const fix = rep && !used().has(rep) ? renameFix(attr, rep, true) : undefined;
        const fixes: Fix[] = fix ? [fix] : [];
        report({
          message: `Attribute \`${attr.key}\` of event \`${label}\` is deprecated${reason}${rep ? `; use \`${rep}\`` : ''}`,
          range: attr.keyRange,
          fixes,
          tags: ['deprecated'],
        });
        continue;
      }
      if (spec || context.has(attr.key)) continue;
      // A dotted key a registry or the OpenTelemetry semantic conventions define is a known attribute
      // (its type and deprecation are checked by TL004/TL005/TL017), not a typo.
      if (layerSpec(ctx, attr.key)) continue;
      const near = closestAttribute(attr.key, event.attributes, used());
      const fixes: Fix[] = [];
      const rename = near ? renameFix(attr, near.name, true) : undefined;
      if (rename) fixes.push(rename);
      // `span.set_attribute('k', v)` is a whole statement: removing it is left to the author.
      if (attr.source !== 'setAttribute') fixes.push({ title: `Remove \`${attr.key}\``, edits: [deleteAttributeEdit(source, attr)], unsafe: true });
      const known = event.attributes.filter((a) => !a.deprecated).map((a) => a.name);
      const hint = near ? `; did you mean \`${near.name}\`?` : ` (declared: ${known.slice(0, 8).join(', ')}${known.length > 8 ? ', …' : ''})`;
      report({
        message: `Unknown attribute \`${attr.key}\` for event \`${label}\`${hint}`,
        range: attr.keyRange,
        fixes,
      });
    }
  },
};

export default rule;
