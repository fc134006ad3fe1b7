// Code actions: the engine's fixes as quick fixes (computed for the document's current text when asked:
// diagnostics travel without them, which keeps every publication small),
// "Fix all <code> problems in file", "Disable <code> for this line", and source.fixAll.telemetryLens.
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type Range,
} from 'vscode-languageserver';
import { mergeFixes, preferredFix } from '../lint/fixes';
import type { Finding, Fix } from '../lint/types';
import { SOURCE } from './diagnostics';
import { disableForLine } from './lint-adapter';
import type { LanguageServerState } from './state';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.telemetryLens`;

function cmp(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

function sameRange(a: Range, b: Range): boolean {
  return cmp(a.start, b.start) === 0 && cmp(a.end, b.end) === 0;
}

/** The smallest range covering both. */
function cover(a: Range, b: Range): Range {
  return { start: cmp(a.start, b.start) <= 0 ? a.start : b.start, end: cmp(a.end, b.end) >= 0 ? a.end : b.end };
}

export function registerCodeActions(connection: Connection, state: LanguageServerState): void {
  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    const doc = state.docs.get(params.textDocument.uri);
    if (!doc?.language) return [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(`${k}.`));
    const uri = doc.uri;
    const version = doc.text.version;
    const actions: CodeAction[] = [];

    const ours = params.context.diagnostics.filter((d) => d.source === SOURCE && typeof d.code === 'string' && d.code.startsWith('TL'));
    if (wants(CodeActionKind.QuickFix) && ours.length) {
      const result = await state.currentResult(doc);
      if (doc.text.version !== version) return [];
      // the findings the diagnostics stand for, with fixes for the current text
      let area = params.range;
      for (const d of ours) area = cover(area, d.range);
      const exact = doc.engine?.findingsWithFixes(area) ?? [];
      for (const d of ours) {
        const f = exact.find((x) => x.code === d.code && x.message === d.message && sameRange(x.range, d.range));
        for (const fix of f?.fixes ?? []) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            isPreferred: fix.isPreferred === true,
            edit: { documentChanges: [{ textDocument: { uri, version }, edits: fix.edits }] },
          });
        }
      }
      const codes = [...new Set(ours.map((d) => String(d.code)))];
      for (const code of codes) {
        if ((result?.findings ?? []).filter((f) => f.code === code).length < 2) continue;
        // Asked for by code, so it includes the fixes that rename or drop (not the placeholder ones).
        const fixable = (doc.engine?.findingsWithFixes() ?? []).filter((f) => f.code === code && preferredFix(f, { unsafe: true }));
        if (fixable.length > 1) {
          const edits = mergeFixes(fixable.map((f) => preferredFix(f, { unsafe: true })!));
          actions.push({
            title: `Fix all ${code} problems in file`,
            kind: CodeActionKind.QuickFix,
            diagnostics: ours.filter((d) => d.code === code),
            edit: { documentChanges: [{ textDocument: { uri, version }, edits }] },
          });
        }
      }
      const text = doc.text.getText();
      const seen = new Set<string>();
      for (const d of ours) {
        const key = `${d.code}@${d.range.start.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const edit = disableForLine(text, doc.language, suppressionLine(d, result?.findings), String(d.code));
        actions.push({
          title: `Disable ${d.code} for this line`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [d],
          edit: { documentChanges: [{ textDocument: { uri, version }, edits: [edit] }] },
        });
      }
    }

    if (wants(FIX_ALL_KIND) && only) {
      await state.currentResult(doc);
      if (doc.text.version !== version) return [];
      const fixes = (doc.engine?.findingsWithFixes() ?? []).map((f) => preferredFix(f)).filter((f): f is Fix => !!f);
      if (fixes.length) {
        actions.push({
          title: 'Fix all auto-fixable Telemetry Lens problems',
          kind: FIX_ALL_KIND,
          edit: { documentChanges: [{ textDocument: { uri, version }, edits: mergeFixes(fixes) }] },
        });
      }
    }
    return actions;
  });
}

/** The line a suppression comment goes on: the line where the finding's call starts. */
function suppressionLine(d: Diagnostic, _findings: Finding[] | undefined): number {
  return d.range.start.line;
}
