import fs from 'node:fs';
import path from 'node:path';

let cachedRoot: string | undefined;

/**
 * The package root: the nearest ancestor of this module holding our package.json. Works from the
 * shipped bundles (dist/server/*.js), the test bundles (out/test/**) and the VSIX alike.
 */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = __dirname;
  for (;;) {
    const pj = path.join(dir, 'package.json');
    if (fs.existsSync(pj)) {
      try {
        if (JSON.parse(fs.readFileSync(pj, 'utf8')).name === 'telemetry-lens') return (cachedRoot = dir);
      } catch {
        // not ours; keep looking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`telemetry-lens: cannot find the package root above ${__dirname}`);
    dir = up;
  }
}

/**
 * Path of a runtime asset shipped in dist/wasm (VSIX) or, in a development tree, inside node_modules.
 * `devPath` is relative to the package root, e.g. 'node_modules/tree-sitter-python/tree-sitter-python.wasm'.
 */
export function wasmAsset(fileName: string, devPath: string): string {
  const root = packageRoot();
  for (const p of [path.join(root, 'dist', 'wasm', fileName), path.join(root, devPath)]) {
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`telemetry-lens: missing runtime asset ${fileName} (run \`npm run build\`)`);
}
