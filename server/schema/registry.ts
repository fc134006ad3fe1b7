// Loads a Weaver semantic-convention registry (a directory of YAML files with `groups:`) into the
// schema model: span and event groups become events, attribute definitions an attribute layer
// looked up by key. Resolution follows Weaver (https://github.com/open-telemetry/weaver):
//   - `manifest.yaml` (or the older `registry_manifest.yaml`) names the registry and its
//     `dependencies`, each found through `registry_path` (here: a local directory, relative to the
//     manifest's folder, else to the working directory); at most 10 levels, no cycles;
//   - `ref: key` reuses an attribute defined in the registry or a dependency, with local overrides
//     (`requirement_level`, `brief`, `examples`, `stability`, `deprecated`, `note`);
//   - `extends: group.id` inherits the attributes of another group (own entries win by key);
//   - a dependency's attributes are visible through `ref`; its spans and events only when the
//     registry `imports` them (by name or wildcard).
// Every problem is a SchemaError with its file, line and column; loading never throws.
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import type { AttributeSpec, EventSpec, RegistryLayer, RequirementLevel, SchemaError } from './model';
import { lineTable } from '../model/positions';

export const MANIFEST_FILES = ['manifest.yaml', 'registry_manifest.yaml'] as const;
/** Weaver's limit on dependency levels. */
export const MAX_REGISTRY_DEPTH = 10;
/** Registry files larger than this are refused; the whole OpenTelemetry model is far below. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const MAX_FILES = 5000;

export interface RegistryLoad {
  name: string;
  events: EventSpec[];
  attributes: RegistryLayer;
  errors: SchemaError[];
}

type Pos = (offset: number) => { line: number; character: number };

interface RawAttr {
  id?: string;
  ref?: string;
  spec: Partial<AttributeSpec>;
  file: string;
  at: YamlNode;
  pos: Pos;
}

interface RawGroup {
  id: string;
  type: string;
  name?: string;
  extends?: { id: string; at: YamlNode };
  /** Version 2 `ref_group:` entries: every attribute of that group. */
  refGroups: { id: string; at: YamlNode }[];
  attrs: RawAttr[];
  deprecated?: { replacement?: string; reason?: string };
  stability?: string;
  file: string;
  at: YamlNode;
  pos: Pos;
  resolved?: AttributeSpec[];
  resolving?: boolean;
}

interface Registry {
  dir: string;
  name: string;
  groups: Map<string, RawGroup>;
  /** Attribute definitions (`id:` entries) by key. */
  defs: Map<string, RawAttr>;
  imports: { kind: 'events' | 'spans' | 'attribute_groups'; pattern: string; at: YamlNode; file: string; pos: Pos }[];
  deps: Registry[];
  /** Attributes of this registry resolved so far (definitions with refs applied), by key. */
  resolvedDefs: Map<string, AttributeSpec>;
}

class Loader {
  errors: SchemaError[] = [];
  readonly loaded = new Map<string, Registry>();

  err(file: string, pos: Pos | undefined, node: YamlNode | null | undefined, message: string, severity: 'error' | 'warning' = 'error'): void {
    const r = node?.range ?? [0, 0, 0];
    const s = pos ? pos(r[0]) : { line: 0, character: 0 };
    const e = pos ? pos(r[1]) : s;
    this.errors.push({ file, ...s, endLine: e.line, endCharacter: e.character, message, severity });
  }

  /** Loads the registry in `dir` and its dependencies (`chain`: the directories that led here). */
  load(dir: string, chain: string[] = []): Registry | undefined {
    const abs = path.resolve(dir);
    const done = this.loaded.get(abs);
    if (done) return done;
    const reg: Registry = { dir: abs, name: path.basename(abs), groups: new Map(), defs: new Map(), imports: [], deps: [], resolvedDefs: new Map() };
    this.loaded.set(abs, reg);
    const manifest = MANIFEST_FILES.map((f) => path.join(abs, f)).find((f) => fs.existsSync(f));
    const files = this.yamlFiles(abs).filter((f) => !MANIFEST_FILES.includes(path.basename(f) as (typeof MANIFEST_FILES)[number]) || path.dirname(f) !== abs);
    if (manifest) this.manifest(reg, manifest, [...chain, abs]);
    for (const f of files) this.file(reg, f);
    return reg;
  }

