// Read-only syntax nodes for the extractors, read straight from the tree-sitter runtime's wasm
// exports. web-tree-sitter's `Node` goes through Emscripten's generic `setValue`/`getValue` (a
// string switch and a DataView access per integer) and class-field initialisers for every node
// it returns; extraction reads about fifty nodes per telemetry call, and that JavaScript cost more
// than the wasm calls themselves. These nodes use the same wasm functions with the same transfer
// buffer layout (id, start index, start row, start column, context: five 32-bit integers), through
// one Int32Array view of the wasm memory, and remember the type and end index once read. Values
// are identical to web-tree-sitter's; when the runtime's exports are not there (another
// web-tree-sitter build), `syntaxRoot` hands out web-tree-sitter's own nodes instead.
import type { Language, Node, Point, Tree } from 'web-tree-sitter';

/** The part of a tree-sitter node the extractors use (web-tree-sitter's `Node` has the same shape). */
export interface SyntaxNode {
  readonly id: number;
  readonly startIndex: number;
  readonly startPosition: Point;
  readonly endIndex: number;
  readonly endPosition: Point;
  readonly type: string;
  readonly text: string;
  readonly parent: SyntaxNode | null;
  readonly namedChildren: SyntaxNode[];
  readonly childCount: number;
  readonly firstChild: SyntaxNode | null;
  readonly lastChild: SyntaxNode | null;
  readonly firstNamedChild: SyntaxNode | null;
  readonly nextSibling: SyntaxNode | null;
  child(index: number): SyntaxNode | null;
  namedChild(index: number): SyntaxNode | null;
  childForFieldName(fieldName: string): SyntaxNode | null;
  childrenForFieldName(fieldName: string): SyntaxNode[];
  descendantForIndex(start: number, end?: number): SyntaxNode | null;
}

/** The runtime's exports these nodes call (each takes the tree's address; the node is in the transfer buffer). */
interface NodeExports {
  ts_init(): number;
  free(address: number): void;
  ts_tree_root_node_wasm(tree: number): void;
  ts_node_symbol_wasm(tree: number): number;
  ts_node_end_index_wasm(tree: number): number;
  ts_node_end_point_wasm(tree: number): void;
  ts_node_child_wasm(tree: number, index: number): void;
  ts_node_named_child_wasm(tree: number, index: number): void;
  ts_node_child_by_field_id_wasm(tree: number, field: number): void;
  ts_node_children_by_field_id_wasm(tree: number, field: number): void;
  ts_node_child_count_wasm(tree: number): number;
  ts_node_named_children_wasm(tree: number): void;
  ts_node_next_sibling_wasm(tree: number): void;
  ts_node_parent_wasm(tree: number): void;
  ts_node_descendant_for_index_wasm(tree: number): void;
}

const EXPORT_NAMES: (keyof NodeExports)[] = [
  'ts_init',
  'free',
  'ts_tree_root_node_wasm',
  'ts_node_symbol_wasm',
  'ts_node_end_index_wasm',
  'ts_node_end_point_wasm',
  'ts_node_child_wasm',
  'ts_node_named_child_wasm',
  'ts_node_child_by_field_id_wasm',
  'ts_node_children_by_field_id_wasm',
  'ts_node_child_count_wasm',
  'ts_node_named_children_wasm',
  'ts_node_next_sibling_wasm',
  'ts_node_parent_wasm',
  'ts_node_descendant_for_index_wasm',
];

/** Size of a marshalled node in 32-bit words. */
const NODE_WORDS = 5;

let x: NodeExports | undefined;
let memory: WebAssembly.Memory | undefined;
/** Word index of the runtime's transfer buffer (-1 until first asked for, after the runtime has started). */
let tb = -1;
/** A view of the wasm memory; empty (detached) after the memory grew, then made anew. */
let heap = new Int32Array(0);

function mem(): Int32Array {
  if (heap.length === 0) heap = new Int32Array(memory!.buffer);
  return heap;
}

/**
 * Called once the tree-sitter runtime is instantiated, with its exports and the memory it was
 * given. Without every export needed (or on a big-endian host), nodes stay web-tree-sitter's.
 */
export function setNodeRuntime(exports: WebAssembly.Exports, mem: unknown): void {
  if (!(mem instanceof WebAssembly.Memory) || new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) return;
  if (!EXPORT_NAMES.every((k) => typeof exports[k] === 'function')) return;
  x = exports as unknown as NodeExports;
  memory = mem;
  heap = new Int32Array(0);
  tb = -1;
}

/** Per tree: its address, its language's names, and the text it was parsed from. */
class TreeRef {
  constructor(
    readonly address: number,
    readonly types: readonly (string | undefined)[],
    readonly fields: Map<string, number>,
    readonly source: string,
  ) {}
}

const fieldMaps = new WeakMap<Language, Map<string, number>>();

function fieldMap(lang: Language): Map<string, number> {
  let m = fieldMaps.get(lang);
  if (!m) {
    m = new Map();
    lang.fields.forEach((f, i) => {
      if (f !== null && !m!.has(f)) m!.set(f, i);
    });
    fieldMaps.set(lang, m);
  }
  return m;
}

