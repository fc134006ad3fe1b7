// Logfire message templates: `{name}` fields in Python `str.format` syntax. Logfire looks a field up
// as an attribute (the whole dotted name first, then the root name with attribute/item access),
// applies `!r`-style conversions and `:spec` format specs, and treats `{{`/`}}` as literal braces.
// When a field has no matching attribute Logfire does not fail: it renders the raw template.

export interface TemplateField {
  /** Field name as written, without conversion/spec/`=`: 'pct', 'a.b', 'items[0]'. */
  name: string;
  /** Name up to the first `.` or `[`: the attribute Logfire looks up. */
  root: string;
  /** Offsets in the template: the whole `{...}` and the name inside it. */
  start: number;
  end: number;
  nameStart: number;
  nameEnd: number;
  conversion?: string;
  spec?: string;
  /** `{x=}` (f-string self-documenting form). */
  selfDoc: boolean;
}

export interface TemplateProblem {
  offset: number;
  message: string;
}

export interface ParsedTemplate {
  fields: TemplateField[];
  problems: TemplateProblem[];
  /** The literal text with every field replaced by `{}` (for comparing templates by shape). */
  shape: string;
}

const NAME_END = /[.[]/;

/** Parses a message template. Never throws: malformed braces become `problems`. */
export function parseTemplate(template: string): ParsedTemplate {
  const fields: TemplateField[] = [];
  const problems: TemplateProblem[] = [];
  let shape = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '{' && template[i + 1] === '{') {
      shape += '{';
      i += 2;
      continue;
    }
    if (ch === '}') {
      if (template[i + 1] === '}') {
        shape += '}';
        i += 2;
        continue;
      }
      problems.push({ offset: i, message: "single '}' in template (write '}}' for a literal brace)" });
      shape += '}';
      i++;
      continue;
    }
    if (ch !== '{') {
      shape += ch;
      i++;
      continue;
    }
    // A field: find its closing brace, allowing one level of nested `{}` inside the format spec.
    let depth = 1;
    let j = i + 1;
    let bracket = false;
    while (j < template.length && depth > 0) {
      const c = template[j];
      if (c === '[') bracket = true;
      else if (c === ']') bracket = false;
      else if (!bracket && c === '{') depth++;
      else if (!bracket && c === '}') depth--;
      if (depth > 0) j++;
    }
    if (depth > 0) {
      problems.push({ offset: i, message: "unclosed '{' in template (write '{{' for a literal brace)" });
      shape += template.slice(i);
      break;
    }
    const inner = template.slice(i + 1, j);
    fields.push(parseField(inner, i, j + 1, problems));
    shape += '{}';
    i = j + 1;
  }
  return { fields, problems, shape };
}

function parseField(inner: string, start: number, end: number, problems: TemplateProblem[]): TemplateField {
  // The name runs until `!` or `:` outside square brackets.
  let k = 0;
  let bracket = false;
  while (k < inner.length) {
    const c = inner[k];
    if (c === '[') bracket = true;
    else if (c === ']') bracket = false;
    else if (!bracket && (c === '!' || c === ':')) break;
    k++;
  }
  let name = inner.slice(0, k);
  let rest = inner.slice(k);
  let selfDoc = false;
  let conversion: string | undefined;
  let spec: string | undefined;
  if (rest.startsWith('!')) {
    const colon = rest.indexOf(':');
    conversion = colon < 0 ? rest.slice(1) : rest.slice(1, colon);
    rest = colon < 0 ? '' : rest.slice(colon);
  }
  if (rest.startsWith(':')) spec = rest.slice(1);
  const leading = name.length - name.trimStart().length;
  name = name.trim();
  if (name.endsWith('=')) {
    selfDoc = true;
    name = name.slice(0, -1).trimEnd();
  }
  const nameStart = start + 1 + leading;
  const m = NAME_END.exec(name);
  const root = m ? name.slice(0, m.index) : name;
  if (name === '') problems.push({ offset: start, message: 'empty placeholder {} in template: Logfire needs a field name' });
  const field: TemplateField = { name, root, start, end, nameStart, nameEnd: nameStart + name.length, selfDoc };
  if (conversion !== undefined) field.conversion = conversion;
  if (spec !== undefined) field.spec = spec;
  return field;
}

/** The distinct root names of a template's fields, in order of first appearance. */
export function templateFieldNames(template: string): string[] {
  const seen = new Set<string>();
  for (const f of parseTemplate(template).fields) if (f.root) seen.add(f.root);
  return [...seen];
}
