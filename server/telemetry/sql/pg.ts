// The Postgres 18 grammar (libpg-query, WASM) and its deparser. The wasm is located through
// `wasmAsset()` so the same code works from the dist/ bundles, the VSIX and the test bundles in out/.
// We drive the package's emscripten factory ourselves: its index module starts loading the wasm at
// require time from its own directory, which does not exist once the code is bundled.
import { deparseSync } from 'pgsql-deparser';
import { wasmAsset } from '../../paths';

interface PgModule {
  _malloc(n: number): number;
  _free(p: number): void;
  _wasm_parse_query_raw(p: number): number;
  _wasm_free_parse_result(p: number): void;
  _wasm_scan(p: number): number;
  _wasm_free_string(p: number): void;
  getValue(p: number, t: string): number;
  UTF8ToString(p: number): string;
  stringToUTF8(s: string, p: number, max: number): void;
  lengthBytesUTF8(s: string): number;
}

/** A syntax error from the Postgres grammar, with a 0-based character offset into the query. */
export class PgSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'PgSyntaxError';
  }
}

let loading: Promise<PgModule> | undefined;
let loaded: PgModule | undefined;

/** Loads the parser once per process. */
export function loadParser(): Promise<void> {
  loading ??= (async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require('libpg-query/wasm/libpg-query.js') as (m: object) => Promise<PgModule>;
    const wasmPath = wasmAsset('libpg-query.wasm', 'node_modules/libpg-query/wasm/libpg-query.wasm');
    const mod = await factory({ locateFile: (file: string) => (file.endsWith('.wasm') ? wasmPath : file), print: () => {}, printErr: () => {} });
    loaded = mod;
    return mod;
  })();
  return loading.then(() => undefined);
}

/** Parses SQL into the libpg-query JSON AST (`{ version, stmts: [{ stmt, stmt_location, stmt_len }] }`). */
export function parsePg(sql: string): PgParseResult {
  const m = loaded;
  if (!m) throw new Error('SQL parser not loaded (call loadParser() first)');
  const len = m.lengthBytesUTF8(sql) + 1;
  const qp = m._malloc(len);
  let rp = 0;
  try {
    m.stringToUTF8(sql, qp, len);
    rp = m._wasm_parse_query_raw(qp);
    if (!rp) throw new Error('SQL parser: out of memory');
    const tree = m.getValue(rp, 'i32');
    const err = m.getValue(rp + 8, 'i32');
    if (err) {
      const msgPtr = m.getValue(err, 'i32');
      const cursor = m.getValue(err + 16, 'i32');
      const message = msgPtr ? m.UTF8ToString(msgPtr) : 'syntax error';
      // The cursor is a 1-based byte offset; convert to a 0-based character offset.
      throw new PgSyntaxError(message, byteToCharOffset(sql, Math.max(0, cursor - 1)));
    }
    return JSON.parse(m.UTF8ToString(tree)) as PgParseResult;
  } finally {
    m._free(qp);
    if (rp) m._wasm_free_parse_result(rp);
  }
}

function byteToCharOffset(s: string, byteOffset: number): number {
  const buf = Buffer.from(s, 'utf8');
  return buf.subarray(0, Math.min(byteOffset, buf.length)).toString('utf8').length;
}

export interface PgParseResult {
  version: number;
  stmts: { stmt: PgNode; stmt_location?: number; stmt_len?: number }[];
}
/** A libpg-query node: `{ NodeType: { ...fields } }`. */
export type PgNode = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Deparses one statement back to SQL text (single line). */
export function deparsePg(stmt: PgNode): string {
  return deparseSync(stmt as never, { pretty: false } as never);
}

/** Byte offsets in libpg-query ASTs (`location`) → character offsets. */
export function locationToChar(sql: string, byteLocation: number | undefined): number {
  if (byteLocation === undefined || byteLocation < 0) return 0;
  return byteToCharOffset(sql, byteLocation);
}

/** One lexical token of the Postgres scanner (byte offsets). */
export interface PgToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
  keywordKind: number;
}

/** Tokenizes SQL with the Postgres scanner (comments are skipped). Returns [] when it cannot. */
export function scanPg(sql: string): PgToken[] {
  const m = loaded;
  if (!m) throw new Error('SQL parser not loaded (call loadParser() first)');
  const len = m.lengthBytesUTF8(sql) + 1;
  const qp = m._malloc(len);
  let rp = 0;
  try {
    m.stringToUTF8(sql, qp, len);
    rp = m._wasm_scan(qp);
    const text = m.UTF8ToString(rp);
    if (!text.startsWith('{')) return [];
    return ((JSON.parse(text) as { tokens?: PgToken[] }).tokens ?? []).filter((t) => !/COMMENT/.test(t.tokenName));
  } finally {
    m._free(qp);
    if (rp) m._wasm_free_string(rp);
  }
}
