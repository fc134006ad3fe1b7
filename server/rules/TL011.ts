// TL011 hardcoded-token: Logfire write/read tokens committed to source.
//
// A token in source ends up in git history, CI logs and every clone: anyone holding a write token
// can send data to the project, a read token can query it. Reported: token-shaped text anywhere in
// the file (strings and comments alike — a comment leaks as well as a string), and a string literal
// passed as `token` to Logfire's `configure(...)`. Stand-ins are not tokens (`pylf_v1_us_...`,
// `pylf_v1_us_<redacted>`, `lf_live_...`, `<your-token>`, `test_token`, `..._1234567890`): a value is
// reported only when it is long and random-looking (varied characters, no `1234`/`aaaa` runs, no
// placeholder words), as secret scanners tell keys from dummies. In test files (tests/, test_*.py,
// *.test.ts, conftest.py) token-shaped strings are fixtures; only a random-looking literal passed to
// `configure(token=...)` is reported there, as a warning.
import type { FileContext, Fix, Rule } from '../lint/types';
import type { TextEdit } from '../model/positions';
import { argumentEnd, closingBracket, isTestPath, lexStringsAndComments, listItemDeletion, rangeAt, type Token } from './helpers';

/** `pylf_v1_us_<secret>` (region optional on old tokens), legacy `lf_live_<secret>`. */
const TOKEN = /(?<![A-Za-z0-9_])(pylf_v\d+_(?:[a-z]{2,5}_)?|lf_(?:live|test)_)([A-Za-z0-9_-]+)/g;
const NEEDLES = /pylf_v|lf_live_|lf_test_|configure/;
/** Words that mark a value as a stand-in, not a credential (what secret scanners treat as dummies too). */
const PLACEHOLDER_WORDS = /your|token|redact|example|placeholder|secret|dummy|fake|mock|stub|change|replace|here|xxx|test|sample|fixture|foo|bar|invalid|staging|local|insert/i;
/** Template or elision markers: `<your token>`, `...`, `${TOKEN}`, `{{ token }}`, `***`. */
const PLACEHOLDER_MARKS = /<[^>]*>|\.\.\.|…|\$\{|\{\{|\*\*\*/;

/** Characters of `s` left after dropping runs of 3+ repeated or consecutive characters (`aaaa`, `1234`, `abcd`, `9876`). */
function unpatterned(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    let j = i + 1;
    const step = j < s.length ? s.charCodeAt(j) - s.charCodeAt(i) : 0;
    if (step >= -1 && step <= 1) while (j < s.length && s.charCodeAt(j) - s.charCodeAt(j - 1) === step) j++;
    if (j - i >= 3 && step >= -1 && step <= 1) i = j;
    else out += s[i++];
  }
  return out;
}

/** Shannon entropy of `s` in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) h -= (n / s.length) * Math.log2(n / s.length);
  return h;
}

/** An obvious stand-in: placeholder words or markers, or too little randomness to be a key. */
export function isPlaceholderValue(value: string): boolean {
  if (PLACEHOLDER_MARKS.test(value)) return true;
  // Words count in single-case letter runs (`test_token`, `STAGING`), not inside mixed-case random text.
  for (const seg of value.split(/[^A-Za-z]+/)) {
    if ((seg === seg.toLowerCase() || seg === seg.toUpperCase()) && PLACEHOLDER_WORDS.test(seg)) return true;
  }
  const body = value.replace(/[_\-.]/g, '');
  const random = unpatterned(body);
  // Keys are long and random: after dropping `1234`/`aaaa` runs, most of the value is left, varied.
  return random.length < 16 || random.length < body.length * 0.7 || entropy(random) < 3.5;
}

/** Is the part after the prefix a real secret (long, random-looking) rather than a placeholder? */
export function looksLikeSecret(rest: string): boolean {
  const body = rest.replace(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_/i, ''); // org uuid
  if (body.length < 20 || isPlaceholderValue(body)) return false;
  if (!/[0-9]/.test(body) || !/[A-Za-z]/.test(body)) return false;
  return new Set(body).size >= 8;
}

/** A literal passed as `token=`: a token-shaped secret, or another long random value (not a placeholder). */
function literalLooksLikeSecret(value: string): boolean {
  TOKEN.lastIndex = 0;
  const m = TOKEN.exec(value);
  TOKEN.lastIndex = 0;
  if (m && m.index === 0 && m[0].length === value.length) return looksLikeSecret(m[2]);
  return value.length >= 20 && !/\s/.test(value) && looksLikeSecret(value);
}

function mask(prefix: string, rest: string): string {
  return `${prefix}${rest.slice(0, 4)}…`;
}

/** Aliases the file binds to the Logfire module / `configure` function. */
function logfireBindings(ctx: FileContext): { modules: Set<string>; bareConfigure: boolean } {
  const src = ctx.source;
  const modules = new Set<string>();
  let bareConfigure = false;
  if (ctx.language === 'python') {
    for (const m of src.matchAll(/^\s*import\s+([^\n#]+)/gm)) {
      for (const part of m[1].split(',')) {
        const [mod, alias] = part.trim().split(/\s+as\s+/);
        if (mod === 'logfire' || mod === 'logfire_api') modules.add(alias ?? mod);
      }
    }
    if (/^\s*from\s+logfire(?:_api)?\s+import\s+[^\n]*\bconfigure\b/m.test(src)) bareConfigure = true;
  } else {
    const pkg = `['"](?:logfire|@pydantic/logfire-(?:node|api|browser|cf-workers))['"]`;
    for (const m of src.matchAll(new RegExp(`import\\s+(?:\\*\\s+as\\s+)?([\\w$]+)[^;\\n]*from\\s+${pkg}`, 'g'))) modules.add(m[1]);
    for (const m of src.matchAll(new RegExp(`(?:const|let|var)\\s+([\\w$]+)\\s*=\\s*require\\(\\s*${pkg}`, 'g'))) modules.add(m[1]);
    if (new RegExp(`import\\s*(?:[\\w$]+\\s*,\\s*)?\\{[^}]*\\bconfigure\\b[^}]*\\}\\s*from\\s+${pkg}`).test(src)) bareConfigure = true;
    if (new RegExp(`(?:const|let|var)\\s*\\{[^}]*\\bconfigure\\b[^}]*\\}\\s*=\\s*require\\(\\s*${pkg}`).test(src)) bareConfigure = true;
  }
  return { modules, bareConfigure };
}

export const rule: Rule = {
  meta: {
    code: 'TL011',
    name: 'hardcoded-token',
    severity: 'error',
    fixable: 'sometimes',
    summary: 'Logfire token (`pylf_v1_…`, `lf_live_…`) or literal `configure(token=…)` in source',
  },
  // Token prefixes: files that mention no telemetry library (settings.py, config.ts) are still checked.
  fileNeedles: ['pylf_v', 'lf_live_', 'lf_test_'],
  checkFile(ctx, report) {
    const { source, language } = ctx;
    // One scan for the four needles (most files hold none of them).
    if (!NEEDLES.test(source)) return;
    const mayHaveToken = source.includes('pylf_v') || source.includes('lf_live_') || source.includes('lf_test_');
    const mayConfigure = source.includes('configure') && /token/.test(source);
    if (!mayHaveToken && !mayConfigure) return;
    const tokens = lexStringsAndComments(source, language);
    // Tests hold fixture tokens on purpose: only a random-looking one passed to configure() is reported, as a warning.
    const severity = isTestPath(ctx.filePath) ? ('warning' as const) : undefined;
    const strings = tokens.filter((t) => t.kind === 'string');
    const reported = new Set<number>();
    const inToken = (offset: number): Token | undefined => tokens.find((t) => offset >= t.start && offset < t.end);

    // 1. Literal passed as `token` to configure(...): the whole literal is reported.
    const { modules, bareConfigure } = logfireBindings(ctx);
    const py = language === 'python';
    for (const m of source.matchAll(/(?<![\w$])(?:([\w$]+)\s*\.\s*)?configure\s*\(/g)) {
      if (inToken(m.index!)) continue;
      if (m[1] ? !modules.has(m[1]) : !bareConfigure) continue;
      const open = m.index! + m[0].length;
      const close = closingBracket(source, open);
      const inner = source.slice(open, close);
      const kw = py ? /(?<![\w$])token\s*=(?!=)\s*/g : /(?<![\w$'"])['"]?token['"]?\s*:\s*/g;
      for (const k of inner.matchAll(kw)) {
        const keyStart = open + k.index!;
        if (inToken(keyStart)) continue;
        const valueStart = keyStart + k[0].length;
        const lit = strings.find((t) => t.start === valueStart);
        if (!lit || lit.contentEnd <= lit.contentStart || /f/i.test(lit.prefix) || lit.quote === '`') continue;
        // Only a plain literal value (not `"a" + b`, not a default inside another call).
        if (argumentEnd(source, valueStart) !== lit.end) continue;
        // `token='test_token'`, `token='<your token>'`: a stand-in, not a credential.
        if (!literalLooksLikeSecret(source.slice(lit.contentStart, lit.contentEnd))) continue;
        const fixes: Fix[] = [];
        if (py) {
          const end = argumentEnd(source, keyStart);
          fixes.push({
            title: 'Remove `token=` (Logfire reads the LOGFIRE_TOKEN environment variable)',
            edits: [{ range: listItemDeletion(source, keyStart, end), newText: '' }],
            isPreferred: true,
            unsafe: true,
          });
          if (/^\s*import\s+os\b|^\s*import\s+[^\n#]*,\s*os\b/m.test(source)) {
            fixes.push({ title: 'Read it from `os.environ["LOGFIRE_TOKEN"]`', edits: [{ range: rangeAt(source, lit.start, lit.end), newText: 'os.environ["LOGFIRE_TOKEN"]' }], unsafe: true });
          }
        } else {
          fixes.push({ title: 'Read it from `process.env.LOGFIRE_TOKEN`', edits: [{ range: rangeAt(source, lit.start, lit.end), newText: 'process.env.LOGFIRE_TOKEN' }], isPreferred: true, unsafe: true });
        }
        for (let i = lit.contentStart; i < lit.contentEnd; i++) reported.add(i);
        report({
          message: 'Hard-coded token passed to `configure()`: set the LOGFIRE_TOKEN environment variable (or a secret store) instead',
          range: rangeAt(source, lit.start, lit.end),
          fixes,
          ...(severity ? { severity } : {}),
        });
      }
    }

    // 2. Token-shaped text anywhere — except in tests, whose token-shaped strings are fixtures
    //    (expected values, fake auth files); a literal configured into the SDK is still reported above.
    if (!mayHaveToken || severity) return;
    for (const m of source.matchAll(TOKEN)) {
      const start = m.index!;
      if (reported.has(start) || !looksLikeSecret(m[2])) continue;
      const end = start + m[0].length;
      const where = inToken(start);
      const fixes: Fix[] = [];
      // A string literal that is exactly the token can be swapped for the environment variable.
      if (where?.kind === 'string' && where.contentStart === start && where.contentEnd === end && !/f/i.test(where.prefix) && where.quote !== '`') {
        const edit: TextEdit | undefined = py
          ? /^\s*import\s+os\b/m.test(source)
            ? { range: rangeAt(source, where.start, where.end), newText: 'os.environ["LOGFIRE_TOKEN"]' }
            : undefined
          : { range: rangeAt(source, where.start, where.end), newText: 'process.env.LOGFIRE_TOKEN' };
        if (edit) fixes.push({ title: `Read it from ${edit.newText}`, edits: [edit], isPreferred: true, unsafe: true });
      }
      const inComment = where?.kind === 'comment' ? ' in a comment' : '';
      report({
        message: `Hard-coded Logfire token \`${mask(m[1], m[2])}\`${inComment}: revoke it and load it from the LOGFIRE_TOKEN environment variable`,
        range: rangeAt(source, start, end),
        fixes,
        ...(severity ? { severity } : {}),
      });
    }
  },
};

export default rule;
