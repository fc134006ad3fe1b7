// Derives the built-in OpenTelemetry semantic-conventions layer (server/schema/semconv/<release>.json)
// from a copy of the conventions' own model files. Only facts are extracted: attribute keys, types,
// enum values, stability, deprecations and renames, and the requirement level of each attribute on
// each span and event. No descriptive text (`brief`, `note`) is copied.
//
// Usage:
//   node scripts/gen-semconv.mjs --model DIR --release 1.41.1 --commit SHA
// where DIR is the `model/` folder of a checkout of https://github.com/open-telemetry/semantic-conventions
// at that release, kept in the git-ignored .cache/ (for example
// `git -C <clone> archive v1.41.1 model LICENSE | tar -x -C .cache/semconv/v1.41.1`).
// Regenerate rather than hand-edit the output; commit it together with the NOTICE it writes.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    release: { type: 'string' },
    commit: { type: 'string' },
    out: { type: 'string', default: path.join(root, 'server/schema/semconv') },
  },
});
if (!values.model || !values.release || !values.commit) {
  console.error('usage: node scripts/gen-semconv.mjs --model <semantic-conventions>/model --release X.Y.Z --commit SHA');
  process.exit(2);
}

function yamlFiles(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name) && e.name !== 'manifest.yaml') out.push(p);
  }
  return out;
}

const TYPES = { string: 'string', int: 'int', double: 'float', boolean: 'bool', any: 'any' };

function typeOf(t, key) {
  if (t && typeof t === 'object') {
    const members = Array.isArray(t.members) ? t.members : [];
    const vals = members.map((m) => m.value).filter((v) => v !== undefined);
    const out = { t: vals.length && vals.every((v) => Number.isInteger(v)) ? 'int' : 'enum', e: vals };
    if (t.allow_custom_values === false) out.o = 0;
    const dv = {};
    for (const m of members) {
      const d = deprecation(m.deprecated);
      if (d) dv[String(m.value)] = d.r ?? null;
    }
    if (Object.keys(dv).length) out.dv = dv;
    return out;
  }
  const s = String(t);
  const tm = /^template\[(.+)\]$/.exec(s);
  if (tm) return { ...typeOf(tm[1], key), tp: 1 };
  const am = /^(string|int|double|boolean)\[\]$/.exec(s);
  if (am) return { t: 'array', i: TYPES[am[1]] };
  if (TYPES[s]) return { t: TYPES[s] };
  throw new Error(`${key}: unknown type ${s}`);
}

function deprecation(d) {
  if (d === undefined || d === null || d === false) return undefined;
  if (typeof d === 'string') return { why: 'uncategorized' };
  const out = { why: d.reason ?? 'uncategorized' };
  if (d.renamed_to) out.r = d.renamed_to;
  return out;
}

function level(rl) {
  if (rl === undefined) return 'recommended';
  if (typeof rl === 'string') return rl;
  for (const k of ['conditionally_required', 'recommended', 'opt_in', 'required']) if (rl && k in rl) return k;
  return 'recommended';
}

const groups = new Map();
const defs = new Map();
for (const file of yamlFiles(path.resolve(values.model))) {
  const doc = parse(fs.readFileSync(file, 'utf8'));
  for (const g of doc?.groups ?? []) {
    groups.set(g.id, g);
    for (const a of g.attributes ?? []) if (a.id) defs.set(a.id, a);
  }
  // Weaver's version 2 files: attributes by `key`, attribute groups, spans by `type`, events by `name`.
  if (String(doc?.file_format ?? '').startsWith('definition/2')) {
    for (const a of doc.attributes ?? []) if (a.key) defs.set(a.key, a);
    for (const g of doc.attribute_groups ?? []) groups.set(g.id, { ...g, type: 'attribute_group' });
    for (const sp of doc.spans ?? []) groups.set(`span.${sp.type}`, { ...sp, id: `span.${sp.type}`, type: 'span', name: sp.type, span_kind: sp.kind });
    for (const ev of doc.events ?? []) groups.set(`event.${ev.name}`, { ...ev, id: `event.${ev.name}`, type: 'event' });
  }
}

const attributes = {};
for (const key of [...defs.keys()].sort()) {
  const a = defs.get(key);
  const out = typeOf(a.type, key);
  if (a.stability) out.s = a.stability;
  const d = deprecation(a.deprecated);
  if (d) out.d = d;
  attributes[key] = out;
}

// Requirement levels per span and event, with `extends` applied (own entries win).
const resolved = new Map();
function groupAttrs(id, seen = new Set()) {
  if (resolved.has(id)) return resolved.get(id);
  const g = groups.get(id);
  if (!g || seen.has(id)) return {};
  seen.add(id);
  const out = g.extends ? { ...groupAttrs(g.extends, seen) } : {};
  for (const a of g.attributes ?? []) {
    if (a.ref_group) Object.assign(out, groupAttrs(a.ref_group, seen));
    const key = a.id ?? a.key ?? a.ref;
    if (key) out[key] = level(a.requirement_level);
  }
  resolved.set(id, out);
  return out;
}
const signals = {};
for (const [id, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
  if (g.type !== 'span' && g.type !== 'event') continue;
  const s = { k: g.type, a: groupAttrs(id) };
  if (typeof g.name === 'string') s.n = g.name;
  if (g.span_kind) s.sk = g.span_kind;
  if (g.stability) s.s = g.stability;
  const d = deprecation(g.deprecated);
  if (d) s.d = d;
  signals[id] = s;
}

const data = {
  release: values.release,
  commit: values.commit,
  source: 'https://github.com/open-telemetry/semantic-conventions',
  license: 'Apache-2.0',
  generatedBy: 'scripts/gen-semconv.mjs',
  attributes,
  signals,
};
fs.mkdirSync(values.out, { recursive: true });
const file = path.join(values.out, `${values.release}.json`);
fs.writeFileSync(file, JSON.stringify(data) + '\n');
const notice = path.join(values.out, 'NOTICE');
const line = `${values.release}.json: derived from OpenTelemetry semantic conventions v${values.release} (commit ${values.commit}), https://github.com/open-telemetry/semantic-conventions, Copyright The OpenTelemetry Authors, licensed under the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0). Only names, types, enum values, stability, requirement levels, deprecations and renames are extracted, by ${data.generatedBy}.`;
const old = fs.existsSync(notice) ? fs.readFileSync(notice, 'utf8').split('\n').filter((l) => l && !l.startsWith(`${values.release}.json:`) && !l.startsWith('This directory')) : [];
fs.writeFileSync(notice, ['This directory holds data derived from third-party sources:', ...old, line].join('\n\n').replace(/\n\n+/g, '\n\n') + '\n');
console.log(`${file}: ${Object.keys(attributes).length} attributes, ${Object.keys(signals).length} spans and events (${(fs.statSync(file).size / 1024).toFixed(0)} KiB)`);
