// Tree-sitter loading: one-time async init of web-tree-sitter, grammars loaded once and cached.
// Grammars ship as wasm inside their npm packages (dev tree) or in dist/wasm (bundles, VSIX).
import type * as TreeSitter from 'web-tree-sitter';
import fs from 'node:fs';
import type { Language, Parser, Tree } from 'web-tree-sitter';

// Loaded with require() on purpose: bundlers resolve `import` to the ESM build, whose
// `import.meta.url` is empty inside our CommonJS bundles; the CommonJS build works everywhere.
const ts: typeof TreeSitter = require('web-tree-sitter');
/** web-tree-sitter's runtime classes (use these, not a direct value import of the package). */
export const TreeSitterRuntime = { Parser: ts.Parser, Language: ts.Language, Edit: ts.Edit, Query: ts.Query };
import { wasmAsset } from '../paths';
import { setNodeRuntime } from './nodes';
import type { SourceLanguage } from '../model/calls';

/** A grammar: python, typescript (also plain JavaScript, which it parses) or tsx (TSX and JSX). */
export type Grammar = 'python' | 'typescript' | 'tsx';

const GRAMMAR_FILES: Record<Grammar, [string, string]> = {
  python: ['tree-sitter-python.wasm', 'node_modules/tree-sitter-python/tree-sitter-python.wasm'],
  typescript: ['tree-sitter-typescript.wasm', 'node_modules/tree-sitter-typescript/tree-sitter-typescript.wasm'],
  tsx: ['tree-sitter-tsx.wasm', 'node_modules/tree-sitter-typescript/tree-sitter-tsx.wasm'],
};

let initPromise: Promise<void> | undefined;
let runtimeModule: WebAssembly.Module | undefined;
const languages = new Map<Grammar, Promise<Language>>();
const loaded = new Map<Grammar, Language>();
const parsers = new Map<Grammar, Parser>();
/** Compiled wasm of the runtime and of each loaded grammar, for `compiledWasm()`. */
const grammarModules = new Map<Grammar, WebAssembly.Module>();

/**
 * Compiled WebAssembly modules (runtime and grammars) that another thread can start from with
 * `initFromCompiled` instead of compiling its own: V8 shares a module's machine code between the
 * threads of a process, including functions already optimised here, so a worker parses at full
 * speed from its first file.
 */
export interface CompiledWasm {
  runtime: WebAssembly.Module;
  grammars: Partial<Record<Grammar, WebAssembly.Module>>;
}

let given: CompiledWasm | undefined;

/** Initialise the tree-sitter runtime once (idempotent, safe to call concurrently). */
export function initParser(): Promise<void> {
  if (!initPromise) {
    initPromise = (async () => {
      const runtime = given?.runtime ?? (await WebAssembly.compile(fs.readFileSync(wasmAsset('web-tree-sitter.wasm', 'node_modules/web-tree-sitter/web-tree-sitter.wasm'))));
      await ts.Parser.init({
        // Emscripten's hook: instantiate our compiled module instead of fetching and compiling the file.
        instantiateWasm(imports: WebAssembly.Imports, done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
          void WebAssembly.instantiate(runtime, imports).then((instance) => {
            done(instance, runtime);
            setNodeRuntime(instance.exports, (imports.env as Record<string, unknown> | undefined)?.memory);
          });
          return {};
        },
      });
      runtimeModule = runtime;
    })().catch((err: unknown) => {
      initPromise = undefined;
      throw err;
    });
  }
  return initPromise;
}

/** Load (once) the grammar. */
export async function loadGrammar(grammar: Grammar): Promise<Language> {
  let p = languages.get(grammar);
  if (!p) {
    const [file, dev] = GRAMMAR_FILES[grammar];
    p = initParser()
      .then(async () => given?.grammars[grammar] ?? WebAssembly.compile(await fs.promises.readFile(wasmAsset(file, dev))))
      .then((mod) => {
        const lang = ts.Language.loadSync(mod);
        grammarModules.set(grammar, mod);
        loaded.set(grammar, lang);
        return lang;
      });
    p.catch(() => languages.delete(grammar));
    languages.set(grammar, p);
  }
  return p;
}

/** The compiled runtime and grammars loaded so far (after `loadAllGrammars`, all of them). */
export function compiledWasm(): CompiledWasm | undefined {
  return runtimeModule ? { runtime: runtimeModule, grammars: Object.fromEntries(grammarModules) } : undefined;
}

/** Start from modules compiled by another thread (`compiledWasm()` there); call before anything else here. */
export function initFromCompiled(wasm: CompiledWasm): void {
  if (!initPromise) given = wasm;
}

/** Load every grammar; afterwards `parserForSync` never returns undefined. */
export async function loadAllGrammars(): Promise<void> {
  await Promise.all((Object.keys(GRAMMAR_FILES) as Grammar[]).map(loadGrammar));
}

/** The grammar for a language and file path (`.tsx`/`.jsx` need the TSX grammar). */
export function grammarFor(language: SourceLanguage, filePath = ''): Grammar {
  if (language === 'python') return 'python';
  if (/\.(tsx|jsx|js|mjs|cjs)$/i.test(filePath)) return 'tsx';
  if (/\.(ts|mts|cts)$/i.test(filePath)) return 'typescript';
  // JavaScript may contain JSX; TypeScript without a telling extension parses as plain TypeScript.
  return language === 'javascript' ? 'tsx' : 'typescript';
}

/** A parser set to the grammar (one per grammar, reused). */
export async function parserFor(grammar: Grammar): Promise<Parser> {
  const lang = await loadGrammar(grammar);
  return getParser(grammar, lang);
}

/** Synchronous variant, once the grammar is loaded (see `loadAllGrammars`). */
export function parserForSync(grammar: Grammar): Parser | undefined {
  const lang = loaded.get(grammar);
  return lang ? getParser(grammar, lang) : undefined;
}

function getParser(grammar: Grammar, lang: Language): Parser {
  let parser = parsers.get(grammar);
  if (!parser) {
    parser = new ts.Parser();
    parser.setLanguage(lang);
    parsers.set(grammar, parser);
  }
  return parser;
}

/** Parse a whole source text. Throws only if the runtime itself fails. */
export async function parseSource(source: string, grammar: Grammar, oldTree?: Tree | null): Promise<Tree> {
  const parser = await parserFor(grammar);
  const tree = parser.parse(source, oldTree ?? null);
  if (!tree) throw new Error(`telemetry-lens: tree-sitter returned no tree for a ${grammar} source`);
  return tree;
}

/** The language of a file from its extension, or undefined when it is not one we lint. */
export function languageForPath(filePath: string): SourceLanguage | undefined {
  const m = /\.([A-Za-z]+)$/.exec(filePath);
  if (!m) return undefined;
  switch (m[1].toLowerCase()) {
    case 'py':
    case 'pyi':
      return 'python';
    case 'ts':
    case 'tsx':
    case 'mts':
    case 'cts':
      return 'typescript';
    case 'js':
    case 'jsx':
    case 'mjs':
    case 'cjs':
      return 'javascript';
    default:
      return undefined;
  }
}
