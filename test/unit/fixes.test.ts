// Choosing and applying fixes (server/lint/fixes.ts): shared by the editor's Fix all and `lint --fix`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyEdits, mergeFixes, mergeFixesCounted, preferredFix } from '../../server/lint/fixes';
import type { Finding, Fix } from '../../server/lint/types';
import type { TextEdit } from '../../server/model/positions';

const edit = (l1: number, c1: number, l2: number, c2: number, newText: string): TextEdit => ({ range: { start: { line: l1, character: c1 }, end: { line: l2, character: c2 } }, newText });
const fix = (title: string, ...edits: TextEdit[]): Fix => ({ title, edits });

test('applyEdits: replacements, insertions and deletions across lines, in any order', () => {
  const text = 'alpha\nbeta\ngamma\n';
  assert.equal(applyEdits(text, [edit(2, 0, 2, 5, 'GAMMA'), edit(0, 5, 1, 0, ' '), edit(3, 0, 3, 0, 'delta\n')]), 'alpha beta\nGAMMA\ndelta\n');
  assert.equal(applyEdits(text, []), text);
});

test('applyEdits: columns are UTF-16 code units; a column past the line end stops before the line break (LF and CRLF)', () => {
  const text = 'x = "🐶→"\r\nnext\n';
  // 🐶 is two UTF-16 units: the arrow starts at column 7
  assert.equal(applyEdits(text, [edit(0, 7, 0, 8, '->')]), 'x = "🐶->"\r\nnext\n');
  assert.equal(applyEdits(text, [edit(0, 99, 0, 99, ' # end')]), 'x = "🐶→" # end\r\nnext\n');
  assert.equal(applyEdits('last', [edit(5, 0, 5, 0, '!')]), 'last!', 'a line past the end means the end of the text');
  assert.throws(() => applyEdits(text, [edit(0, 0, 0, 3, 'a'), edit(0, 2, 0, 4, 'b')]), /overlapping/);
});

test('mergeFixes keeps the first of overlapping fixes and counts only fixes kept whole', () => {
  const a = fix('a', edit(0, 0, 0, 4, 'A'));
  const b = fix('b', edit(0, 2, 0, 6, 'B'), edit(3, 0, 3, 1, 'x'));
  const c = fix('c', edit(1, 0, 1, 0, 'C'));
  const d = fix('d', edit(1, 0, 1, 0, 'D'));
  const { edits, applied } = mergeFixesCounted([a, b, c, d]);
  assert.equal(applied, 2, 'b overlaps a; d inserts where c already does');
  assert.deepEqual(edits.map((e) => e.newText), ['A', 'C']);
  assert.deepEqual(mergeFixes([c, a]), edits, 'sorted by position');
});

test('preferredFix: the preferred one, else a sole fix, else none', () => {
  const finding = (fixes: Fix[]) => ({ fixes }) as unknown as Finding;
  const p = { ...fix('p', edit(0, 0, 0, 0, 'p')), isPreferred: true };
  const q = fix('q', edit(0, 0, 0, 0, 'q'));
  assert.equal(preferredFix(finding([q, p])), p);
  assert.equal(preferredFix(finding([q])), q);
  assert.equal(preferredFix(finding([q, fix('r')])), undefined);
  assert.equal(preferredFix(finding([])), undefined);
  assert.equal(preferredFix(finding([{ ...p, placeholder: true }, q])), undefined, 'a fix that inserts placeholders is never applied in bulk');
  assert.equal(preferredFix(finding([{ ...q, placeholder: true }])), undefined);
  const rename = { ...p, unsafe: true };
  assert.equal(preferredFix(finding([rename, q])), undefined, 'an unsafe fix only on request');
  assert.equal(preferredFix(finding([rename, q]), { unsafe: true }), rename);
  assert.equal(preferredFix(finding([{ ...rename, placeholder: true }]), { unsafe: true }), undefined, 'placeholders never');
});
