// Chart colours: the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), which stays
// distinguishable with the common colour-vision deficiencies, ordered per theme kind so that every
// colour has at least 3:1 contrast against the view's background (WCAG 2.1 non-text contrast).
// Pure: no DOM, so it is unit-tested in Node.

export type ThemeKind = 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';

/** Okabe–Ito, by name. */
export const OKABE_ITO = {
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
  black: '#000000',
} as const;

/** Background the palette is checked against for each theme kind (VS Code's default editor/side bar colours). */
export const THEME_BACKGROUND: Record<ThemeKind, string> = {
  dark: '#181818',
  light: '#f8f8f8',
  'high-contrast': '#000000',
  'high-contrast-light': '#ffffff',
};

/** Series colours, most distinct first. Dark themes drop blue and black; light ones yellow and sky blue. */
export function seriesColors(kind: ThemeKind): string[] {
  const c = OKABE_ITO;
  if (kind === 'dark' || kind === 'high-contrast') return [c.skyBlue, c.orange, c.bluishGreen, c.reddishPurple, c.yellow, c.vermillion, '#BBBBBB'];
  // Reddish purple darkened for white backgrounds (same hue).
  return [c.blue, c.vermillion, c.bluishGreen, '#A8508A', '#B07800', '#555555'];
}

/** Colours with a meaning, the same hue on every theme kind where contrast allows. */
export function semanticColors(kind: ThemeKind): { good: string; bad: string; warn: string; neutral: string; accent: string } {
  const dark = kind === 'dark' || kind === 'high-contrast';
  return {
    good: OKABE_ITO.bluishGreen,
    bad: OKABE_ITO.vermillion,
    // Yellow is invisible on white: light themes get a darkened orange.
    warn: dark ? OKABE_ITO.yellow : '#B07800',
    neutral: dark ? '#BBBBBB' : '#555555',
    accent: dark ? OKABE_ITO.skyBlue : OKABE_ITO.blue,
  };
}

/** The theme kind from the classes VS Code puts on a webview's body. */
export function themeKindOf(bodyClasses: string): ThemeKind {
  if (/\bvscode-high-contrast-light\b/.test(bodyClasses)) return 'high-contrast-light';
  if (/\bvscode-high-contrast\b/.test(bodyClasses)) return 'high-contrast';
  if (/\bvscode-light\b/.test(bodyClasses)) return 'light';
  return 'dark';
}

/** WCAG 2.1 contrast ratio of two `#rrggbb` colours. */
export function contrastRatio(a: string, b: string): number {
  const lum = (hex: string): number => {
    const n = parseInt(hex.slice(1), 16);
    const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