  private yamlFiles(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(d, { withFileTypes: true });
      } catch (e) {
        this.err(d, undefined, null, `cannot read registry directory: ${(e as Error).message}`);
        return;
      }
      for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (e.name.startsWith('.') || e.name === 'node_modules') continue;
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (/\.ya?ml$/.test(e.name) && out.length < MAX_FILES) out.push(p);
      }
    };
    walk(dir);
    return out;
  }

  private parse(file: string): { root: YamlNode | null; pos: Pos } | undefined {
    let text: string;
    try {
      if (fs.statSync(file).size > MAX_FILE_BYTES) {
        this.err(file, undefined, null, `registry file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; it is skipped`);
        return undefined;
      }
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      this.err(file, undefined, null, `cannot read registry file: ${(e as Error).message}`);
      return undefined;
    }
    const pos = lineTable(text);
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, maxAliasCount: 200 } as never);
    if (doc.errors.length) {
      for (const e of doc.errors) {
        const s = pos(e.pos[0]);
        this.errors.push({ file, ...s, severity: 'error', message: `YAML syntax error: ${e.message.split('\n')[0]}` });
      }
      return undefined;
    }
    return { root: (doc.contents as YamlNode | null) ?? null, pos };
  }

  private manifest(reg: Registry, file: string, chain: string[]): void {
    const p = this.parse(file);
    if (!p || !isMap(p.root)) {
      if (p) this.err(file, p.pos, p.root, 'a registry manifest must be a mapping with name and dependencies');
      return;
    }
    const name = scalar(p.root.get('name', true) as YamlNode);
    if (typeof name === 'string') reg.name = name;
    const deps = p.root.get('dependencies', true) as YamlNode | undefined;
    if (deps === undefined || deps === null) return;
    if (!isSeq(deps)) return this.err(file, p.pos, deps, "'dependencies' must be a list of {schema_url, registry_path}");
    for (const d of deps.items as YamlNode[]) {
      if (!isMap(d)) {
        this.err(file, p.pos, d, 'a dependency must be a mapping with registry_path');
        continue;
      }
      const rpNode = d.get('registry_path', true) as YamlNode | undefined;
      const rp = scalar(rpNode ?? null);
      if (typeof rp !== 'string' || !rp.trim()) {
        this.err(file, p.pos, rpNode ?? d, 'a dependency needs a registry_path (a local directory)');
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rp) || /\[.*\]$/.test(rp)) {
        this.err(file, p.pos, rpNode, `registry_path '${rp}' is remote; Telemetry Lens reads local registries only: check the registry out and point registry_path at its directory`);
        continue;
      }
      const candidates = [path.resolve(path.dirname(file), rp), path.resolve(rp)];
      const dir = candidates.find((c) => isDir(c));
      if (!dir) {
        this.err(file, p.pos, rpNode, `dependency registry '${rp}' not found (looked in ${candidates.map((c) => `'${c}'`).join(' and ')})`);
        continue;
      }
      if (chain.includes(dir)) {
        this.err(file, p.pos, rpNode, `circular registry dependency: ${[...chain, dir].map((c) => path.basename(c)).join(' → ')}`);
        continue;
      }
      if (chain.length >= MAX_REGISTRY_DEPTH) {
        this.err(file, p.pos, rpNode, `registry dependencies go deeper than ${MAX_REGISTRY_DEPTH} levels`);
        continue;
      }
      const dep = this.load(dir, chain);
      if (dep) reg.deps.push(dep);
    }
  }

  private file(reg: Registry, file: string): void {
    const p = this.parse(file);
    if (!p) return;
    const { root, pos } = p;
    if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) return;
    if (!isMap(root)) return this.err(file, pos, root, "a registry file must be a mapping with 'groups:'");
    const version = root.get('version', true) as YamlNode | undefined;
    const format = scalar((root.get('file_format', true) as YamlNode) ?? null);
    if ((version && String(scalar(version)) === '2') || (typeof format === 'string' && format.startsWith('definition/2'))) return this.fileV2(reg, root, file, pos);
    const groups = root.get('groups', true) as YamlNode | undefined;
    if (groups !== undefined && groups !== null) {
      if (!isSeq(groups)) this.err(file, pos, groups, "'groups' must be a list");
      else for (const g of groups.items as YamlNode[]) this.group(reg, g, file, pos);
    }
    const imports = root.get('imports', true) as YamlNode | undefined;
    if (imports && isMap(imports)) {
      for (const pair of imports.items) {
        const kind = String(scalar(pair.key as YamlNode));
        const list = pair.value as YamlNode;
        if (!isSeq(list)) continue;
        for (const item of list.items as YamlNode[]) {
          const pattern = scalar(item);
          if (typeof pattern !== 'string') continue;
          if (kind === 'events' || kind === 'spans' || kind === 'attribute_groups') reg.imports.push({ kind, pattern, at: item, file, pos });
        }
      }
    }
  }

  /**
   * Weaver's version 2 files (`file_format: definition/2`): `attributes:` defined by `key`,
   * `attribute_groups:` and `spans:` (by `type`) listing `ref`s and `ref_group`s, `events:` by `name`.
   * Read as the equivalent version 1 groups; metrics and refinements are not used here.
   */
  private fileV2(reg: Registry, root: YAMLMap, file: string, pos: Pos): void {
    const list = (key: string): YamlNode[] => {
      const n = root.get(key, true) as YamlNode | undefined;
      if (n === undefined || n === null) return [];
      if (!isSeq(n)) {
        this.err(file, pos, n, `'${key}' must be a list`);
        return [];
      }
      return n.items as YamlNode[];
    };
    const attrs = list('attributes');
    if (attrs.length) {
      const id = `registry.v2.${path.relative(reg.dir, file)}`;
      const g: RawGroup = { id, type: 'attribute_group', attrs: [], refGroups: [], file, at: root, pos };
      for (const a of attrs) {
        const raw = this.attribute(a, file, pos, id, 'key');
        if (!raw?.id) continue;
        g.attrs.push(raw);
        const prev = reg.defs.get(raw.id);
        if (prev) this.err(file, pos, a, `attribute '${raw.id}' is defined twice (first at ${path.basename(prev.file)}:${prev.pos(prev.at.range?.[0] ?? 0).line + 1})`);
        else reg.defs.set(raw.id, raw);
      }
      reg.groups.set(id, g);
    }
    for (const n of list('attribute_groups')) this.group(reg, n, file, pos, 'attribute_group');
    for (const n of list('spans')) this.group(reg, n, file, pos, 'span');
    for (const n of list('events')) this.group(reg, n, file, pos, 'event');
  }

  private group(reg: Registry, node: YamlNode, file: string, pos: Pos, v2Type?: string): void {
    if (!isMap(node)) return this.err(file, pos, node, 'a group must be a mapping with id and type');
    // Version 2: a span is named by its `type`, an event by its `name`.
    const idField = v2Type === 'span' ? 'type' : v2Type === 'event' ? 'name' : 'id';
    const idNode = node.get(idField, true) as YamlNode | undefined;
    const rawId = scalar(idNode ?? null);
    if (typeof rawId !== 'string' || !rawId) return this.err(file, pos, idNode ?? node, `a group needs ${idField === 'id' ? 'an id' : `a ${idField}`}`);
    const id = v2Type === 'span' ? `span.${rawId}` : v2Type === 'event' ? `event.${rawId}` : rawId;
    const type = v2Type ?? scalar((node.get('type', true) as YamlNode) ?? null);
    if (typeof type !== 'string') return this.err(file, pos, node, `group '${id}' needs a type (attribute_group, span, event, metric, entity)`);
    if (reg.groups.has(id)) {
      const first = reg.groups.get(id)!;
      this.err(file, pos, idNode, `group '${id}' is defined twice (first at ${path.basename(first.file)}:${first.pos(first.at.range?.[0] ?? 0).line + 1})`);
      return;
    }
    const g: RawGroup = { id, type, attrs: [], refGroups: [], file, at: node, pos };
    const name = v2Type === 'span' ? rawId : scalar((node.get('name', true) as YamlNode) ?? null);
    if (typeof name === 'string') g.name = name;
    const stability = scalar((node.get('stability', true) as YamlNode) ?? null);
    if (typeof stability === 'string') g.stability = stability;
    const dep = this.deprecated(node.get('deprecated', true) as YamlNode, file, pos);
    if (dep) g.deprecated = dep;
    const ext = node.get('extends', true) as YamlNode | undefined;
    if (ext) {
      const e = scalar(ext);
      if (typeof e === 'string') g.extends = { id: e, at: ext };
      else this.err(file, pos, ext, "'extends' must be a group id");
    }
    const attrs = node.get('attributes', true) as YamlNode | undefined;
    // The older `prefix:` of an attribute group: its definitions' ids are relative to it.
    const prefix = scalar((node.get('prefix', true) as YamlNode) ?? null);
    if (attrs && !isSeq(attrs) && !(isScalar(attrs) && attrs.value === null)) this.err(file, pos, attrs, "'attributes' must be a list");
    else if (attrs && isSeq(attrs)) {
      for (const a of attrs.items as YamlNode[]) {
        const rg = isMap(a) ? scalar((a.get('ref_group', true) as YamlNode) ?? null) : undefined;
        if (typeof rg === 'string') {
          g.refGroups.push({ id: rg, at: a });
          continue;
        }
        const raw = this.attribute(a, file, pos, id);
        if (!raw) continue;
        if (raw.id && typeof prefix === 'string' && prefix) raw.id = `${prefix}.${raw.id}`;
        g.attrs.push(raw);
        if (raw.id) {
          const prev = reg.defs.get(raw.id);
          if (prev) this.err(file, pos, a, `attribute '${raw.id}' is defined twice (first at ${path.basename(prev.file)}:${prev.pos(prev.at.range?.[0] ?? 0).line + 1}); use 'ref: ${raw.id}'`);
          else reg.defs.set(raw.id, raw);
        }
      }
    }
    reg.groups.set(id, g);
  }

  private attribute(node: YamlNode, file: string, pos: Pos, group: string, idField: 'id' | 'key' = 'id'): RawAttr | undefined {
    if (!isMap(node)) {
      this.err(file, pos, node, `an attribute of group '${group}' must be a mapping with ${idField} or ref`);
      return undefined;
    }
    const id = scalar((node.get(idField, true) as YamlNode) ?? null);
    const ref = scalar((node.get('ref', true) as YamlNode) ?? null);
    if (typeof id === 'string' && typeof ref === 'string') {
      this.err(file, pos, node, `attribute '${id}' has both id and ref; use one`);
      return undefined;
    }
    if (typeof id !== 'string' && typeof ref !== 'string') {
      this.err(file, pos, node, `an attribute of group '${group}' needs an id (a definition) or a ref (a reuse)`);
      return undefined;
    }
    const spec: Partial<AttributeSpec> = {};
    const raw: RawAttr = { spec, file, at: node, pos };
    if (typeof id === 'string') raw.id = id;
    else raw.ref = ref as string;
    const key = (id ?? ref) as string;
    const typeNode = node.get('type', true) as YamlNode | undefined;
    if (typeNode !== undefined) this.type(typeNode, spec, file, pos, key);
    else if (raw.id) this.err(file, pos, node, `attribute '${key}' needs a type`);
    const rl = node.get('requirement_level', true) as YamlNode | undefined;
    if (rl !== undefined) {
      const level = requirementOf(rl);
      if (level) {
        spec.requirement = level;
        spec.required = level === 'required';
      } else this.err(file, pos, rl, `unknown requirement_level for '${key}' (required, conditionally_required, recommended, opt_in)`);
    }
    const stability = scalar((node.get('stability', true) as YamlNode) ?? null);
    if (typeof stability === 'string') spec.stability = stability;
    const dep = this.deprecated(node.get('deprecated', true) as YamlNode, file, pos);
    if (dep) spec.deprecated = dep;
    const brief = scalar((node.get('brief', true) as YamlNode) ?? null);
    if (typeof brief === 'string' && brief.trim()) spec.description = brief.trim();
    const ex = node.get('examples', true) as YamlNode | undefined;
    if (ex !== undefined) {
      const vals = (isSeq(ex) ? (ex.items as YamlNode[]) : [ex]).map((n) => scalar(n)).filter((v): v is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof v));
      if (vals.length) spec.examples = vals;
    }
    spec.location = { file, ...pos(node.range?.[0] ?? 0) };
    return raw;
  }

  private type(node: YamlNode, spec: Partial<AttributeSpec>, file: string, pos: Pos, key: string): void {
    if (isMap(node)) {
      const members = node.get('members', true) as YamlNode | undefined;
      if (!members || !isSeq(members)) return this.err(file, pos, node, `enum type of '${key}' needs a list of members`);
      const values: (string | number | boolean)[] = [];
      const deprecatedValues: Record<string, string | null> = {};
      for (const m of members.items as YamlNode[]) {
        if (!isMap(m)) continue;
        const v = scalar((m.get('value', true) as YamlNode) ?? null);
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
          this.err(file, pos, m, `enum member of '${key}' needs a value`);
          continue;
        }
        values.push(v);
        const d = this.deprecated(m.get('deprecated', true) as YamlNode, file, pos);
        if (d) deprecatedValues[String(v)] = d.replacement ?? null;
      }
      spec.allowed = values;
      spec.type = values.every((v) => typeof v === 'number' && Number.isInteger(v)) && values.length ? 'int' : values.every((v) => typeof v === 'number') && values.length ? 'float' : 'enum';
      const acv = scalar((node.get('allow_custom_values', true) as YamlNode) ?? null);
      spec.open = acv !== false;
      if (Object.keys(deprecatedValues).length) spec.deprecatedValues = deprecatedValues;
      return;
    }
    const t = scalar(node);
    const mapped = typeof t === 'string' ? mapType(t) : undefined;
    if (!mapped) return this.err(file, pos, node, `unknown type '${String(t)}' for '${key}' (string, int, double, boolean, string[], int[], double[], boolean[], template[…], any or an enum)`);
    Object.assign(spec, mapped);
  }

  private deprecated(node: YamlNode | undefined | null, file: string, pos: Pos): { replacement?: string; reason?: string } | undefined {
    if (node === undefined || node === null) return undefined;
    const s = scalar(node);
    if (typeof s === 'string') return { reason: s };
    if (s === false) return undefined;
    if (!isMap(node)) {
      this.err(file, pos, node, "'deprecated' must be a string or a mapping with reason (renamed, obsoleted, uncategorized)");
      return undefined;
    }
    const out: { replacement?: string; reason?: string } = {};
    const reason = scalar((node.get('reason', true) as YamlNode) ?? null);
    if (typeof reason === 'string') out.reason = reason;
    const to = scalar((node.get('renamed_to', true) as YamlNode) ?? null);
    if (typeof to === 'string' && to) out.replacement = to;
    else if (reason === 'renamed') this.err(file, pos, node, "a 'renamed' deprecation needs renamed_to");
    return out;
  }

  // ---- resolution -------------------------------------------------------------------------------

  /** The attribute `key` as seen from `reg`: its own definitions, then its dependencies'. */
  lookupDef(reg: Registry, key: string, seen = new Set<Registry>()): AttributeSpec | undefined {
    if (seen.has(reg)) return undefined;
    seen.add(reg);
    const hit = reg.resolvedDefs.get(key);
    if (hit) return hit;
    const def = reg.defs.get(key);
    if (def) {
      const spec = finishSpec(key, def.spec, reg.dir);
      reg.resolvedDefs.set(key, spec);
      return spec;
    }
    for (const d of reg.deps) {
      const s = this.lookupDef(d, key, seen);
      if (s) return s;
    }
    return undefined;
  }

  lookupGroup(reg: Registry, id: string, seen = new Set<Registry>()): { group: RawGroup; reg: Registry } | undefined {
    if (seen.has(reg)) return undefined;
    seen.add(reg);
    const g = reg.groups.get(id);
    if (g) return { group: g, reg };
    for (const d of reg.deps) {
      const hit = this.lookupGroup(d, id, seen);
      if (hit) return hit;
    }
    return undefined;
  }

  /** A group's attributes with `extends` and `ref` applied. */
  resolveGroup(reg: Registry, g: RawGroup): AttributeSpec[] {
    if (g.resolved) return g.resolved;
    if (g.resolving) {
      this.err(g.file, g.pos, g.extends?.at, `group '${g.id}' extends itself through a cycle`);
      return [];
    }
    g.resolving = true;
    const byKey = new Map<string, AttributeSpec>();
    for (const inc of [...(g.extends ? [{ ...g.extends, how: 'extends' }] : []), ...g.refGroups.map((r) => ({ ...r, how: 'refers to group' }))]) {
      const base = this.lookupGroup(reg, inc.id);
      if (!base) this.err(g.file, g.pos, inc.at, `group '${g.id}' ${inc.how} '${inc.id}', which is not defined in this registry or its dependencies`);
      else for (const a of this.resolveGroup(base.reg, base.group)) byKey.set(a.name, a);
    }
    for (const a of g.attrs) {
      let spec: AttributeSpec | undefined;
      if (a.id) spec = this.lookupDef(reg, a.id);
      else {
        const key = a.ref!.replace(/^[\w-]+:/, (p) => (reg.deps.some((d) => `${d.name}:` === p) ? '' : p));
        const def = this.lookupDef(reg, key);
        if (!def) {
          this.err(a.file, a.pos, a.at, `attribute '${a.ref}' is not defined in this registry or its dependencies`);
          continue;
        }
        spec = { ...def, ...stripUndefined(a.spec), name: def.name };
        if (!reg.resolvedDefs.has(key)) reg.resolvedDefs.set(key, def);
      }
      if (spec) byKey.set(spec.name, spec);
    }
    g.resolving = false;
    g.resolved = [...byKey.values()];
    return g.resolved;
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && k !== 'location') (out as Record<string, unknown>)[k] = v;
  return out;
}

