// Loads telemetry.schema.yaml/.yml/.json into the Schema model. The file is parsed with `yaml`
// (JSON is valid YAML, so one parser gives positions for both) and validated by hand against the
// model, so every problem carries a line and column. Loading never throws: it returns the schema it
// could build plus SchemaError[]; when the file cannot be used at all it falls back to the bundled
// default and says so. File format: docs/schema.md; JSON Schema: schema/telemetry.schema.json.
import fs from 'node:fs';
import path from 'node:path';
import { distance } from 'fastest-levenshtein';
import { Document, isAlias, isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap } from 'yaml';
import defaultHealthText from './default-health.yaml';
import defaultSchemaText from './default.schema.yaml';
import type {
  AttributeSpec,
  AttributeType,
  Conventions,
  EventSpec,
  HealthCheckSpec,
  LevelName,
  SavedQuery,
  Schema,
  SchemaError,
  SchemaLocation,
  WrapperSpec,
} from './model';
import { parseTemplate } from './template';

export interface LoadResult {
  schema: Schema;
  errors: SchemaError[];
}

export const BUNDLED_SOURCE = 'bundled:default';
/** Schema files larger than this are refused (a schema is hand-written; megabytes mean a mistake). */
export const MAX_SCHEMA_BYTES = 2 * 1024 * 1024;
/** Alias expansion budget passed to `yaml`: enough for `<<: *defaults`, far too little for a bomb. */
export const MAX_ALIAS_COUNT = 200;
export const SCHEMA_FILE_NAMES = ['telemetry.schema.yaml', 'telemetry.schema.yml', 'telemetry.schema.json'] as const;
export const SUPPORTED_VERSIONS = [1];

export const LEVELS: readonly LevelName[] = ['trace', 'debug', 'info', 'notice', 'warn', 'error', 'fatal'];
const LEVEL_ALIASES: Record<string, LevelName> = { warning: 'warn', critical: 'fatal', exception: 'error', err: 'error' };
export const ATTRIBUTE_TYPES: readonly AttributeType[] = ['string', 'int', 'float', 'bool', 'enum', 'array', 'object', 'any'];
const TYPE_ALIASES: Record<string, AttributeType> = {
  str: 'string',
  text: 'string',
  integer: 'int',
  number: 'float',
  double: 'float',
  boolean: 'bool',
  list: 'array',
  dict: 'object',
  map: 'object',
};
const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'] as const;
type SeverityValue = (typeof SEVERITIES)[number];

const TOP_KEYS = ['$schema', 'version', 'extends', 'strict', 'conventions', 'events', 'health', 'queries', 'rules'];
const CONVENTION_KEYS = [
  'eventNameStyle',
  'attributeNameStyle',
  'tense',
  'errorSuffixes',
  'maxAttributes',
  'sensitiveNames',
  'requiredContext',
  'wrappers',
];
const EVENT_KEYS = ['template', 'name', 'level', 'kind', 'description', 'source', 'attributes', 'deprecated'];
const ATTRIBUTE_KEYS = [
  'type',
  'required',
  'allowed',
  'values',
  'open',
  'min',
  'max',
  'pattern',
  'sensitive',
  'description',
  'examples',
  'deprecated',
];
const WRAPPER_KEYS = ['name', 'kind', 'level', 'messageArg', 'languages'];
const HEALTH_KEYS = ['id', 'name', 'description', 'sql', 'verdict', 'expectation'];
const QUERY_KEYS = ['name', 'sql', 'description'];

/** Conventions when a schema file leaves them out: seed 002's naming convention, seed 003's limits. */
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

/** The bundled default schema (seed 000's events + seed 002 conventions + the seed's health checks), parsed once. */
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

