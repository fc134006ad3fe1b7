// Table tests for the formatting helpers every view uses: durations, counts and plurals, floats,
// percentages, and where jump-to-source lands.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayCell, formatDuration, formatNumber, formatPercent, plural, sourceLine } from '../../protocol/format';

const table = <I, O>(name: string, fn: (i: I) => O, rows: [I, O][]): void => {
  describe(name, () => {
    for (const [input, want] of rows) it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => assert.deepEqual(fn(input), want));
  });
};

table('formatDuration (ms)', formatDuration, [
  [null, '—'],
  [Number.NaN, '—'],
  [0, '0.00 ms'],
  [0.4, '0.40 ms'],
  [12.4, '12 ms'],
  [999.4, '999 ms'],
  [999.6, '1.00 s'],
  [1234, '1.23 s'],
  [9_996, '10.0 s'],
  [15_000, '15.0 s'],
  [59_960, '1m 0s'],
  [61_000, '1m 1s'],
  [3_479_600, '58m 0s'], // 57 min 59.6 s rounds up into the minute, not "57m 60s"
  [3_599_600, '1h 0m'], // "59m 60s" never
  [3_725_000, '1h 2m'],
  [7_199_999, '2h 0m'],
  [90_000_000, '1d 1h'],
  [-1500, '-1.50 s'],
]);

table('plural', ([n, w, p]: [number, string, string?]) => plural(n, w, p), [
  [[0, 'error'], '0 errors'],
  [[1, 'error'], '1 error'],
  [[2, 'error'], '2 errors'],
  [[1234, 'record'], '1,234 records'],
  [[1, 'query', 'queries'], '1 query'],
  [[3, 'query', 'queries'], '3 queries'],
]);

table('formatNumber', (n: number) => formatNumber(n), [
  [88.17916666666667, '88.18'],
  [42, '42'],
  [1234567, '1,234,567'],
  [2.5, '2.5'],
  [2.0001, '2'],
  [0.123456, '0.123'],
  [0.0001234, '0.000123'],
  [-3.14159, '-3.14'],
  [Number.NaN, '—'],
  [Number.POSITIVE_INFINITY, '∞'],
]);

table('formatPercent (0–100)', formatPercent, [
  [88.17916666666667, '88.2%'],
  [100, '100%'],
  [99.96, '>99.9%'],
  [0, '0%'],
  [0.01, '<0.1%'],
  [12.5, '12.5%'],
  [50, '50%'],
]);

table('displayCell (query table)', displayCell, [
  [88.17916666666667, '88.1792'],
  [12, '12'],
  ['12.3456789', '12.3456789'],
  [null, ''],
  [{ a: 1 }, '{"a":1}'],
]);

table('sourceLine (code.lineno → editor line)', ([l, n]: [number | undefined, number]) => sourceLine(l, n), [
  [[36, 53], { line: 35 }],
  [[1, 1], { line: 0 }],
  [[undefined, 10], { line: 0 }],
  [[212, 44], { problem: 'has 44 lines; the span was recorded at line 212 (the file changed since, or the span comes from other code)' }],
  [[0, 44], { problem: 'has 44 lines; the span was recorded at line 0 (the file changed since, or the span comes from other code)' }],
]);
