// Structural validation of a parsed schema document against the Schema model (see model.ts):
// every key and value is checked by hand so each problem carries the node's position; unknown keys
// are warnings with a did-you-mean, wrong values are errors and the offending part is dropped.
import { distance } from 'fastest-levenshtein';
import { Document, isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, Pair, YAMLMap } from 'yaml';
import type {
  AttributeSpec,
  AttributeType,
  CompareThresholds,
  Conventions,
  EventSpec,
  HealthCheckSpec,
  SavedQuery,
  Schema,
  SchemaError,
  SchemaLocation,
  WrapperSpec,
} from './model';
import { RULE_IDS } from './rule-ids';
import { regexProblem } from './safe-regex';
import { parseTemplate } from './template';
import { LEVEL_ALIASES, LEVEL_NAMES as LEVELS, type LevelName } from '../../protocol/levels';

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

export const TOP_KEYS = ['$schema', 'version', 'extends', 'strict', 'conventions', 'events', 'health', 'queries', 'rules', 'registries', 'compare'];
const COMPARE_KEYS: Record<string, keyof CompareThresholds> = { p95_increase_pct: 'p95IncreasePct', error_rate_increase: 'errorRateIncrease', new_failovers: 'newFailovers' };
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

export type Pos = (offset: number) => { line: number; character: number };

/** Hand-written structural validation of the YAML tree against the Schema model. */
export class Validator {
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
    const problem = regexProblem(s);
    if (problem === undefined) return s;
    this.error(node, `'${field}' is not a valid regular expression: ${problem}`);
    return undefined;
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

  compare(node: YamlNode | null): CompareThresholds | undefined {
    const m = this.map(node, 'compare');
    if (!m) return undefined;
    const out: CompareThresholds = {};
    for (const [key, v] of this.entries(m, Object.keys(COMPARE_KEYS), 'compare key')) {
      const n = this.number(v, `compare.${key}`, key === 'new_failovers');
      if (n === undefined) continue;
      if (n < 0) {
        this.error(v, `'compare.${key}' must be 0 or more, got ${n}`);
        continue;
      }
      out[COMPARE_KEYS[key]] = n;
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
      const known = RULE_IDS.some((r) => r.code === key.toUpperCase() || r.name === key);
      if (!known) {
        const candidates = /^TL/i.test(key) ? RULE_IDS.map((r) => r.code) : RULE_IDS.map((r) => r.name);
        const hint = closest(key, candidates);
        this.warn(
          pair.key as YamlNode,
          `unknown rule '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}; it is ignored (rules are TL001–${RULE_IDS[RULE_IDS.length - 1].code}, or their names such as 'unknown-event')`,
        );
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
