// Warming up the keystroke path. V8 compiles a function when it first runs and optimises it after it
// has run for a while, so the first keystrokes in a fresh server took 2-5 times as long as later ones
// (the first one 15-25 ms on the benchmark's file). Before the first Python document's diagnostics are
// published, the server types a few dozen characters into a small document of its own, through the same
// path a keystroke takes (incremental lint document, diagnostics, publication encoding), and throws the
// results away. Nothing of it is published.
import type { Schema } from '../schema/model';
import type { Diagnostic } from 'vscode-languageserver';
import { LintDocument, type ContentChange } from '../lint/document';
import type { LintSettings } from '../lint/engine';
import type { SourceLanguage } from '../lint/types';
import { findingToDiagnostic } from './diagnostics';
import { encodeMessage } from './transport';

/** A small module with telemetry calls of several kinds, typed into by `warmUp`. */
function sample(): { text: string; edits: { line: number; character: number }[] } {
  const lines = ['import logfire', 'import structlog', '', 'log = structlog.get_logger()', ''];
  const edits: { line: number; character: number }[] = [];
  const calls = [
    'logfire.info("Request handled: {route} in {duration_ms} ms", route=r, duration_ms=d, status="ok")',
    'logfire.warn("Retry scheduled: {attempt} of {limit}", attempt=a, limit=3, reason="timeout")',
    'log.info("request.completed", route=r, status_code=200)',
    'logfire.error("Upload failed: {name}", name=n, error_type="io")',
  ];
  for (let i = 0; i < 12; i++) {
    lines.push(`def step_${i}(r, d, a, n):`, '    total = 0');
    for (let k = 0; k < 3; k++) lines.push(`    total += (a or 1) * ${k + i}`);
    const call = calls[i % calls.length];
    edits.push({ line: lines.length, character: 4 + call.indexOf('"') + 2 });
    lines.push(`    ${call}`, '    return total', '');
  }
  return { text: lines.join('\n'), edits };
}

const warmed = new Set<SourceLanguage>();

/**
 * Types `rounds` characters (insert, then delete) into a sample document of the language and lints after
 * each, once per process and language. Only Python documents take the keystroke path this warms.
 */
export async function warmUp(language: SourceLanguage, schema: Schema, settings: LintSettings | undefined, rounds = 40): Promise<void> {
  if (language !== 'python' || warmed.has(language)) return;
  warmed.add(language);
  const { text, edits } = sample();
  const doc = await LintDocument.open({ filePath: 'warm-up.py', language, text, schema, settings });
  try {
    for (let i = 0; i < rounds; i++) {
      const at = edits[(i >> 1) % edits.length];
      const change: ContentChange =
        i % 2 === 0
          ? { range: { start: at, end: at }, text: 'x' }
          : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
      const result = await doc.update([change], i + 2);
      const diagnostics: Diagnostic[] = result.findings.map(findingToDiagnostic);
      encodeMessage({ jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///warm-up.py', version: i + 2, diagnostics } } as Parameters<typeof encodeMessage>[0]);
    }
  } finally {
    doc.dispose();
  }
}
