// TL010 sensitive-attribute: secrets, raw user content and personal identifiers sent as attributes.
//
// Telemetry is read by many people and kept for weeks: API keys and tokens must not be logged,
// user ids are hashed, prompts truncated, card data never logged. Names are matched by built-in category (below), by `conventions.sensitiveNames` (regular
// expressions matching the whole key), and by schema attributes declared `sensitive: true`. A value that is visibly hashed,
// masked or a length (`hash_id(user_id)`, `len(prompt)`, `'***'`) is accepted.
import type { Fix, Rule } from '../lint/types';
import type { ArgValue, TelemetryAttribute } from '../model/calls';
import type { AttributeSpec } from '../schema/model';
import { compileSafeRegex, quoteRegex, type SafeRegex } from '../schema/safe-regex';
import { deleteAttributeEdit, toSnakeCase } from './helpers';

interface Category {
  test: RegExp;
  why: string;
  /** What the fix offers: drop the attribute, or log the value's length instead. */
  fix: 'remove' | 'length' | 'none';
}

/** Tested against the key in snake_case (`apiKey` → `api_key`, `http.authorization` → `http_authorization`). */
const CATEGORIES: Category[] = [
  {
    // `token` / `*_token` but not LLM counts (`prompt_tokens`, `token_count`, `max_tokens`).
    test: /(?:^|_)(?:api_?key|apikey|secret|secret_key|client_secret|password|passwd|pwd|passphrase|token|private_key|authorization|auth_header|bearer|credentials?|cookie|set_cookie|session_key|signing_key|access_key)$/,
    why: 'looks like a credential; anyone with read access to the telemetry can use it, for as long as it is retained',
    fix: 'remove',
  },
  {
    test: /^(?:raw_|full_|user_|system_|input_)?(?:prompt|prompt_text|transcript|conversation|chat_history|user_message|user_input)$/,
    why: 'holds raw user content that may contain personal data; log its length or a truncated form',
    fix: 'length',
  },
  {
    test: /^(?:user_|customer_|account_|contact_)?(?:user_id|email|email_address|phone|phone_number|ssn|social_security_number|ip_address|date_of_birth|full_name)$/,
    why: 'identifies a person; log a stable hash instead',
    fix: 'none',
  },
  {
    test: /(?:^|_)(?:credit_card|card_number|cc_number|card_cvv|cvv|cvc|iban)$/,
    why: 'is payment card data, which must never be logged',
    fix: 'remove',
  },
];

/**
 * Credential-shaped names that are not credentials: pagination and cancellation handles
 * (`page_token`, `cancel_token`), LLM vocabulary (`eos_token`, `max_token`), and flags about a
 * credential (`has_auth_token`, `is_token_valid`, `use_api_key`).
 */
const NOT_A_CREDENTIAL =
  /(?:^|_)(?:cancel|cancellation|page|next_page|prev_page|previous_page|continuation|pagination|resume|resumption|sync|stop|end|start|eos|bos|pad|unk|sep|mask|special|first|last|num|max|min|input|output|prompt|completion|total)_token$|^(?:has|is|should|use|uses|needs?|with|enable|enabled|requires?|can|allow)_/;

