// The language server's handle index for one workspace folder: the workspace handle index
// (server/lint/handle-index.ts) kept current as documents are edited and files change on disk, and
// which files must be linted again when a module's handles change (its dependents).
import { HandleIndex } from '../lint/handle-index';
import type { ImportedHandles } from '../languages';
import type { SourceLanguage } from '../model/calls';

export class WorkspaceHandles {
  readonly index = new HandleIndex();
  /** Export signatures of modules other files import handles from, as of their last update. */
  private readonly signatures = new Map<string, string>();

  /**
   * Record a file's current text (undefined: read it from disk when needed; `unsaved`: an open
   * document's text, kept instead of the disk's). Returns the files whose imported handles changed
   * with it (to lint again).
   */
  update(file: string, language: SourceLanguage, text?: string, unsaved = false): string[] {
    const dependents = this.index.dependentsOf(file);
    if (dependents.length === 0) {
      this.signatures.delete(file);
      this.index.set(file, language, text, unsaved);
      return [];
    }
    const before = this.signatures.get(file) ?? this.index.exportsSignature(file);
    this.index.set(file, language, text, unsaved);
    const after = this.index.exportsSignature(file);
    this.signatures.set(file, after);
    return after === before ? [] : dependents;
  }

  /** Forget a file (deleted, left the workspace); returns the files that imported handles from it. */
  remove(file: string): string[] {
    const dependents = this.index.dependentsOf(file);
    this.signatures.delete(file);
    this.index.delete(file);
    return dependents;
  }

  importsFor(file: string): ImportedHandles | undefined {
    return this.index.importsFor(file);
  }
}
