// `telemetry-lens lint` reports: text (ruff-like), JSON, and SARIF 2.1.0 for GitHub code scanning.
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../paths';
import { RULES } from '../rules/index';
import { preferredFix } from '../lint/fixes';
import type { Finding, Severity } from '../lint/types';
import type { FileResult } from '../lint/workspace';
import { plural, rel } from './lint-common';

export interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  fixes: { title: string; isPreferred: boolean; placeholder?: true; unsafe?: true; edits: { line: number; column: number; endLine: number; endColumn: number; newText: string }[] }[];
}

export function toJson(file: string, f: Finding): JsonFinding {
  return {
    file: rel(file),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    code: f.code,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fixes: f.fixes.map((x) => ({
      title: x.title,
      isPreferred: !!x.isPreferred,
      ...(x.placeholder ? { placeholder: true } : {}),
      ...(x.unsafe ? { unsafe: true } : {}),
      edits: x.edits.map((e) => ({ line: e.range.start.line + 1, column: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1, newText: e.newText })),
    })),
  };
}

export function textReport(results: FileResult[], seconds: number): string {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  let fixable = 0;
  let unsafeFixable = 0;
  let total = 0;
  for (const r of results) {
    for (const f of r.findings) {
      lines.push(`${rel(r.file)}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.code} ${f.message}${f.severity === 'error' ? '' : ` [${f.severity}]`}`);
      counts[f.severity]++;
      total++;
      if (preferredFix(f)) fixable++;
      else if (preferredFix(f, { unsafe: true })) unsafeFixable++;
    }
  }
  const linesLinted = results.reduce((n, r) => n + r.lines, 0);
  const scope = `${plural(results.length, 'file')}, ${linesLinted.toLocaleString('en-US')} lines, ${seconds.toFixed(2)}s`;
  if (total === 0) lines.push(`All checks passed (${scope}).`);
  else {
    const parts = (['error', 'warning', 'info', 'hint'] as const).filter((s) => counts[s]).map((s) => plural(counts[s], s));
    lines.push(`Found ${plural(total, 'problem')} (${parts.join(', ')}) in ${scope}.`);
    if (fixable || unsafeFixable) {
      const safe = fixable ? `${fixable} fixable with --fix (or "Fix all" in the editor)` : '';
      const more = unsafeFixable ? `${unsafeFixable} ${fixable ? 'more ' : ''}with --unsafe-fixes (they rename or drop what is logged)` : '';
      lines.push(`${[safe, more].filter(Boolean).join('; ')}.`);
    }
  }
  return lines.join('\n') + '\n';
}

function readPackage(): { version: string; base?: string } {
  try {
    const pj = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version?: string; repository?: string | { url?: string }; homepage?: string };
    const repo = typeof pj.repository === 'string' ? pj.repository : pj.repository?.url;
    const base = (repo ?? pj.homepage ?? '').replace(/^git\+/, '').replace(/\.git$/, '').replace(/#.*$/, '');
    return { version: pj.version ?? '0.0.0', base: /^https?:\/\//.test(base) ? base : undefined };
  } catch {
    return { version: '0.0.0' };
  }
}

function ruleDoc(code: string): string | undefined {
  try {
    return fs.readFileSync(path.join(packageRoot(), 'server', 'rules', 'docs', `${code}.md`), 'utf8');
  } catch {
    return undefined;
  }
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** SARIF 2.1.0 log as GitHub code scanning ingests it. */
export function sarifReport(results: FileResult[], root: string): object {
  const pkg = readPackage();
  const rules = RULES.map((r) => {
    const doc = ruleDoc(r.meta.code);
    const rule: Record<string, unknown> = {
      id: r.meta.code,
      name: r.meta.name,
      shortDescription: { text: r.meta.summary },
      fullDescription: { text: r.meta.summary },
      defaultConfiguration: { level: r.meta.severity === 'off' ? 'none' : SARIF_LEVEL[r.meta.severity] },
      properties: { tags: ['telemetry'], fixable: r.meta.fixable },
    };
    if (pkg.base) rule.helpUri = `${pkg.base}/blob/main/server/rules/docs/${r.meta.code}.md`;
    if (doc) rule.help = { text: doc, markdown: doc };
    return rule;
  });
  const index = new Map(RULES.map((r, i) => [r.meta.code, i]));
  const uri = (file: string) => {
    const r = path.relative(root, file);
    return (r && !r.startsWith('..') && !path.isAbsolute(r) ? r : file).split(path.sep).join('/');
  };
  const sarifResults = results.flatMap((r) =>
    r.findings.map((f) => {
      const res: Record<string, unknown> = {
        ruleId: f.code,
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' },
              region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
            },
          },
        ],
      };
      const i = index.get(f.code);
      if (i !== undefined) res.ruleIndex = i;
      if (f.fixes.length) {
        res.fixes = f.fixes.map((x) => ({
          description: { text: x.title },
          artifactChanges: [
            {
              artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' },
              replacements: x.edits.map((e) => ({
                deletedRegion: { startLine: e.range.start.line + 1, startColumn: e.range.start.character + 1, endLine: e.range.end.line + 1, endColumn: e.range.end.character + 1 },
                insertedContent: { text: e.newText },
              })),
            },
          ],
        }));
      }
      return res;
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'telemetry-lens', ...(pkg.base ? { informationUri: pkg.base } : {}), semanticVersion: pkg.version, version: pkg.version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToUri(root)}/` } },
        columnKind: 'utf16CodeUnits',
        results: sarifResults,
      },
    ],
  };
}

function pathToUri(p: string): string {
  return `file://${p.split(path.sep).map(encodeURIComponent).join('/').replace(/^([^/])/, '/$1')}`;
}