/** Values that are visibly not the raw secret: hashed, masked, redacted, or a length/count. */
const SAFE_CALL = /^(?:not\s|callable\s*\(|isinstance\s*\(|hasattr\s*\(|bool\s*\()|\s(?:is|is not|==|!=|in|not in)\s|\b(?:hash\w*|\w*hash|sha\d*|md5|blake2\w*|hmac\w*|digest|hexdigest|redact\w*|mask\w*|anonymi[sz]e\w*|pseudonymi[sz]e\w*|truncate\w*|len|count)\s*\(|\.length\b|\.hexdigest\(\)/i;

function isSafeValue(v: ArgValue): boolean {
  switch (v.kind) {
    case 'bool':
    case 'int':
    case 'float':
    case 'none':
      return true;
    case 'string': {
      const s = String(v.value ?? '');
      return s === '' || /^[*x•.\-_<>[\]() ]*(redacted|masked|hidden|removed|\*+)?[*x•.\-_<>[\]() ]*$/i.test(s);
    }
    default:
      return SAFE_CALL.test(v.text);
  }
}

const matchers = new WeakMap<readonly string[], (key: string) => string | undefined>();

/** `conventions.sensitiveNames`: regular expressions matched against the whole key, case-insensitively (compiled once per schema). */
function conventionMatcher(entries: readonly string[]): (key: string) => string | undefined {
  let m = matchers.get(entries);
  if (!m) {
    m = compileMatcher(entries);
    matchers.set(entries, m);
  }
  return m;
}

function compileMatcher(entries: readonly string[]): (key: string) => string | undefined {
  const tests = entries.map((e) => {
    let re: SafeRegex;
    try {
      re = compileSafeRegex(`(?:${e})`, { ignoreCase: true });
    } catch {
      re = compileSafeRegex(quoteRegex(e), { ignoreCase: true, re2Syntax: true });
    }
    return { e, re };
  });
  return (key) => tests.find((t) => t.re.matchesWhole(key))?.e;
}

interface Verdict {
  why?: string;
  fix: Category['fix'];
}

/** Per-key verdicts of the built-in categories and the conventions (one table per conventions list). */
const verdictTables = new WeakMap<readonly string[], Map<string, Verdict>>();

function verdictsFor(entries: readonly string[]): Map<string, Verdict> {
  let t = verdictTables.get(entries);
  if (!t) {
    t = new Map();
    verdictTables.set(entries, t);
  }
  return t;
}

function keyVerdict(table: Map<string, Verdict>, key: string, fromConventions: (key: string) => string | undefined): Verdict {
  let v = table.get(key);
  if (v === undefined) {
    const snake = toSnakeCase(key);
    // `cancel_token`, `has_auth_token` read as credentials only to a pattern that names them outright.
    const notCredential = NOT_A_CREDENTIAL.test(snake);
    const cat = notCredential ? CATEGORIES.find((c) => c.fix !== 'remove' && c.test.test(snake)) : CATEGORIES.find((c) => c.test.test(snake));
    if (cat) v = { why: cat.why, fix: cat.fix };
    else {
      let entry = fromConventions(key);
      if (entry !== undefined && notCredential && entry.toLowerCase() !== key.toLowerCase()) entry = undefined;
      v = { why: entry ? `matches \`${entry}\` in the schema's sensitive names` : undefined, fix: 'none' };
    }
    if (table.size >= 10000) table.clear();
    table.set(key, v);
  }
  return v;
}

const declaredByEvent = new WeakMap<readonly AttributeSpec[], Map<string, AttributeSpec> | null>();

/** The event's attributes declared `sensitive: true`, by name (null when there are none). */
function declaredSensitive(attrs: readonly AttributeSpec[] | undefined): Map<string, AttributeSpec> | null {
  if (!attrs) return null;
  let d = declaredByEvent.get(attrs);
  if (d === undefined) {
    const list = attrs.filter((a) => a.sensitive);
    d = list.length ? new Map(list.map((a) => [a.name, a])) : null;
    declaredByEvent.set(attrs, d);
  }
  return d;
}

/** Attribute forms whose `range` is one list item (so it can be replaced or deleted on its own). */
const EDITABLE = new Set<TelemetryAttribute['source']>(['keyword', 'dict', 'extra']);

function lengthFix(attr: TelemetryAttribute, language: string): Fix | undefined {
  if (!EDITABLE.has(attr.source)) return undefined;
  if (attr.value.kind !== 'identifier' && !/^[\w.]+$/.test(attr.value.text)) return undefined;
  const key = `${attr.key}_length`;
  const value = language === 'python' ? `len(${attr.value.text})` : `${attr.value.text}.length`;
  const keyText = attr.source === 'keyword' ? key : language === 'python' ? `"${key}"` : key;
  const sep = attr.source === 'keyword' ? '=' : ': ';
  return { title: `Log \`${key}\` instead of the raw value`, edits: [{ range: attr.range, newText: `${keyText}${sep}${value}` }], unsafe: true };
}

export const rule: Rule = {
  meta: {
    code: 'TL010',
    name: 'sensitive-attribute',
    severity: 'warning',
    fixable: 'sometimes',
    summary: 'Credential, raw prompt, unhashed personal identifier or card data sent as an attribute',
  },
  checkCall(ctx, report) {
    const { call, schema, match, source } = ctx;
    const fromConventions = conventionMatcher(schema.conventions.sensitiveNames);
    if (call.attributes.length === 0) return;
    const declared = declaredSensitive(match.event?.attributes);
    const verdicts = verdictsFor(schema.conventions.sensitiveNames);
    for (const attr of call.attributes) {
      let why: string | undefined;
      let fix: Category['fix'] = 'none';
      const decl = declared?.get(attr.key);
      if (decl) {
        why = `is declared \`sensitive\` in the schema${decl.description ? ` (${decl.description})` : ''}`;
      } else {
        const v = keyVerdict(verdicts, attr.key, fromConventions);
        why = v.why;
        fix = v.fix;
      }
      if (!why || isSafeValue(attr.value)) continue;
      const fixes: Fix[] = [];
      if (!source) {
        // A call rebuilt from a runtime record: nothing to edit.
      } else if (fix === 'length') {
        const f = lengthFix(attr, call.language);
        if (f) fixes.push(f);
      } else if (fix === 'remove' && EDITABLE.has(attr.source)) {
        fixes.push({ title: `Remove \`${attr.key}\``, edits: [deleteAttributeEdit(source, attr)], unsafe: true });
      }
      report({ message: `Sensitive attribute \`${attr.key}\` ${why}`, range: attr.keyRange, fixes });
    }
  },
};

export default rule;
