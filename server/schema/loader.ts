// Loads telemetry.schema.yaml/.yml/.json into the Schema model. The file is parsed with `yaml`
// (JSON is valid YAML, so one parser gives positions for both) and validated by hand against the
// model, so every problem carries a line and column. Loading never throws: it returns the schema it
// could build plus SchemaError[]; when the file cannot be used at all it falls back to the bundled
// default and says so. File format: docs/schema.md; JSON Schema: schema/telemetry.schema.json.
import fs from 'node:fs';
import path from 'node:path';
import { Document, isMap, isScalar, parseDocument, visit } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import defaultHealthText from './default-health.yaml';
import defaultSchemaText from './default.schema.yaml';
import type { Conventions, Schema, SchemaError } from './model';
import { lineTable } from '../model/positions';
import { loadRegistry } from './registry';
import { TOP_KEYS, Validator } from './validator';

export { ATTRIBUTE_TYPES, closest, valueFitsType } from './validator';

export interface LoadResult {
  schema: Schema;
  errors: SchemaError[];
  /**
   * The file could not be used at all (unreadable, too large, not YAML/JSON, not a mapping): `schema`
   * is the bundled default. The CLI stops on it; the editor lints with the default and says so.
   */
  unusable?: true;
}

export const BUNDLED_SOURCE = 'bundled:default';
/** Schema files larger than this are refused (a schema is hand-written; megabytes mean a mistake). */
export const MAX_SCHEMA_BYTES = 2 * 1024 * 1024;
/** Alias expansion budget passed to `yaml`: enough for `<<: *defaults`, far too little for a bomb. */
export const MAX_ALIAS_COUNT = 200;
export const SCHEMA_FILE_NAMES = ['telemetry.schema.yaml', 'telemetry.schema.yml', 'telemetry.schema.json'] as const;
export const SUPPORTED_VERSIONS = [1];


/** Conventions when a schema file leaves them out: the dotted `category.action` naming convention, a 50-attribute limit. */
export function defaultConventions(): Conventions {
  return {
    eventNameStyle: 'dotted.snake_case',
    attributeNameStyle: 'snake_case',
    tense: true,
    errorSuffixes: ['.error', '_error'],
    maxAttributes: 50,
    sensitiveNames: [],
    requiredContext: [],
    wrappers: [],
  };
}

