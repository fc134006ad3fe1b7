// Markdown renderings of schema events and attributes (hover, completion documentation) and the
// link between events and the health checks that query them.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AttributeSpec, EventSpec, HealthCheckSpec, Schema, SchemaLocation } from '../schema/model';
import { likeMatcher } from '../schema/safe-regex';

/** `message LIKE 'Failover triggered%'` → the patterns a health check's SQL filters messages with. */
export function likePatterns(sql: string): string[] {
  const out: string[] = [];
  const re = /\b(?:message|span_name|msg_template|log_body)\s+(?:NOT\s+)?I?LIKE\s+'((?:[^']|'')*)'/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(sql))) out.push(m[1].replace(/''/g, "'"));
  return out;
}

/** Does a LIKE pattern match the event's template or name? (The template's fixed prefix is what rows start with.) */
export function likeMatchesEvent(pattern: string, ev: EventSpec): boolean {
  const matches = likeMatcher(pattern, true);
  return [ev.template, ev.name].some((t) => t !== undefined && matches(t));
}

/** Health checks whose SQL selects this event by message. */
export function checksForEvent(schema: Schema, ev: EventSpec): HealthCheckSpec[] {
  return schema.health.filter((h) => likePatterns(h.sql).some((p) => likeMatchesEvent(p, ev)));
}

export function locationLink(loc: SchemaLocation | undefined): string | undefined {
  if (!loc || !path.isAbsolute(loc.file)) return undefined;
  return `[${path.basename(loc.file)}:${loc.line + 1}](${pathToFileURL(loc.file).toString()}#L${loc.line + 1})`;
}

function code(s: string): string {
  const ticks = s.includes('`') ? '``' : '`';
  return `${ticks}${s}${ticks}`;
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function attributeConstraint(a: AttributeSpec): string {
  const parts: string[] = [];
  if (a.allowed?.length) parts.push(`${a.open ? 'e.g. ' : ''}${a.allowed.map((v) => code(String(v))).join(', ')}`);
  if (a.min !== undefined || a.max !== undefined) parts.push(`${a.min ?? '−∞'} … ${a.max ?? '∞'}`);
  if (a.pattern) parts.push(`matches ${code(a.pattern)}`);
  if (a.sensitive) parts.push('sensitive');
  if (a.deprecated) parts.push(`deprecated${a.deprecated.replacement ? ` → ${code(a.deprecated.replacement)}` : ''}`);
  return parts.join('; ');
}

export function attributeType(a: AttributeSpec): string {
  return a.type === 'enum' && a.allowed?.length ? `enum` : a.type;
}

export function attributeMarkdown(a: AttributeSpec, ev?: EventSpec): string {
  const lines = [`**${a.name}**: ${code(attributeType(a))}${a.required ? ' · required' : ' · optional'}`];
  const c = attributeConstraint(a);
  if (c) lines.push('', c);
  if (a.description) lines.push('', a.description);
  if (a.examples?.length) lines.push('', `Examples: ${a.examples.map((v) => code(String(v))).join(', ')}`);
  if (ev) lines.push('', `Attribute of ${code(ev.template ?? ev.name ?? ev.id)}`);
  return lines.join('\n');
}

export function eventMarkdown(ev: EventSpec, schema: Schema): string {
  const title = ev.template ?? ev.name ?? ev.id;
  const meta = [ev.level ? code(ev.level) : undefined, ev.kind, ev.name && ev.template ? code(ev.name) : undefined].filter(Boolean).join(' · ');
  const lines = [`**${cell(title)}**${meta ? ` — ${meta}` : ''}`];
  if (ev.deprecated) lines.push('', `⚠ Deprecated${ev.deprecated.replacement ? `: use ${code(ev.deprecated.replacement)}` : ''}${ev.deprecated.reason ? ` (${ev.deprecated.reason})` : ''}`);
  if (ev.description) lines.push('', ev.description);
  if (ev.attributes.length) {
    lines.push('', '| attribute | type | required | values |', '|---|---|---|---|');
    for (const a of ev.attributes) {
      lines.push(`| ${code(a.name)} | ${attributeType(a)} | ${a.required ? 'yes' : 'no'} | ${cell(attributeConstraint(a) || a.description || '')} |`);
    }
  }
  const checks = checksForEvent(schema, ev);
  if (checks.length) lines.push('', `Queried by health checks: ${checks.map((h) => `**${cell(h.name)}**`).join(', ')}`);
  if (ev.source) lines.push('', `Emitted in ${code(ev.source)}`);
  const link = locationLink(ev.location);
  lines.push('', link ? `Declared in ${link}` : 'Declared in the bundled default schema');
  return lines.join('\n');
}

/** The event declared at (or enclosing) a position of the schema file. */
export function eventAtSchemaPosition(schema: Schema, file: string, line: number): EventSpec | undefined {
  const same = (loc?: SchemaLocation) => !!loc && path.resolve(loc.file) === path.resolve(file);
  const events = schema.events.filter((e) => same(e.location)).sort((a, b) => a.location!.line - b.location!.line);
  let found: EventSpec | undefined;
  for (const ev of events) {
    if (ev.location!.line <= line) found = ev;
    else break;
  }
  if (!found) return undefined;
  // something else declared between the event and the line (a health check, a query) ends the event
  const fence = schema.health.filter((h) => same(h.location)).map((h) => h.location!.line);
  if (fence.some((l) => l > found!.location!.line && l <= line)) return undefined;
  return found;
}

/** The attribute declared on a line of the schema file, if any. */
export function attributeAtSchemaPosition(ev: EventSpec, line: number): AttributeSpec | undefined {
  return ev.attributes.find((a) => a.location?.line === line);
}