/** Reads and loads a schema file; unreadable, huge or unusable files fall back to the bundled default. */
export function loadSchemaFile(file: string): LoadResult {
  const abs = path.resolve(file);
  let size: number;
  try {
    size = fs.statSync(abs).size;
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
  return { schema: r.schema, errors: r.errors };
}

function fallback(file: string, line: number, character: number, message: string): LoadResult {
  return {
    schema: bundledSchema(),
    errors: [{ file, line, character, severity: 'error', message: `${message}; using the bundled default schema instead` }],
  };
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
}

function emptySchema(file: string): Schema {
  return { source: file, version: 1, strict: false, events: [], conventions: defaultConventions(), health: [], queries: [], rules: {} };
}

function parseSchema(text: string, file: string): ParseResult {
  const errors: SchemaError[] = [];
  const schema = emptySchema(file);
  // Offsets → 0-based line/character from our own line table: yaml's LineCounter misses line breaks
  // inside some malformed block scalars, which put columns past the end of their line.
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const pos = (offset: number) => {
    const o = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo]! };
  };
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
    // An empty file is a valid, empty schema: the conventions' defaults apply and no events are declared.
    return result();
  }
  if (!isMap(root)) {
    const fatal = v.error(root, 'the schema must be a mapping with keys such as version, events, conventions');
    return result(fatal);
  }
  let extendsDefault = false;
  const conventionKeys = new Set<string>();
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
      default:
        v.unknownKey(pair, key, TOP_KEYS, 'top-level key');
    }
  }
  const r = result();
  r.extendsDefault = extendsDefault;
  r.conventionKeys = conventionKeys;
  return r;
}

type Pos = (offset: number) => { line: number; character: number };

/** Hand-written structural validation of the YAML tree against the Schema model. */
class Validator {
  constructor(
    private doc: Document.Parsed,
    private file: string,
    private pos: Pos,
    private errors: SchemaError[],
  ) {}

  deref(node: YamlNode | null | undefined): YamlNode | null {
    if (!node) return null;
    if (isAlias(node)) return (node.resolve(this.doc) as YamlNode | undefined) ?? null;
    return node;
  }

  private push(node: YamlNode | null | undefined, message: string, severity: 'error' | 'warning'): SchemaError {
    const r = node?.range ?? [0, 0, 0];
    const s = this.pos(r[0]);
    const e = this.pos(r[1]);
    const err: SchemaError = { file: this.file, ...s, endLine: e.line, endCharacter: e.character, message, severity };
    this.errors.push(err);
    return err;
  }
  error(node: YamlNode | null | undefined, message: string): SchemaError {
    return this.push(node, message, 'error');
  }
  warn(node: YamlNode | null | undefined, message: string): SchemaError {
    return this.push(node, message, 'warning');
  }

  location(node: YamlNode | null | undefined): SchemaLocation {
    const r = node?.range ?? [0, 0, 0];
    return { file: this.file, ...this.pos(r[0]) };
  }

  key(pair: Pair): string | undefined {
    const k = pair.key as YamlNode | null;
    if (isScalar(k) && (typeof k.value === 'string' || typeof k.value === 'number')) return String(k.value);
    this.error(k, 'keys must be plain strings');
    return undefined;
  }

  unknownKey(pair: Pair, key: string, known: readonly string[], what: string): void {
    const hint = closest(key, known);
    this.warn(pair.key as YamlNode, `unknown ${what} '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; it is ignored`);
  }

  private typeName(node: YamlNode | null): string {
    if (node === null) return 'nothing';
    if (isMap(node)) return 'a mapping';
    if (isSeq(node)) return 'a list';
    if (isScalar(node)) {
      const v = node.value;
      if (v === null) return 'null';
      if (typeof v === 'number') return `the number ${v}`;
      if (typeof v === 'boolean') return `${v}`;
      return `the string '${String(v).slice(0, 40)}'`;
    }
    return 'something else';
  }

