// The OpenTelemetry semantic conventions built in: an attribute layer for dotted keys in any project.
// Its data (server/schema/semconv/<release>.json, shipped as dist/semconv/) is derived from the
// conventions' model files by scripts/gen-semconv.mjs; it is read and indexed on the first lookup, so
// code without dotted keys never pays for it.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths';
import { MapLookup } from './lookup';
import type { AttributeLookup, AttributeSpec, RegistryLayer, RequirementLevel } from './model';

/** Releases shipped, newest last; the default is the newest with the GenAI conventions in the core repository. */
export const SEMCONV_RELEASES = ['1.41.1', '1.44.0'] as const;
export const DEFAULT_SEMCONV_RELEASE = '1.41.1';

interface RawAttr {
  t: string;
  i?: string;
  tp?: 1;
  e?: (string | number)[];
  o?: 0;
  s?: string;
  d?: { why: string; r?: string };
  dv?: Record<string, string | null>;
}
interface RawSignal {
  k: 'span' | 'event';
  n?: string;
  sk?: string;
  s?: string;
  d?: { why: string; r?: string };
  a: Record<string, RequirementLevel>;
}
interface RawData {
  release: string;
  commit: string;
  attributes: Record<string, RawAttr>;
  signals: Record<string, RawSignal>;
}

export interface SemconvLayer extends AttributeLookup {
  readonly release: string;
  readonly commit: string;
  /** Spans and events that list the key, with the requirement level each gives it. */
  usedBy(key: string): { signal: string; kind: 'span' | 'event'; level: RequirementLevel }[];
}

class Layer extends MapLookup implements SemconvLayer {
  private users: Map<string, { signal: string; kind: 'span' | 'event'; level: RequirementLevel }[]> | undefined;
  constructor(
    readonly release: string,
    readonly commit: string,
    byKey: Map<string, AttributeSpec>,
    private signals: Record<string, RawSignal>,
  ) {
    super(`OpenTelemetry semantic conventions ${release}`, byKey);
  }
  usedBy(key: string): { signal: string; kind: 'span' | 'event'; level: RequirementLevel }[] {
    if (!this.users) {
      this.users = new Map();
      for (const [id, s] of Object.entries(this.signals)) {
        for (const [k, level] of Object.entries(s.a)) {
          let list = this.users.get(k);
          if (!list) this.users.set(k, (list = []));
          list.push({ signal: s.n ?? id, kind: s.k, level });
        }
      }
    }
    return this.users.get(key) ?? [];
  }
}

const TYPES: Record<string, AttributeSpec['type']> = { string: 'string', int: 'int', float: 'float', bool: 'bool', enum: 'enum', array: 'array', any: 'any' };

function toSpec(key: string, a: RawAttr, origin: string): AttributeSpec {
  const spec: AttributeSpec = { name: key, type: TYPES[a.t] ?? 'any', required: false, origin };
  if (a.i) spec.items = a.i as AttributeSpec['items'];
  if (a.tp) spec.template = true;
  if (a.e) {
    spec.allowed = a.e;
    spec.open = a.o !== 0;
  }
  if (a.s) spec.stability = a.s;
  if (a.d) {
    spec.deprecated = { reason: a.d.why };
    if (a.d.r) spec.deprecated.replacement = a.d.r;
  }
  if (a.dv) spec.deprecatedValues = a.dv;
  return spec;
}

/** Where a release's data file is: beside the bundles (dist/semconv), else in the source tree. */
export function semconvDataFile(release: string): string | undefined {
  if (!(SEMCONV_RELEASES as readonly string[]).includes(release)) return undefined;
  const root = packageRoot();
  for (const p of [path.join(root, 'dist', 'semconv', `${release}.json`), path.join(root, 'server', 'schema', 'semconv', `${release}.json`)]) {
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}

const layers = new Map<string, SemconvLayer | null>();

/** The built-in layer for a release (undefined for an unknown release or missing data), read once. */
export function semconvLayer(release: string = DEFAULT_SEMCONV_RELEASE): SemconvLayer | undefined {
  const cached = layers.get(release);
  if (cached !== undefined) return cached ?? undefined;
  let layer: SemconvLayer | null = null;
  const file = semconvDataFile(release);
  if (file) {
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as RawData;
    const origin = `semconv:${data.release}`;
    const byKey = new Map<string, AttributeSpec>();
    for (const [k, a] of Object.entries(data.attributes)) byKey.set(k, toSpec(k, a, origin));
    layer = new Layer(data.release, data.commit, byKey, data.signals);
  }
  layers.set(release, layer);
  return layer ?? undefined;
}

/**
 * A lazy handle on the layer: nothing is read until the first `get`/`withPrefix`. Keys without a dot
 * are never in the conventions and are answered without loading anything.
 */
export function lazySemconv(release: string = DEFAULT_SEMCONV_RELEASE): AttributeLookup {
  return {
    label: `OpenTelemetry semantic conventions ${release}`,
    get: (key) => (key.includes('.') ? semconvLayer(release)?.get(key) : undefined),
    withPrefix: (prefix) => semconvLayer(release)?.withPrefix(prefix) ?? [],
  };
}

/** Settings of the built-in layer. */
export interface SemconvSettings {
  /** Default true. */
  enabled?: boolean;
  /** Default DEFAULT_SEMCONV_RELEASE. */
  release?: string;
}

const layerLists = new WeakMap<object, Map<string, readonly AttributeLookup[]>>();

/**
 * The attribute layers for a schema, first wins: the schema's registries, then the built-in
 * conventions unless turned off. One list per schema and setting (rules ask per call).
 */
const registryLookups = new WeakMap<RegistryLayer, AttributeLookup>();

/** The lookup over one registry layer (built once per layer object). */
export function registryLookup(layer: RegistryLayer): AttributeLookup {
  let l = registryLookups.get(layer);
  if (!l) registryLookups.set(layer, (l = new MapLookup(layer.label, layer.attributes)));
  return l;
}

export function attributeLayers(schema: { registries?: RegistryLayer[] }, semconv?: SemconvSettings): readonly AttributeLookup[] {
  const enabled = semconv?.enabled !== false;
  const release = semconv?.release || DEFAULT_SEMCONV_RELEASE;
  const key = enabled ? release : '';
  let bySetting = layerLists.get(schema);
  if (!bySetting) layerLists.set(schema, (bySetting = new Map()));
  let list = bySetting.get(key);
  if (!list) {
    list = [...(schema.registries ?? []).map(registryLookup), ...(enabled ? [lazySemconv(release)] : [])];
    bySetting.set(key, list);
  }
  return list;
}