/** The node in the transfer buffer (at word `at`), or null when it holds none. */
function unmarshal(t: TreeRef, h: Int32Array, at: number): FastNode | null {
  const id = h[at];
  return id === 0 ? null : new FastNode(t, id, h[at + 1], h[at + 2], h[at + 3], h[at + 4]);
}

/** The node list a `*_children_*` call left in the transfer buffer (count, then address of a malloc'd array). */
function unmarshalList(t: TreeRef): FastNode[] {
  const h = mem();
  const count = h[tb];
  const address = h[tb + 1];
  const out = new Array<FastNode>(count);
  if (count > 0) {
    let at = address >> 2;
    for (let i = 0; i < count; i++, at += NODE_WORDS) out[i] = unmarshal(t, h, at)!;
    x!.free(address);
  }
  return out;
}

class FastNode implements SyntaxNode {
  declare readonly id: number;
  declare readonly startIndex: number;
  declare private readonly tree: TreeRef;
  declare private readonly row: number;
  declare private readonly column: number;
  declare private readonly context: number;
  /** Type id and end index once read (-1 before). */
  declare private sym: number;
  declare private end: number;
  declare private named: FastNode[] | undefined;

  constructor(tree: TreeRef, id: number, startIndex: number, row: number, column: number, context: number) {
    this.tree = tree;
    this.id = id;
    this.startIndex = startIndex;
    this.row = row;
    this.column = column;
    this.context = context;
    this.sym = -1;
    this.end = -1;
    this.named = undefined;
  }

  /** Put this node in the transfer buffer (the argument of every node call). */
  private marshal(): number {
    const h = mem();
    h[tb] = this.id;
    h[tb + 1] = this.startIndex;
    h[tb + 2] = this.row;
    h[tb + 3] = this.column;
    h[tb + 4] = this.context;
    return this.tree.address;
  }

  private result(): FastNode | null {
    return unmarshal(this.tree, mem(), tb);
  }

  get startPosition(): Point {
    return { row: this.row, column: this.column };
  }

  get type(): string {
    let s = this.sym;
    if (s < 0) s = this.sym = x!.ts_node_symbol_wasm(this.marshal());
    return this.tree.types[s] || 'ERROR';
  }

  get endIndex(): number {
    let e = this.end;
    if (e < 0) e = this.end = x!.ts_node_end_index_wasm(this.marshal());
    return e;
  }

  get endPosition(): Point {
    x!.ts_node_end_point_wasm(this.marshal());
    const h = mem();
    return { row: h[tb] >>> 0, column: h[tb + 1] >>> 0 };
  }

  get text(): string {
    return this.tree.source.slice(this.startIndex, this.endIndex);
  }

  get parent(): FastNode | null {
    x!.ts_node_parent_wasm(this.marshal());
    return this.result();
  }

  get namedChildren(): FastNode[] {
    if (!this.named) {
      x!.ts_node_named_children_wasm(this.marshal());
      this.named = unmarshalList(this.tree);
    }
    return this.named;
  }

  get childCount(): number {
    return x!.ts_node_child_count_wasm(this.marshal());
  }

  get firstChild(): FastNode | null {
    return this.child(0);
  }

  get lastChild(): FastNode | null {
    return this.child(this.childCount - 1);
  }

  get firstNamedChild(): FastNode | null {
    return this.namedChild(0);
  }

  get nextSibling(): FastNode | null {
    x!.ts_node_next_sibling_wasm(this.marshal());
    return this.result();
  }

  child(index: number): FastNode | null {
    x!.ts_node_child_wasm(this.marshal(), index);
    return this.result();
  }

  namedChild(index: number): FastNode | null {
    x!.ts_node_named_child_wasm(this.marshal(), index);
    return this.result();
  }

  childForFieldName(fieldName: string): FastNode | null {
    const field = this.tree.fields.get(fieldName);
    if (field === undefined) return null;
    x!.ts_node_child_by_field_id_wasm(this.marshal(), field);
    return this.result();
  }

  childrenForFieldName(fieldName: string): FastNode[] {
    const field = this.tree.fields.get(fieldName);
    if (field === undefined || field === 0) return [];
    x!.ts_node_children_by_field_id_wasm(this.marshal(), field);
    return unmarshalList(this.tree);
  }

  descendantForIndex(start: number, end = start): FastNode | null {
    const address = this.marshal();
    const h = mem();
    h[tb + NODE_WORDS] = start;
    h[tb + NODE_WORDS + 1] = end;
    x!.ts_node_descendant_for_index_wasm(address);
    return this.result();
  }
}

/**
 * The root of a tree parsed from `source`, as nodes the extractors read fast (web-tree-sitter's
 * own root when the runtime's exports are not available). Valid while the tree is.
 */
export function syntaxRoot(tree: Tree, source: string): SyntaxNode {
  const address = (tree as unknown as { 0: number })[0];
  if (!x || !address) return tree.rootNode as Node;
  if (tb < 0) tb = x.ts_init() >> 2;
  const ref = new TreeRef(address, tree.language.types, fieldMap(tree.language), source);
  x.ts_tree_root_node_wasm(address);
  return unmarshal(ref, mem(), tb)!;
}
