// Open documents: the LSP text (incrementally updated) plus the lint engine's incremental document
// (tree-sitter tree re-parsed from the edits). Linting is scheduled per document and coalesced: a burst
// of changes produces one lint of the newest version, and a result is only published when it belongs
// to the version the document has at that moment.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { Finding } from '../lint/types';
import type { SourceLanguage, TelemetryCall } from '../model/calls';
import type { AnalyzedCall, EngineDocument } from './lint-adapter';

export interface LintResult {
  version: number;
  findings: Finding[];
  calls: TelemetryCall[];
  /** Server-side processing time of this lint (ms). */
  durationMs: number;
}

export interface OpenDoc {
  uri: string;
  /** File system path ('' for non-file URIs such as untitled:). */
  path: string;
  languageId: string;
  /** Set when the document is one the engine lints. */
  language?: SourceLanguage;
  text: TextDocument;
  engine?: EngineDocument;
  result?: LintResult;
  /** The calls of `result` with the schema event each matched. */
  analyzed?: AnalyzedCall[];
  timer?: NodeJS.Timeout | NodeJS.Immediate;
}

export function uriToPath(uri: string): string {
  if (!uri.startsWith('file:')) return '';
  try {
    return path.normalize(fileURLToPath(uri));
  } catch {
    return '';
  }
}

const LANGUAGE_IDS: Record<string, SourceLanguage> = {
  python: 'python',
  typescript: 'typescript',
  typescriptreact: 'typescript',
  javascript: 'javascript',
  javascriptreact: 'javascript',
};
const EXTENSIONS: Record<string, SourceLanguage> = {
  '.py': 'python',
  '.pyi': 'python',
  '.ts': 'typescript',
  '.tsx': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.js': 'javascript',
  '.jsx': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
};

/** The engine language for an LSP language id, falling back to the file extension. */
export function languageOf(languageId: string, filePath: string): SourceLanguage | undefined {
  return LANGUAGE_IDS[languageId] ?? EXTENSIONS[path.extname(filePath).toLowerCase()];
}

export function languageOfPath(filePath: string): SourceLanguage | undefined {
  return EXTENSIONS[path.extname(filePath).toLowerCase()];
}

export class DocumentStore {
  private docs = new Map<string, OpenDoc>();

  open(uri: string, languageId: string, version: number, text: string): OpenDoc {
    const p = uriToPath(uri);
    const doc: OpenDoc = {
      uri,
      path: p,
      languageId,
      text: TextDocument.create(uri, languageId, version, text),
    };
    const lang = languageOf(languageId, p || uri);
    if (lang) doc.language = lang;
    this.docs.set(uri, doc);
    return doc;
  }

  /** Applies incremental (or full) changes to the text; the engine gets them queued for its next lint. */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): OpenDoc | undefined {
    const doc = this.docs.get(uri);
    if (!doc) return undefined;
    doc.text = TextDocument.update(doc.text, changes, version);
    doc.engine?.queue(changes, version, doc.text.getText());
    return doc;
  }

  close(uri: string): OpenDoc | undefined {
    const doc = this.docs.get(uri);
    if (doc?.timer) clearTimeout(doc.timer as NodeJS.Timeout), clearImmediate(doc.timer as NodeJS.Immediate);
    this.docs.delete(uri);
    doc?.engine?.dispose();
    return doc;
  }

  get(uri: string): OpenDoc | undefined {
    return this.docs.get(uri);
  }

  byPath(p: string): OpenDoc | undefined {
    for (const d of this.docs.values()) if (d.path === p) return d;
    return undefined;
  }

  all(): OpenDoc[] {
    return [...this.docs.values()];
  }
}
