// The extractors' syntax nodes (server/languages/nodes.ts) read the tree through the runtime's wasm
// exports; every value they give must equal web-tree-sitter's own node API on the same tree.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import type { Node, Tree } from 'web-tree-sitter';
import { type Grammar, loadAllGrammars, parseSource } from '../../server/languages';
import { type SyntaxNode, syntaxRoot } from '../../server/languages/nodes';
import { packageRoot } from '../../server/paths';

before(() => loadAllGrammars());

const PY = [
  'import logfire',
  'from loguru import logger as log',
  '',
  '@logfire.instrument("run {x}")',
  'def run(x: int, *args, y=2, **kw) -> None:',
  '    with logfire.span("agent.run", x=x) as span:',
  '        span.set_attribute("n", len(args))',
  '        log.bind(a=1).info(f"{x!r} é ✓ {y:>4}", extra={"k": [1, 2.5, None]})',
  "    logfire.info('routing: {a} → {b}', a=1, b='two', _tags=['x'])  # comment",
  '    return (lambda q: q)(x) if x else -1',
  'class A:',
  '    LOG = logfire.with_tags("a")',
  '    def m(self): self.LOG.error("e", **kw)',
  'broken = (1, ',
  '',
].join('\n');

const TS = [
  "import * as logfire from '@pydantic/logfire-node';",
  "import { trace } from '@opentelemetry/api';",
  "const tracer = trace.getTracer('console');",
  'export function go(agent: string): number {',
  "  logfire.info('Workload → {agent}', { agent, n: 1, ok: true, x: `t${agent}` });",
  "  tracer.startActiveSpan('go.run', (span) => { span.setAttribute('k', 2); span.end(); });",
  '  return <number>(1 + 2);',
  '}',
  'let z = { a: [1, 2], ...rest } satisfies Record<string, unknown>;',
  'function (',
].join('\n');

/** Field names worth asking every node for (both grammars). */
const FIELDS = ['function', 'arguments', 'object', 'attribute', 'name', 'value', 'left', 'right', 'body', 'parameters', 'key', 'alias', 'module_name', 'property', 'source', 'definition', 'operator', 'argument', 'expression'];

function sameNode(fast: SyntaxNode | null, ref: Node | null, where: string): void {
  if (ref === null) return assert.equal(fast, null, `${where}: expected no node`);
  assert.ok(fast, `${where}: expected ${ref.type}`);
  assert.equal(fast.id, ref.id, `${where}: id`);
  assert.equal(fast.type, ref.type, `${where}: type`);
  assert.equal(fast.startIndex, ref.startIndex, `${where}: startIndex`);
  assert.equal(fast.endIndex, ref.endIndex, `${where}: endIndex`);
}

/** Compare every node of the tree, with every accessor the extractors use. */
function compareTree(tree: Tree, source: string): number {
  let count = 0;
  const walk = (fast: SyntaxNode, ref: Node): void => {
    const where = `${ref.type} at ${ref.startIndex}`;
    count++;
    sameNode(fast, ref, where);
    assert.deepEqual(fast.startPosition, ref.startPosition, `${where}: startPosition`);
    assert.deepEqual(fast.endPosition, ref.endPosition, `${where}: endPosition`);
    assert.equal(fast.text, ref.text, `${where}: text`);
    assert.equal(fast.childCount, ref.childCount, `${where}: childCount`);
    sameNode(fast.parent, ref.parent, `${where} parent`);
    sameNode(fast.nextSibling, ref.nextSibling, `${where} nextSibling`);
    sameNode(fast.firstChild, ref.firstChild, `${where} firstChild`);
    sameNode(fast.lastChild, ref.lastChild, `${where} lastChild`);
    sameNode(fast.firstNamedChild, ref.firstNamedChild, `${where} firstNamedChild`);
    sameNode(fast.namedChild(1), ref.namedChild(1), `${where} namedChild(1)`);
    sameNode(fast.child(ref.childCount), ref.child(ref.childCount), `${where} child past the end`);
    const named = fast.namedChildren;
    assert.equal(named.length, ref.namedChildren.length, `${where}: namedChildren`);
    ref.namedChildren.forEach((r, i) => sameNode(named[i], r, `${where} namedChildren[${i}]`));
    assert.equal(fast.namedChildren, named, `${where}: namedChildren is kept`);
    for (const f of [...FIELDS, 'no_such_field']) {
      sameNode(fast.childForFieldName(f), ref.childForFieldName(f), `${where} field ${f}`);
      const fs1 = fast.childrenForFieldName(f);
      const rs = ref.childrenForFieldName(f);
      assert.equal(fs1.length, rs.length, `${where}: children of field ${f}`);
      rs.forEach((r, i) => sameNode(fs1[i], r, `${where} field ${f}[${i}]`));
    }
    for (let i = 0; i < ref.childCount; i++) walk(fast.child(i)!, ref.child(i)!);
  };
  walk(syntaxRoot(tree, source), tree.rootNode);
  return count;
}

async function check(source: string, grammar: Grammar): Promise<number> {
  const tree = await parseSource(source, grammar);
  try {
    const n = compareTree(tree, source);
    const root = syntaxRoot(tree, source);
    const ref = tree.rootNode;
    for (let i = 0; i <= source.length; i += 3) {
      for (const len of [0, 1, 7]) sameNode(root.descendantForIndex(i, Math.min(source.length, i + len)), ref.descendantForIndex(i, Math.min(source.length, i + len)), `descendantForIndex(${i}, +${len})`);
    }
    sameNode(root.descendantForIndex(5), ref.descendantForIndex(5), 'descendantForIndex with one argument');
    return n;
  } finally {
    tree.delete();
  }
}

describe('extractor syntax nodes', () => {
  it('read the same values as web-tree-sitter on Python (errors, non-ASCII text, every accessor)', async () => {
    assert.ok((await check(PY, 'python')) > 200);
  });

  it('read the same values as web-tree-sitter on TypeScript and TSX', async () => {
    assert.ok((await check(TS, 'typescript')) > 150);
    assert.ok((await check(`${TS}\nconst V = () => <div onClick={() => logfire.info('c', { id: 1 })} />;\n`, 'tsx')) > 150);
  });

  it('match on the repository examples', async () => {
    const dir = path.join(packageRoot(), 'examples');
    const files = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(py|ts)$/.test(f));
    assert.ok(files.length > 0);
    for (const f of files) await check(fs.readFileSync(path.join(dir, f), 'utf8'), f.endsWith('.py') ? 'python' : 'typescript');
  });

  it('stay valid when the wasm memory grows while they are in use', async () => {
    const tree = await parseSource(PY, 'python');
    try {
      const root = syntaxRoot(tree, PY);
      const before = root.namedChildren.map((n) => `${n.type}:${n.endIndex}`);
      // Parsing a large text makes the runtime grow its memory (the old views are detached).
      const big = await parseSource(`${'x = [1, 2, 3]\n'.repeat(200_000)}`, 'python');
      big.delete();
      const fresh = syntaxRoot(tree, PY);
      assert.deepEqual(fresh.namedChildren.map((n) => `${n.type}:${n.endIndex}`), before);
      assert.equal(root.descendantForIndex(PY.indexOf('span.set'))?.text, 'span');
      compareTree(tree, PY);
    } finally {
      tree.delete();
    }
  });
});