  string(node: YamlNode | null, field: string, allowEmpty = false): string | undefined {
    if (isScalar(node) && typeof node.value === 'string' && (allowEmpty || node.value.trim() !== '')) return node.value;
    this.error(node, `'${field}' must be a ${allowEmpty ? '' : 'non-empty '}string, got ${this.typeName(node)}`);
    return undefined;
  }
  number(node: YamlNode | null, field: string, integer = false): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value)) {
      if (integer && !Number.isInteger(node.value)) {
        this.error(node, `'${field}' must be an integer, got ${node.value}`);
        return undefined;
      }
      return node.value;
    }
    this.error(node, `'${field}' must be a number, got ${this.typeName(node)}`);
    return undefined;
  }
  bool(node: YamlNode | null, field: string): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.error(node, `'${field}' must be true or false, got ${this.typeName(node)}`);
    return undefined;
  }
  map(node: YamlNode | null, field: string): YAMLMap | undefined {
    if (isMap(node)) return node;
    this.error(node, `'${field}' must be a mapping, got ${this.typeName(node)}`);
    return undefined;
  }
  list(node: YamlNode | null, field: string): (YamlNode | null)[] | undefined {
    if (isSeq(node)) return node.items.map((n) => this.deref(n as YamlNode));
    this.error(node, `'${field}' must be a list, got ${this.typeName(node)}`);
    return undefined;
  }
  stringList(node: YamlNode | null, field: string): string[] | undefined {
    const items = this.list(node, field);
    if (!items) return undefined;
    const out: string[] = [];
    for (const it of items) {
      const s = this.string(it, `${field}[]`);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  scalarList(node: YamlNode | null, field: string): (string | number | boolean)[] | undefined {
    const items = this.list(node, field);
    if (!items) return undefined;
    const out: (string | number | boolean)[] = [];
    for (const it of items) {
      if (isScalar(it) && (typeof it.value === 'string' || typeof it.value === 'number' || typeof it.value === 'boolean')) out.push(it.value);
      else this.error(it, `'${field}' entries must be strings, numbers or booleans, got ${this.typeName(it)}`);
    }
    return out;
  }
  /** Iterates a mapping's pairs with dereferenced values, warning on keys outside `known`. */
  *entries(m: YAMLMap, known: readonly string[], what: string): Generator<[string, YamlNode | null, Pair]> {
    for (const pair of m.items) {
      const key = this.key(pair);
      if (key === undefined) continue;
      if (!known.includes(key)) {
        this.unknownKey(pair, key, known, what);
        continue;
      }
      yield [key, this.deref(pair.value as YamlNode | null), pair];
    }
  }

  regex(node: YamlNode | null, field: string): string | undefined {
    const s = this.string(node, field);
    if (s === undefined) return undefined;
    try {
      new RegExp(s, 'u');
      return s;
    } catch (e) {
      this.error(node, `'${field}' is not a valid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
      return undefined;
    }
  }

  level(node: YamlNode | null): LevelName | undefined {
    const s = this.string(node, 'level');
    if (s === undefined) return undefined;
    const l = s.toLowerCase();
    if ((LEVELS as string[]).includes(l)) return l as LevelName;
    if (LEVEL_ALIASES[l]) return LEVEL_ALIASES[l];
    this.error(node, `unknown level '${s}' (expected one of ${LEVELS.join(', ')})`);
    return undefined;
  }

  deprecated(node: YamlNode | null): { replacement?: string; reason?: string } | undefined {
    if (isScalar(node) && node.value === true) return {};
    if (isScalar(node) && node.value === false) return undefined;
    if (isScalar(node) && typeof node.value === 'string') return { reason: node.value };
    const m = this.map(node, 'deprecated');
    if (!m) return undefined;
    const out: { replacement?: string; reason?: string } = {};
    for (const [k, v] of this.entries(m, ['replacement', 'reason'], 'deprecated key')) {
      const s = this.string(v, `deprecated.${k}`);
      if (s !== undefined) out[k as 'replacement' | 'reason'] = s;
    }
    return out;
  }

  conventions(node: YamlNode | null, c: Conventions): void {
    const m = this.map(node, 'conventions');
    if (!m) return;
    for (const [key, v] of this.entries(m, CONVENTION_KEYS, 'convention')) {
      switch (key) {
        case 'eventNameStyle': {
          const s = this.oneOf(v, key, ['dotted.snake_case', 'snake_case', 'any']);
          if (s) c.eventNameStyle = s as Conventions['eventNameStyle'];
          break;
        }
        case 'attributeNameStyle': {
          const s = this.oneOf(v, key, ['snake_case', 'camelCase', 'any']);
          if (s) c.attributeNameStyle = s as Conventions['attributeNameStyle'];
          break;
        }
        case 'tense': {
          const b = this.bool(v, key);
          if (b !== undefined) c.tense = b;
          break;
        }
        case 'errorSuffixes': {
          const l = this.stringList(v, key);
          if (l) c.errorSuffixes = l;
          break;
        }
        case 'maxAttributes': {
          const n = this.number(v, key, true);
          if (n !== undefined && n < 1) this.error(v, `'maxAttributes' must be at least 1, got ${n}`);
          else if (n !== undefined) c.maxAttributes = n;
          break;
        }
        case 'sensitiveNames': {
          const items = this.list(v, key);
          if (items) c.sensitiveNames = items.map((it) => this.regex(it, 'sensitiveNames[]')).filter((s): s is string => s !== undefined);
          break;
        }
        case 'requiredContext': {
          const l = this.stringList(v, key);
          if (l) c.requiredContext = l;
          break;
        }
        case 'wrappers': {
          const items = this.list(v, key);
          if (items) c.wrappers = items.map((it) => this.wrapper(it)).filter((w): w is WrapperSpec => w !== undefined);
          break;
        }
      }
    }
  }

  oneOf(node: YamlNode | null, field: string, options: readonly string[]): string | undefined {
    const s = this.string(node, field);
    if (s === undefined) return undefined;
    if (options.includes(s)) return s;
    const hint = closest(s, options);
    this.error(node, `'${field}' must be one of ${options.join(', ')}, got '${s}'${hint ? ` (did you mean '${hint}'?)` : ''}`);
    return undefined;
  }

  wrapper(node: YamlNode | null): WrapperSpec | undefined {
    if (isScalar(node) && typeof node.value === 'string' && node.value.trim()) return { name: node.value.trim(), kind: 'log' };
    const m = this.map(node, 'wrappers[]');
    if (!m) return undefined;
    const w: Partial<WrapperSpec> = {};
    for (const [key, v] of this.entries(m, WRAPPER_KEYS, 'wrapper key')) {
      if (key === 'name') w.name = this.string(v, 'name');
      else if (key === 'kind') w.kind = this.oneOf(v, 'kind', ['log', 'span']) as WrapperSpec['kind'] | undefined;
      else if (key === 'level') w.level = this.level(v);
      else if (key === 'messageArg') {
        const n = this.number(v, 'messageArg', true);
        if (n !== undefined && n < 0) this.error(v, `'messageArg' must be 0 or more, got ${n}`);
        else if (n !== undefined) w.messageArg = n;
      } else if (key === 'languages') {
        const l = this.stringList(v, 'languages');
        const ok = ['python', 'typescript', 'javascript'];
        if (l) {
          const bad = l.filter((x) => !ok.includes(x));
          if (bad.length) this.error(v, `unknown language ${bad.map((b) => `'${b}'`).join(', ')} (expected ${ok.join(', ')})`);
          w.languages = l.filter((x) => ok.includes(x)) as WrapperSpec['languages'];
        }
      }
    }
    if (!w.name) {
      if (!m.items.some((p) => this.key(p) === 'name')) this.error(m, "a wrapper needs a 'name' (the function as called, e.g. log_info)");
      return undefined;
    }
    const out: WrapperSpec = { name: w.name, kind: w.kind ?? 'log' };
    if (w.level) out.level = w.level;
    if (w.messageArg !== undefined) out.messageArg = w.messageArg;
    if (w.languages) out.languages = w.languages;
    return out;
  }

  events(node: YamlNode | null): EventSpec[] {
    const items = this.list(node, 'events');
    if (!items) return [];
    const out: EventSpec[] = [];
    const seenTemplates = new Map<string, SchemaLocation>();
    const seenNames = new Map<string, SchemaLocation>();
    for (const item of items) {
      const ev = this.event(item);
      if (!ev) continue;
      let dup = false;
      for (const [val, seen, what] of [
        [ev.template, seenTemplates, 'template'],
        [ev.name, seenNames, 'name'],
      ] as const) {
        if (val === undefined) continue;
        const prev = seen.get(val);
        if (prev) {
          this.error(item, `duplicate event ${what} '${val}' (first declared at line ${prev.line + 1}); this one is ignored`);
          dup = true;
        }
      }
      if (dup) continue;
      if (ev.template !== undefined) seenTemplates.set(ev.template, ev.location!);
      if (ev.name !== undefined) seenNames.set(ev.name, ev.location!);
      out.push(ev);
    }
    return out;
  }

  event(node: YamlNode | null): EventSpec | undefined {
    const m = this.map(node, 'events[]');
    if (!m) return undefined;
    const ev: Partial<EventSpec> & { attributes: AttributeSpec[] } = { attributes: [] };
    let anchorNode: YamlNode | null = null;
    let templateNode: YamlNode | null = null;
    for (const [key, v] of this.entries(m, EVENT_KEYS, 'event key')) {
      switch (key) {
        case 'template': {
          const s = this.string(v, 'template');
          if (s !== undefined) {
            ev.template = s;
            templateNode = v;
            anchorNode = v;
          }
          break;
        }
        case 'name': {
          const s = this.string(v, 'name');
          if (s !== undefined) {
            if (/\s/.test(s.trim())) this.warn(v, `event name '${s}' contains spaces; names are identifiers like 'agent.created' (use 'template' for messages)`);
            ev.name = s.trim();
            anchorNode ??= v;
          }
          break;
        }
        case 'level':
          ev.level = this.level(v);
          break;
        case 'kind':
          ev.kind = this.oneOf(v, 'kind', ['log', 'span']) as EventSpec['kind'];
          break;
        case 'description':
        case 'source':
          ev[key] = this.string(v, key, true);
          break;
        case 'deprecated': {
          const d = this.deprecated(v);
          if (d) ev.deprecated = d;
          break;
        }
        case 'attributes':
          ev.attributes = this.attributes(v);
          break;
      }
    }
    if (ev.template === undefined && ev.name === undefined) {
      this.error(m, "an event needs a 'template' (its message, e.g. 'Rate limit: {model}') or a 'name' (e.g. 'agent.created')");
      return undefined;
    }
    if (templateNode && ev.template !== undefined) {
      const parsed = parseTemplate(ev.template);
      for (const p of parsed.problems) this.error(templateNode, `template '${ev.template}': ${p.message}`);
    }
    const out: EventSpec = { id: ev.name ?? ev.template!, attributes: ev.attributes, location: this.location(anchorNode ?? m) };
    for (const k of ['template', 'name', 'level', 'kind', 'description', 'source', 'deprecated'] as const) {
      if (ev[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = ev[k];
    }
    return out;
  }

  attributes(node: YamlNode | null): AttributeSpec[] {
    if (isSeq(node)) {
      this.error(node, "'attributes' must be a mapping of attribute name to its spec (e.g. `model: {type: string, required: true}`), not a list");
      return [];
    }
    const m = this.map(node, 'attributes');
    if (!m) return [];
    const out: AttributeSpec[] = [];
    for (const pair of m.items) {
      const name = this.key(pair);
      if (name === undefined) continue;
      const a = this.attribute(name, pair.key as YamlNode, this.deref(pair.value as YamlNode | null));
      if (a) out.push(a);
    }
    return out;
  }

  attrType(node: YamlNode | null): AttributeType | undefined {
    const s = this.string(node, 'type');
    if (s === undefined) return undefined;
    const t = s.toLowerCase();
    if ((ATTRIBUTE_TYPES as string[]).includes(t)) return t as AttributeType;
    if (TYPE_ALIASES[t]) return TYPE_ALIASES[t];
    const hint = closest(t, ATTRIBUTE_TYPES);
    this.error(node, `unknown attribute type '${s}' (expected one of ${ATTRIBUTE_TYPES.join(', ')})${hint ? `; did you mean '${hint}'?` : ''}`);
    return undefined;
  }

  attribute(name: string, keyNode: YamlNode, node: YamlNode | null): AttributeSpec | undefined {
    const a: AttributeSpec = { name, type: 'any', required: false, location: this.location(keyNode) };
    // Shorthands: `model: string`, `model:` (declared, untyped).
    if (node === null || (isScalar(node) && node.value === null)) return a;
    if (isScalar(node) && typeof node.value === 'string') {
      const t = this.attrType(node);
      if (t === undefined) return a;
      a.type = t;
      if (t === 'enum') this.error(node, `attribute '${name}' is an enum without values; write {type: enum, values: [...]}`);
      return a;
    }
    const m = this.map(node, `attributes.${name}`);
    if (!m) return undefined;
    let typeNode: YamlNode | null = null;
    let allowedNode: YamlNode | null = null;
    let explicitType = false;
    for (const [key, v] of this.entries(m, ATTRIBUTE_KEYS, `key for attribute '${name}'`)) {
      switch (key) {
        case 'type': {
          const t = this.attrType(v);
          if (t) {
            a.type = t;
            explicitType = true;
          }
          typeNode = v;
          break;
        }
        case 'required':
        case 'open':
        case 'sensitive': {
          const b = this.bool(v, key);
          if (b !== undefined) a[key] = b;
          break;
        }
        case 'allowed':
        case 'values': {
          if (allowedNode) this.warn(v, `attribute '${name}' has both 'allowed' and 'values'; they are the same thing, the last one wins`);
          const l = this.scalarList(v, key);
          if (l) {
            a.allowed = l;
            if (l.length === 0) this.warn(v, `attribute '${name}' has an empty list of allowed values`);
          }
          allowedNode = v;
          break;
        }
        case 'min':
        case 'max': {
          const n = this.number(v, key);
          if (n !== undefined) a[key] = n;
          break;
        }
        case 'pattern': {
          const p = this.regex(v, 'pattern');
          if (p !== undefined) a.pattern = p;
          break;
        }
        case 'description': {
          const s = this.string(v, key, true);
          if (s !== undefined) a.description = s;
          break;
        }
        case 'examples': {
          const l = this.scalarList(v, key);
          if (l) a.examples = l;
          break;
        }
        case 'deprecated': {
          const d = this.deprecated(v);
          if (d) a.deprecated = d;
          break;
        }
      }
    }
    if (!explicitType && a.allowed && a.allowed.length) {
      // Values without a type: an enum of strings, or numbers/booleans by what the values are.
      const kinds = new Set(a.allowed.map((x) => typeof x));
      a.type = kinds.size === 1 && kinds.has('number') ? (a.allowed.every((x) => Number.isInteger(x)) ? 'int' : 'float') : kinds.size === 1 && kinds.has('boolean') ? 'bool' : 'enum';
    }
    if (a.type === 'enum' && (!a.allowed || a.allowed.length === 0)) {
      this.error(typeNode ?? m, `attribute '${name}' is an enum without values; add values: [...]`);
    }
    if (a.allowed && explicitType) {
      const bad = a.allowed.filter((x) => !valueFitsType(x, a.type));
      if (bad.length) this.error(allowedNode, `attribute '${name}' is ${a.type} but its allowed values include ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
    }
    if (a.min !== undefined && a.max !== undefined && a.min > a.max) {
      this.error(m, `attribute '${name}': min (${a.min}) is greater than max (${a.max})`);
    }
    if ((a.min !== undefined || a.max !== undefined) && !['int', 'float', 'any'].includes(a.type)) {
      this.warn(m, `attribute '${name}': min/max apply to int and float attributes, not ${a.type}; they are ignored`);
    }
    if (a.pattern !== undefined && !['string', 'enum', 'any'].includes(a.type)) {
      this.warn(m, `attribute '${name}': pattern applies to string attributes, not ${a.type}; it is ignored`);
    }
    if (a.open && !a.allowed) this.warn(m, `attribute '${name}' is 'open' but lists no values`);
    return a;
  }

  health(node: YamlNode | null): HealthCheckSpec[] {
    const items = this.list(node, 'health');
    if (!items) return [];
    const out: HealthCheckSpec[] = [];
    const seen = new Map<string, SchemaLocation>();
    for (const item of items) {
      const m = this.map(item, 'health[]');
      if (!m) continue;
      const h: Partial<HealthCheckSpec> = {};
      let idNode: YamlNode | null = null;
      for (const [key, v] of this.entries(m, HEALTH_KEYS, 'health check key')) {
        if (key === 'verdict') {
          const vm = this.map(v, 'verdict');
          if (!vm) continue;
          for (const [vk, vv] of this.entries(vm, ['sql'], 'verdict key')) {
            if (vk === 'sql') {
              const s = this.string(vv, 'verdict.sql');
              if (s !== undefined) h.verdict = { sql: s };
            }
          }
          if (!h.verdict && !vm.items.some((p) => this.key(p) === 'sql')) this.error(vm, "'verdict' needs 'sql' (a query over the table `result` returning a `status` column)");
        } else {
          const s = this.string(v, key, key === 'description' || key === 'expectation');
          if (s !== undefined) (h as Record<string, string>)[key] = s;
          if (key === 'id') idNode = v;
        }
      }
      const label = h.name ?? h.id ?? 'health check';
      if (!h.sql) {
        if (!m.items.some((p) => this.key(p) === 'sql')) this.error(m, `health check '${label}' has no 'sql'`);
        continue;
      }
      if (!h.name && !h.id) {
        this.error(m, "a health check needs a 'name' (and optionally an 'id')");
        continue;
      }
      const id = h.id ?? slug(h.name!);
      const prev = seen.get(id);
      if (prev) {
        this.error(idNode ?? m, `duplicate health check id '${id}' (first declared at line ${prev.line + 1}); this one is ignored`);
        continue;
      }
      const loc = this.location(m);
      seen.set(id, loc);
      const spec: HealthCheckSpec = { id, name: h.name ?? id, sql: h.sql, location: loc };
      if (h.description !== undefined) spec.description = h.description;
      if (h.verdict) spec.verdict = h.verdict;
      if (h.expectation !== undefined) spec.expectation = h.expectation;
      out.push(spec);
    }
    return out;
  }

  queries(node: YamlNode | null): SavedQuery[] {
    const items = this.list(node, 'queries');
    if (!items) return [];
    const out: SavedQuery[] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const m = this.map(item, 'queries[]');
      if (!m) continue;
      const q: Partial<SavedQuery> = {};
      for (const [key, v] of this.entries(m, QUERY_KEYS, 'query key')) {
        const s = this.string(v, key, key === 'description');
        if (s !== undefined) q[key as keyof SavedQuery] = s;
      }
      if (!q.name || !q.sql) {
        const missing = ['name', 'sql'].filter((k) => !m.items.some((p) => this.key(p) === k));
        if (missing.length) this.error(m, `a saved query needs ${missing.map((k) => `'${k}'`).join(' and ')}`);
        continue;
      }
      if (seen.has(q.name)) {
        this.error(m, `duplicate saved query name '${q.name}'; this one is ignored`);
        continue;
      }
      seen.add(q.name);
      const sq: SavedQuery = { name: q.name, sql: q.sql };
      if (q.description !== undefined) sq.description = q.description;
      out.push(sq);
    }
    return out;
  }

  rules(node: YamlNode | null): Schema['rules'] {
    const m = this.map(node, 'rules');
    const out: Schema['rules'] = {};
    if (!m) return out;
    for (const pair of m.items) {
      const key = this.key(pair);
      if (key === undefined) continue;
      const v = this.deref(pair.value as YamlNode | null);
      if (!/^TL\d{3}$/.test(key) && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(key)) {
        this.warn(pair.key as YamlNode, `'${key}' is neither a rule code (TL001) nor a rule name (unknown-event); it is ignored`);
        continue;
      }
      let s = isScalar(v) && typeof v.value === 'string' ? v.value.toLowerCase() : undefined;
      if (s === 'warn') s = 'warning';
      if (isScalar(v) && v.value === false) s = 'off';
      if (s && (SEVERITIES as readonly string[]).includes(s)) out[key] = s as SeverityValue;
      else this.error(v, `severity for '${key}' must be one of ${SEVERITIES.join(', ')}, got ${this.typeName(v)}`);
    }
    return out;
  }
}

export function valueFitsType(x: string | number | boolean, type: AttributeType): boolean {
  switch (type) {
    case 'string':
    case 'enum':
      return typeof x === 'string';
    case 'int':
      return typeof x === 'number' && Number.isInteger(x);
    case 'float':
      return typeof x === 'number';
    case 'bool':
      return typeof x === 'boolean';
    default:
      return true;
  }
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The closest option within a small edit distance, for did-you-mean hints. */
export function closest(word: string, options: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = distance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = o;
    }
  }
  if (best === undefined) return undefined;
  const w = word.toLowerCase();
  const b = best.toLowerCase();
  const prefix = Math.min(w.length, b.length) >= 3 && (w.startsWith(b) || b.startsWith(w));
  return bestD <= Math.max(2, Math.floor(word.length * 0.4)) || prefix ? best : undefined;
}
