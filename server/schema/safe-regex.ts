// Regular expressions and LIKE patterns that come from untrusted input (a workspace's schema, a
// health check's SQL, received telemetry) run on RE2's linear-time engine (the `re2js` port), never
// on V8's backtracking one: `^(a+)+$` against 40 `a`s and a `!` takes microseconds instead of hours.
// RE2 has no backreferences and no lookaround; a pattern using them is rejected with a message
// saying so, and callers report it where the pattern was written.
import { RE2JS } from 're2js';

export interface SafeRegex {
  /** The pattern as written. */
  readonly source: string;
  /** Does the pattern match somewhere in `s` (like `RegExp.prototype.test`)? */
  test(s: string): boolean;
  /** Does the pattern match the whole of `s`? */
  matchesWhole(s: string): boolean;
}

const RE2_NOTE = 'patterns use RE2 syntax, which matches in linear time: backreferences (\\1, \\k<name>) and lookaround ((?=…), (?!…), (?<=…), (?<!…)) are not supported';

/** Why `pattern` cannot be compiled under RE2 semantics, or undefined when it can. */
export function regexProblem(pattern: string): string | undefined {
  try {
    compileSafeRegex(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function describe(pattern: string, e: unknown): string {
  const msg = e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e);
  const unsupported = /\\[1-9k]|\(\?<?[=!]/.test(pattern);
  return unsupported ? `${msg} (${RE2_NOTE})` : msg;
}

/** The first backreference (`\1`…`\9…`, `\k<name>`) in a pattern, skipping escaped backslashes. */
function backreference(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length - 1; i++) {
    if (pattern[i] !== '\\') continue;
    const next = pattern[i + 1];
    if (/[1-9]/.test(next)) return pattern.slice(i).match(/^\\\d+/)![0];
    if (next === 'k') return pattern.slice(i).match(/^\\k(<[^>]*>?)?/)![0];
    i++;
  }
  return undefined;
}

/**
 * Compiles a schema pattern, written in JavaScript syntax (`u` mode), for RE2. V8 only parses it here
 * (parsing is linear; it never matches with it), so syntax errors read as they would in JavaScript.
 */
function compileJsPattern(pattern: string, flags: number): RE2JS {
  try {
    new RegExp(pattern, 'u');
  } catch (e) {
    throw new Error((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  const backref = backreference(pattern);
  if (backref) throw new Error(`backreference \`${backref}\` is not supported (${RE2_NOTE})`);
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern), flags);
  } catch (e) {
    throw new Error(describe(pattern, e));
  }
}

const cache = new Map<string, SafeRegex | Error>();
const CACHE_MAX = 2000;

/**
 * Compiles a pattern for RE2: JavaScript syntax (`\uXXXX` escapes are translated), or RE2's own with
 * `re2Syntax` (for patterns built here). Throws an Error saying what is wrong when RE2 cannot run it.
 */
export function compileSafeRegex(pattern: string, opts: { ignoreCase?: boolean; dotAll?: boolean; re2Syntax?: boolean } = {}): SafeRegex {
  const key = `${opts.ignoreCase ? 'i' : ''}${opts.dotAll ? 's' : ''}${opts.re2Syntax ? 'r' : ''}:${pattern}`;
  const hit = cache.get(key);
  if (hit instanceof Error) throw hit;
  if (hit) return hit;
  if (cache.size >= CACHE_MAX) cache.clear();
  const flags = (opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (opts.dotAll ? RE2JS.DOTALL : 0);
  let re: RE2JS;
  try {
    if (!opts.re2Syntax) re = compileJsPattern(pattern, flags);
    else {
      try {
        re = RE2JS.compile(pattern, flags);
      } catch (e) {
        throw new Error(describe(pattern, e));
      }
    }
  } catch (e) {
    cache.set(key, e as Error);
    throw e;
  }
  const out: SafeRegex = {
    source: pattern,
    test: (s) => re.matcher(s).find(),
    matchesWhole: (s) => re.matches(s),
  };
  cache.set(key, out);
  return out;
}

/** `s` as an RE2 pattern matching exactly that text. */
export function quoteRegex(s: string): string {
  return RE2JS.quote(s);
}

/**
 * A SQL LIKE matcher (`%` any run, `_` one character, `\` escapes the next character) that runs in
 * time linear in the input for a given pattern, whatever the pattern.
 */
export function likeMatcher(pattern: string, caseInsensitive: boolean): (s: string) => boolean {
  let src = '';
  let literal = '';
  const flush = () => {
    if (literal) src += RE2JS.quote(literal);
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) literal += pattern[++i];
    else if (ch === '%') {
      flush();
      // Consecutive `%`s are one `.*`: fewer states, same language.
      if (!src.endsWith('.*')) src += '.*';
    } else if (ch === '_') {
      flush();
      src += '.';
    } else literal += ch;
  }
  flush();
  const re = compileSafeRegex(src, { ignoreCase: caseInsensitive, dotAll: true, re2Syntax: true });
  return (s) => re.matchesWhole(s);
}
