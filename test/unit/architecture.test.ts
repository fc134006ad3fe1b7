// The shape of the code base: floors that only look down (docs/architecture.md, "Layers"), and no import cycles (type-only imports included) in client/, server/, protocol/
// and media/. Imports are read with TypeScript's own pre-processor, so every form counts: `import`,
// `import type`, `export … from`, `import()` and `require()`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { packageRoot } from '../../server/paths';

const root = packageRoot();
const FOLDERS = ['client', 'server', 'protocol', 'media'];

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') walk(p, out);
    } else if (/\.(ts|mts|cts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Project source files a file imports (relative specifiers resolved as TypeScript's bundler resolution does). */
function projectImports(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = path.resolve(path.dirname(file), fileName);
    const found = [base, `${base}.ts`, path.join(base, 'index.ts'), base.replace(/\.js$/, '.ts')].find((c) => c.endsWith('.ts') && fs.existsSync(c));
    if (found) out.push(found);
  }
  return out;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

test('the cycle finder finds a two-file cycle and a self-import, and nothing in a chain', () => {
  const chain = new Map([['a', ['b']], ['b', ['c']], ['c', []]]);
  assert.deepEqual(importCycles(chain), []);
  const cyclic = new Map([['a', ['b']], ['b', ['c', 'a']], ['c', []], ['d', ['d']]]);
  assert.deepEqual(importCycles(cyclic), [['a', 'b'], ['d']]);
});

test('no import cycles in client/, server/, protocol/ or media/ (type-only imports count)', () => {
  const graph = new Map<string, string[]>();
  for (const folder of FOLDERS) for (const f of walk(path.join(root, folder))) graph.set(f, projectImports(f));
  for (const entry of ['client/extension.ts', 'server/lsp/main.ts', 'server/cli/main.ts', 'protocol/protocol.ts']) {
    assert.ok((graph.get(path.join(root, entry)) ?? []).length > 0, `${entry} was read and imports project files`);
  }
  const cycles = importCycles(graph).map((c) => c.map((f) => path.relative(root, f)).join(' ↔ '));
  assert.deepEqual(cycles, []);
});

test('the floors look down: protocol/ imports only protocol/; server/ and media/ never import client/; server/ never imports media/', () => {
  const wrong: string[] = [];
  for (const folder of ['protocol', 'server', 'media']) {
    for (const f of walk(path.join(root, folder))) {
      for (const target of projectImports(f)) {
        const to = path.relative(root, target).split(path.sep)[0];
        const ok = folder === 'protocol' ? to === 'protocol' : to !== 'client' && !(folder === 'server' && to === 'media');
        if (!ok) wrong.push(`${path.relative(root, f)} → ${path.relative(root, target)}`);
      }
    }
  }
  assert.deepEqual(wrong, []);
});

/**
 * server/'s floors, lowest first (docs/architecture.md, "Layers"): a file imports from its own floor and
 * the floors below it (and protocol/), never from a floor above. Entries are folders or single files.
 */
const SERVER_FLOORS: readonly (readonly string[])[] = [
  ['server/paths.ts', 'server/errors.ts', 'server/random.ts'],
  ['server/model'],
  ['server/schema'],
  ['server/languages'],
  ['server/lint', 'server/rules'],
  ['server/telemetry'],
  ['server/lsp'],
  ['server/cli', 'server/server.ts'],
];

export function floorOf(rel: string, floors: readonly (readonly string[])[] = SERVER_FLOORS): number {
  const posix = rel.split(path.sep).join('/');
  return floors.findIndex((floor) => floor.some((entry) => posix === entry || posix.startsWith(`${entry}/`)));
}

/** Imports from a server/ file to a server/ file on a higher floor, and server/ files on no floor. */
export function upwardImports(graph: Map<string, string[]>, floors: readonly (readonly string[])[] = SERVER_FLOORS): string[] {
  const wrong: string[] = [];
  for (const [from, targets] of graph) {
    const own = floorOf(from, floors);
    if (own < 0) {
      wrong.push(`${from}: on no floor`);
      continue;
    }
    for (const to of targets) {
      if (!to.startsWith('server/')) continue;
      const theirs = floorOf(to, floors);
      if (theirs > own) wrong.push(`${from} → ${to}`);
    }
  }
  return wrong;
}

test('the floor check flags an import from languages/ or schema/ up into lint/, and a file on no floor', () => {
  const graph = new Map([
    ['server/languages/common.ts', ['server/model/calls.ts', 'server/schema/model.ts', 'server/lint/types.ts']],
    ['server/schema/values.ts', ['server/model/calls.ts', 'server/lint/types.ts']],
    ['server/lint/linter.ts', ['server/rules/index.ts', 'server/languages/index.ts', 'server/model/positions.ts']],
    ['server/rules/TL001.ts', ['server/lint/types.ts']],
    ['server/stray.ts', []],
  ]);
  assert.deepEqual(upwardImports(graph), [
    'server/languages/common.ts → server/lint/types.ts',
    'server/schema/values.ts → server/lint/types.ts',
    'server/stray.ts: on no floor',
  ]);
});

test('server/ floors look down: model below schema below languages below lint and rules, below telemetry, lsp and the CLI', () => {
  const graph = new Map<string, string[]>();
  for (const f of walk(path.join(root, 'server'))) {
    const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
    graph.set(rel(f), projectImports(f).map(rel));
  }
  assert.ok(graph.has('server/model/calls.ts') && graph.has('server/languages/common.ts'), 'server/ was read');
  assert.deepEqual(upwardImports(graph), []);
});
