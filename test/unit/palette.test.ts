// Chart colours: every series and meaning colour is visible on each theme kind's background (3:1,
// WCAG non-text contrast) and no two series colours repeat.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contrastRatio, semanticColors, seriesColors, THEME_BACKGROUND, themeKindOf, type ThemeKind } from '../../media/src/lib/palette';

const kinds = Object.keys(THEME_BACKGROUND) as ThemeKind[];

describe('chart palette', () => {
  for (const kind of kinds) {
    it(`${kind}: at least 6 distinct series colours and all colours at 3:1 against ${THEME_BACKGROUND[kind]}`, () => {
      const series = seriesColors(kind);
      assert.ok(series.length >= 6);
      assert.equal(new Set(series.map((c) => c.toLowerCase())).size, series.length, 'series colours repeat');
      for (const c of [...series, ...Object.values(semanticColors(kind))]) {
        const ratio = contrastRatio(c, THEME_BACKGROUND[kind]);
        assert.ok(ratio >= 3, `${c} on ${THEME_BACKGROUND[kind]}: ${ratio.toFixed(2)}:1`);
      }
      const s = semanticColors(kind);
      assert.equal(new Set([s.good, s.bad, s.warn, s.accent]).size, 4, 'meanings share a colour');
    });
  }
  it('contrastRatio follows WCAG (black on white is 21:1) and themeKindOf reads the body classes', () => {
    assert.equal(contrastRatio('#000000', '#ffffff').toFixed(0), '21');
    assert.equal(themeKindOf('vscode-light'), 'light');
    assert.equal(themeKindOf('vscode-high-contrast vscode-high-contrast-light'), 'high-contrast-light');
    assert.equal(themeKindOf('vscode-high-contrast'), 'high-contrast');
    assert.equal(themeKindOf('vscode-dark'), 'dark');
  });
});
