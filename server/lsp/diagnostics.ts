// Findings → LSP diagnostics. A diagnostic carries its rule name and matched event in `data`, not its
// fixes (code actions compute those for the current text, which keeps each publication small), and
// links its rule code to the rule's documentation.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostic, DiagnosticSeverity, DiagnosticTag } from 'vscode-languageserver';
import type { Finding, Severity } from '../lint/types';
import type { SchemaError } from '../schema/model';
import { packageRoot } from '../paths';
import { RULE_DOCS } from './ruleDocs';

export const SOURCE = 'Telemetry Lens';
export const RUNTIME_SOURCE = 'Telemetry Lens (runtime)';
export const SCHEMA_CODE = 'schema';

/** What a diagnostic carries back to the server in code action requests. */
export interface DiagnosticData {
  rule: string;
  eventId?: string;
  /** Set on runtime-conformance diagnostics. */
  runtime?: { count: number; lastSeen: string };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toSeverity(s: Severity | string): DiagnosticSeverity {
  return SEVERITY[s as Severity] ?? DiagnosticSeverity.Warning;
}

const docCache = new Map<string, string | undefined>();

/**
 * Where a rule's documentation lives: the markdown file next to the server in a development tree or
 * npm install (`server/rules/docs/TLxxx.md`), else a copy of the bundled text written once under the
 * OS temp dir (an installed VSIX ships only the bundles).
 */
export function ruleDocHref(code: string): string | undefined {
  if (docCache.has(code)) return docCache.get(code);
  let href: string | undefined;
  if (/^TL\d{3}$/.test(code)) {
    try {
      const root = packageRoot();
      const file = path.join(root, 'server', 'rules', 'docs', `${code}.md`);
      if (fs.existsSync(file)) href = pathToFileURL(file).toString();
      else if (RULE_DOCS[code]) {
        const version = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0';
        const dir = path.join(os.tmpdir(), 'telemetry-lens', version, 'rules');
        const copy = path.join(dir, `${code}.md`);
        if (!fs.existsSync(copy)) {
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(copy, RULE_DOCS[code]);
        }
        href = pathToFileURL(copy).toString();
      }
    } catch {
      href = undefined;
    }
  }
  docCache.set(code, href);
  return href;
}

const converted = new WeakMap<Finding, Diagnostic>();
/** JSON text of the diagnostics made by findingToDiagnostic (never changed after they are made). */
const jsonOf = new WeakMap<Diagnostic, string | null>();

/** The diagnostic of a finding (cached per finding object: unchanged findings are not converted again). */
export function findingToDiagnostic(f: Finding): Diagnostic {
  const hit = converted.get(f);
  if (hit) return hit;
  const d = convert(f);
  converted.set(f, d);
  jsonOf.set(d, null);
  return d;
}

/**
 * JSON.stringify(d), computed once for a diagnostic of findingToDiagnostic: a publication after an edit
 * re-encodes only the diagnostics the edit changed. Any other diagnostic is encoded each time.
 */
export function diagnosticJson(d: Diagnostic): string {
  const cached = jsonOf.get(d);
  if (cached) return cached;
  const json = JSON.stringify(d);
  if (cached === null) jsonOf.set(d, json);
  return json;
}

function convert(f: Finding): Diagnostic {
  const d: Diagnostic = {
    range: f.range,
    severity: toSeverity(f.severity),
    code: f.code,
    source: SOURCE,
    message: f.message,
  };
  const href = ruleDocHref(f.code);
  if (href) d.codeDescription = { href };
  const tags: DiagnosticTag[] = [];
  if (f.tags?.includes('deprecated')) tags.push(DiagnosticTag.Deprecated);
  if (f.tags?.includes('unnecessary')) tags.push(DiagnosticTag.Unnecessary);
  if (tags.length) d.tags = tags;
  const data: DiagnosticData = { rule: f.rule };
  if (f.eventId !== undefined) data.eventId = f.eventId;
  d.data = data;
  return d;
}

export function schemaErrorToDiagnostic(e: SchemaError): Diagnostic {
  const endLine = e.endLine ?? e.line;
  const endCharacter = e.endCharacter ?? (e.endLine === undefined ? e.character + 1 : e.character);
  return {
    range: { start: { line: e.line, character: e.character }, end: { line: endLine, character: endCharacter } },
    severity: e.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: SCHEMA_CODE,
    source: SOURCE,
    message: e.message,
  };
}