function finishSpec(key: string, spec: Partial<AttributeSpec>, origin: string): AttributeSpec {
  const out: AttributeSpec = { type: 'any', ...spec, name: key, required: spec.requirement === 'required', origin };
  return out;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function scalar(n: YamlNode | null | undefined): unknown {
  return n && isScalar(n) ? n.value : undefined;
}

function requirementOf(node: YamlNode): RequirementLevel | undefined {
  const s = scalar(node);
  if (s === 'required' || s === 'recommended' || s === 'opt_in' || s === 'conditionally_required') return s;
  if (isMap(node)) {
    for (const k of ['conditionally_required', 'recommended', 'opt_in'] as const) if ((node as YAMLMap).has(k)) return k;
  }
  return undefined;
}

const PRIMITIVES: Record<string, AttributeSpec['type']> = { string: 'string', int: 'int', double: 'float', boolean: 'bool', any: 'any' };
const ITEMS: Record<string, NonNullable<AttributeSpec['items']>> = { string: 'string', int: 'int', double: 'float', boolean: 'bool' };

/** Weaver's type names → the schema model. */
export function mapType(t: string): Partial<AttributeSpec> | undefined {
  const tm = /^template\[(.+)\]$/.exec(t);
  if (tm) {
    const inner = mapType(tm[1]!);
    return inner ? { ...inner, template: true } : undefined;
  }
  const am = /^(string|int|double|boolean)\[\]$/.exec(t);
  if (am) return { type: 'array', items: ITEMS[am[1]!] };
  const p = PRIMITIVES[t];
  return p ? { type: p } : undefined;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
}

/** Loads the Weaver registry in `dir`: its spans and events as schema events, its attributes as a lookup. */
export function loadRegistry(dir: string): RegistryLoad {
  const loader = new Loader();
  const reg = loader.load(dir);
  if (!reg) return { name: path.basename(dir), events: [], attributes: { label: `registry ${path.basename(dir)}`, attributes: new Map() }, errors: loader.errors };
  const events: EventSpec[] = [];
  const toEvent = (r: Registry, g: RawGroup): EventSpec | undefined => {
    if (g.type !== 'span' && g.type !== 'event') return undefined;
    const name = g.name ?? g.id.replace(g.type === 'span' ? /^span\./ : /^event\./, '');
    const ev: EventSpec = { id: name, name, kind: g.type === 'span' ? 'span' : 'log', attributes: loader.resolveGroup(r, g), location: { file: g.file, ...g.pos(g.at.range?.[0] ?? 0) } };
    if (g.deprecated) ev.deprecated = g.deprecated;
    return ev;
  };
  for (const g of reg.groups.values()) {
    const attrs = loader.resolveGroup(reg, g);
    for (const a of attrs) if (!reg.resolvedDefs.has(a.name)) reg.resolvedDefs.set(a.name, a);
    const ev = toEvent(reg, g);
    if (ev) events.push(ev);
  }
  // Every definition of the registry itself is an attribute of it, referenced or not.
  for (const key of reg.defs.keys()) loader.lookupDef(reg, key);
  // Imported signals and attribute groups of the dependencies.
  const matched = new Set<(typeof reg.imports)[number]>();
  const seenDeps = new Set<Registry>();
  const walk = (r: Registry) => {
    for (const d of r.deps) {
      if (seenDeps.has(d)) continue;
      seenDeps.add(d);
      for (const g of d.groups.values()) {
        for (const imp of reg.imports) {
          const kind = g.type === 'span' ? 'spans' : g.type === 'event' ? 'events' : g.type === 'attribute_group' ? 'attribute_groups' : undefined;
          if (imp.kind !== kind) continue;
          const keys = [g.id, g.name, g.id.replace(/^(span|event|registry)\./, '')].filter((k): k is string => !!k);
          if (!keys.some((k) => globToRegExp(imp.pattern).test(k))) continue;
          matched.add(imp);
          const attrs = loader.resolveGroup(d, g);
          for (const a of attrs) if (!reg.resolvedDefs.has(a.name)) reg.resolvedDefs.set(a.name, a);
          const ev = toEvent(d, g);
          if (ev && !events.some((e) => e.id === ev.id)) events.push(ev);
        }
      }
      walk(d);
    }
  };
  walk(reg);
  for (const imp of reg.imports) if (!matched.has(imp)) loader.err(imp.file, imp.pos, imp.at, `import '${imp.pattern}' matches no ${imp.kind.replace(/s$/, '').replace('_', ' ')} in the dependencies`, 'warning');
  return { name: reg.name, events, attributes: { label: `registry ${reg.name}`, attributes: reg.resolvedDefs, dirs: [...loader.loaded.keys()] }, errors: loader.errors };
}
