// Extraction entry points: source text → TelemetryCall[] for any supported language.
import type { Tree } from 'web-tree-sitter';
import type { SourceLanguage, TelemetryCall } from '../model/calls';
import { type ExtractOptions, mayContainTelemetry, withSourceLines } from './common';
import { grammarFor, parseSource } from './parser';
import { extractPython } from './python';
export { pythonMayBind } from './python';
import { extractTypeScript } from './typescript';

export type { BindingEntry, BindingsHandle, ExtractOptions, ImportedHandles } from './common';
export { mayContainTelemetry, normalizeLevel } from './common';
export { grammarFor, initParser, languageForPath, loadAllGrammars, parseSource, parserFor, parserForSync, type Grammar } from './parser';

/** Calls in an already parsed tree (the language server keeps trees for incremental re-parsing). */
export function extractFromTree(tree: Tree, source: string, language: SourceLanguage, opts: ExtractOptions = {}): TelemetryCall[] {
  return withSourceLines(source, () => (language === 'python' ? extractPython(tree, source, opts) : extractTypeScript(tree, source, language, opts)));
}

/** Every telemetry call in a source text. Files that cannot contain one are not parsed at all. */
export async function extractCalls(source: string, language: SourceLanguage, filePath = '', opts: ExtractOptions = {}): Promise<TelemetryCall[]> {
  if (!mayContainTelemetry(source, language, opts.wrappers)) return [];
  const tree = await parseSource(source, grammarFor(language, filePath));
  try {
    return extractFromTree(tree, source, language, opts);
  } finally {
    tree.delete();
  }
}