/** Finds the schema file: a configured path (relative to the workspace root) wins, else the first of SCHEMA_FILE_NAMES. */
export function findSchemaFile(workspaceRoot: string, configured?: string): string | undefined {
  if (configured && configured.trim()) {
    const p = path.resolve(workspaceRoot, configured.trim());
    return p;
  }
  for (const name of SCHEMA_FILE_NAMES) {
    const p = path.join(workspaceRoot, name);
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

let bundled: Schema | undefined;
let bundledErrors: SchemaError[] = [];

/** The bundled default schema (Code Puppy's events, the `category.action` convention, the bundled health checks), parsed once. */
export function bundledSchema(): Schema {
  if (!bundled) {
    const r = parseSchema(defaultSchemaText, BUNDLED_SOURCE);
    // Health checks and saved queries live in their own file (default-health.yaml).
    const extra = parseSchema(defaultHealthText, `${BUNDLED_SOURCE}:health`);
    r.schema.health.push(...extra.schema.health);
    r.schema.queries.push(...extra.schema.queries);
    r.errors.push(...extra.errors);
    r.schema.source = BUNDLED_SOURCE;
    bundled = r.schema;
    bundledErrors = r.errors;
  }
  return bundled;
}

/** Problems in the bundled default itself (tests assert there are none). */
export function bundledSchemaErrors(): SchemaError[] {
  bundledSchema();
  return bundledErrors;
}

function emptySchemaMessage(what: string): string {
  return `${what}: it declares no events, health checks or conventions, so every telemetry call is accepted as is (add 'extends: default' for the bundled events and checks, or declare your own events)`;
}

/** Reads and loads a schema file; unreadable, huge or unusable files fall back to the bundled default. */
export function loadSchemaFile(file: string): LoadResult {
  const abs = path.resolve(file);
  let size: number;
  try {
    const st = fs.statSync(abs);
    if (st.isDirectory()) return loadRegistrySchema(abs);
    size = st.size;
  } catch (e) {
    return fallback(abs, 0, 0, `cannot read schema file: ${errnoMessage(e)}`);
  }
  if (size > MAX_SCHEMA_BYTES) {
    return fallback(abs, 0, 0, `schema file is ${formatBytes(size)}; the limit is ${formatBytes(MAX_SCHEMA_BYTES)}`);
  }
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    return fallback(abs, 0, 0, `cannot read schema file: ${errnoMessage(e)}`);
  }
  return loadSchemaFromText(text, abs);
}

/** Loads a schema from text; `file` names it in errors and locations. */
export function loadSchemaFromText(text: string, file: string): LoadResult {
  if (text.length > MAX_SCHEMA_BYTES) {
    return fallback(file, 0, 0, `schema file is ${formatBytes(text.length)}; the limit is ${formatBytes(MAX_SCHEMA_BYTES)}`);
  }
  const r = parseSchema(text, file);
  if (r.registryPaths?.length) layerRegistries(r, file);
  if (r.fatal) {
    const res = fallback(file, r.fatal.line, r.fatal.character, r.fatal.message);
    res.errors.unshift(...r.errors.filter((e) => e !== r.fatal));
    return res;
  }
  if (r.extendsDefault) {
    const base = bundledSchema();
    const own = r.conventionKeys ?? new Set<string>();
    const conv = r.schema.conventions as unknown as Record<string, unknown>;
    const baseConv = base.conventions as unknown as Record<string, unknown>;
    for (const k of Object.keys(baseConv)) if (!own.has(k)) conv[k] = structuredClone(baseConv[k]);
    const ownEvents = new Set(r.schema.events.map((e) => e.id));
    r.schema.events = [...base.events.filter((e) => !ownEvents.has(e.id)), ...r.schema.events];
    const ownChecks = new Set(r.schema.health.map((h) => h.id));
    r.schema.health = [...base.health.filter((h) => !ownChecks.has(h.id)), ...r.schema.health];
    const ownQueries = new Set(r.schema.queries.map((q) => q.name));
    r.schema.queries = [...base.queries.filter((q) => !ownQueries.has(q.name)), ...r.schema.queries];
  }
  r.schema.declaredConventions = [...(r.conventionKeys ?? [])];
  return { schema: r.schema, errors: r.errors };
}

/** A Weaver registry directory as the whole schema: its spans and events, its attributes as a layer. */
export function loadRegistrySchema(dir: string): LoadResult {
  const reg = loadRegistry(dir);
  const schema = emptySchema(dir);
  schema.events = reg.events;
  schema.registries = [reg.attributes];
  return { schema, errors: reg.errors };
}

/** `registries:` in a schema file: each registry's events under the file's own (same id: the file wins), its attributes as layers. */
function layerRegistries(r: ParseResult, file: string): void {
  const own = new Set(r.schema.events.map((e) => e.id));
  const layers = [];
  for (const entry of r.registryPaths!) {
    const dir = path.resolve(path.dirname(file), entry.path);
    let isDir = false;
    try {
      isDir = fs.statSync(dir).isDirectory();
    } catch {
      /* reported below */
    }
    if (!isDir) {
      r.errors.push({ file, line: entry.line, character: entry.character, severity: 'error', message: `registry '${entry.path}' is not a directory (looked for '${dir}')` });
      continue;
    }
    const reg = loadRegistry(dir);
    r.errors.push(...reg.errors);
    layers.push(reg.attributes);
    for (const ev of reg.events) {
      if (own.has(ev.id)) continue;
      own.add(ev.id);
      r.schema.events.push(ev);
    }
  }
  r.schema.registries = layers;
}

function fallback(file: string, line: number, character: number, message: string): LoadResult {
  return { schema: bundledSchema(), errors: [{ file, line, character, severity: 'error', message }], unusable: true };
}

function errnoMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT') return 'file not found';
  if (err?.code === 'EISDIR') return 'it is a directory';
  return err?.message ?? String(e);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(n / 1024)} KiB`;
}

interface ParseResult extends LoadResult {
  fatal?: SchemaError;
  extendsDefault: boolean;
  /** Convention keys the file sets (the others come from the base: defaults, or the bundled schema with `extends`). */
  conventionKeys?: Set<string>;
  /** `registries:` entries (paths relative to the schema file) with their positions. */
  registryPaths?: { path: string; line: number; character: number }[];
}

function emptySchema(file: string): Schema {
  return { source: file, version: 1, strict: false, events: [], conventions: defaultConventions(), health: [], queries: [], rules: {} };
}

function parseSchema(text: string, file: string): ParseResult {
  const errors: SchemaError[] = [];
  const schema = emptySchema(file);
  // Offsets → 0-based line/character from our own line table: yaml's LineCounter misses line breaks
  // inside some malformed block scalars, which put columns past the end of their line.
  const pos = lineTable(text);
  const result = (fatal?: SchemaError): ParseResult => {
    const r: ParseResult = { schema, errors, extendsDefault: false };
    if (fatal) r.fatal = fatal;
    return r;
  };

  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (e) {
    const fatal: SchemaError = { file, line: 0, character: 0, severity: 'error', message: `cannot parse schema: ${String(e)}` };
    errors.push(fatal);
    return result(fatal);
  }
  for (const e of doc.errors) {
    const s = pos(e.pos[0]);
    const en = pos(e.pos[1]);
    const msg = e.message.split('\n')[0] ?? e.message;
    errors.push({ file, ...s, endLine: en.line, endCharacter: en.character, severity: 'error', message: `YAML syntax error: ${msg}` });
  }
  if (errors.length > 0) return result(errors[0]);

  // Expand aliases once under a budget: a "billion laughs" document is refused before we walk it.
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    let at: YamlNode | undefined;
    visit(doc, {
      Alias(_k, n) {
        at = n;
        return visit.BREAK;
      },
    });
    const r = at?.range ?? [0, 0, 0];
    const reason = String((e as Error).message ?? e);
    const message = /Excessive alias count/.test(reason)
      ? `YAML aliases expand beyond ${MAX_ALIAS_COUNT} nodes (an alias bomb?); the schema is refused`
      : at
        ? `YAML alias cannot be resolved: ${reason}`
        : `cannot read the YAML document: ${reason}`;
    const fatal: SchemaError = { file, ...pos(r[0]), severity: 'error', message };
    errors.push(fatal);
    return result(fatal);
  }

  const v = new Validator(doc, file, pos, errors);
  const root = v.deref(doc.contents as YamlNode | null);
  if (root === null || root === undefined || (isScalar(root) && (root.value === null || root.value === ''))) {
    // An empty file (or `null`) is a valid, empty schema, but almost always a mistake: say so.
    const what = !root ? 'the schema file is empty' : root.value === null ? 'the schema is null' : 'the schema is an empty string';
    v.warn(root ?? null, emptySchemaMessage(what));
    return result();
  }
  if (!isMap(root)) {
    const fatal = v.error(root, 'the schema must be a mapping with keys such as version, events, conventions');
    return result(fatal);
  }
  if (root.items.length === 0) v.warn(root, emptySchemaMessage('the schema is an empty mapping'));
  let extendsDefault = false;
  const conventionKeys = new Set<string>();
  const registryPaths: NonNullable<ParseResult['registryPaths']> = [];
  for (const pair of root.items) {
    const key = v.key(pair);
    if (key === undefined) continue;
    const value = v.deref(pair.value as YamlNode | null);
    switch (key) {
      case '$schema':
        break;
      case 'version': {
        const n = v.number(value, 'version', true);
        if (n !== undefined) {
          if (!SUPPORTED_VERSIONS.includes(n)) v.error(value, `unsupported schema version ${n} (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
          else schema.version = n;
        }
        break;
      }
      case 'extends': {
        const s = v.string(value, 'extends');
        if (s === 'default') extendsDefault = true;
        else if (s !== undefined) v.error(value, `'extends' must be 'default' (the bundled schema), got '${s}'`);
        break;
      }
      case 'strict': {
        const b = v.bool(value, 'strict');
        if (b !== undefined) schema.strict = b;
        break;
      }
      case 'conventions':
        v.conventions(value, schema.conventions);
        if (isMap(value)) for (const p of value.items) if (isScalar(p.key)) conventionKeys.add(String(p.key.value));
        break;
      case 'events':
        schema.events = v.events(value);
        break;
      case 'health':
        schema.health = v.health(value);
        break;
      case 'queries':
        schema.queries = v.queries(value);
        break;
      case 'rules':
        schema.rules = v.rules(value);
        break;
      case 'registries': {
        const items = isScalar(value) ? [value] : v.list(value, 'registries');
        for (const item of items ?? []) {
          const p = v.string(item, 'registries entry');
          if (p !== undefined) registryPaths.push({ path: p, ...pos(item?.range?.[0] ?? 0) });
        }
        break;
      }
      case 'compare': {
        const c = v.compare(value);
        if (c) schema.compare = c;
        break;
      }
      default:
        v.unknownKey(pair, key, TOP_KEYS, 'top-level key');
    }
  }
  const r = result();
  r.extendsDefault = extendsDefault;
  r.conventionKeys = conventionKeys;
  r.registryPaths = registryPaths;
  return r;
}
