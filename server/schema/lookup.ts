// Attribute layers looked up by key: a Map for exact keys plus the template attributes
// (`http.request.header` covers `http.request.header.<key>`), and a sorted key list for completion.
import type { AttributeLookup, AttributeSpec } from './model';

export class MapLookup implements AttributeLookup {
  private templates: AttributeSpec[] | undefined;
  private sorted: string[] | undefined;

  constructor(
    readonly label: string,
    private readonly byKey: ReadonlyMap<string, AttributeSpec>,
  ) {}

  get(key: string): AttributeSpec | undefined {
    const hit = this.byKey.get(key);
    if (hit) return hit;
    if (!this.templates) this.templates = [...this.byKey.values()].filter((a) => a.template);
    if (this.templates.length === 0) return undefined;
    // The longest template prefix wins; walk the key's dotted prefixes from the longest.
    for (let i = key.lastIndexOf('.'); i > 0; i = key.lastIndexOf('.', i - 1)) {
      const t = this.byKey.get(key.slice(0, i));
      if (t?.template) return t;
    }
    return undefined;
  }

  withPrefix(prefix: string): AttributeSpec[] {
    if (!this.sorted) this.sorted = [...this.byKey.keys()].sort();
    const out: AttributeSpec[] = [];
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.startsWith(prefix); i++) out.push(this.byKey.get(this.sorted[i]!)!);
    return out;
  }

  get size(): number {
    return this.byKey.size;
  }
}

/** The first layer that knows a key wins. */
export function lookupIn(layers: readonly AttributeLookup[], key: string): { spec: AttributeSpec; layer: AttributeLookup } | undefined {
  for (const layer of layers) {
    const spec = layer.get(key);
    if (spec) return { spec, layer };
  }
  return undefined;
}
