// Keeps package-lock.json usable by `npm ci` on every platform DuckDB ships a binary for.
// The registry this project is developed against serves only the Linux x64 DuckDB binaries, so
// `npm install` leaves the other platforms' optional packages out of the lock file, and `npm ci`
// then refuses the lock ("Missing: @duckdb/node-bindings-darwin-arm64@ from lock file").
// Run after any `npm install`: it adds the missing entries (optional, with their os/cpu) in place.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const file = path.join(root, 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const bindings = lock.packages['node_modules/@duckdb/node-bindings'];
const platforms = {
  'darwin-arm64': ['darwin', 'arm64'],
  'darwin-x64': ['darwin', 'x64'],
  'linux-arm64': ['linux', 'arm64', 'glibc'],
  'linux-arm64-musl': ['linux', 'arm64', 'musl'],
  'linux-x64': ['linux', 'x64', 'glibc'],
  'linux-x64-musl': ['linux', 'x64', 'musl'],
  'win32-arm64': ['win32', 'arm64'],
  'win32-x64': ['win32', 'x64'],
};
let added = 0;
const out = {};
for (const [key, value] of Object.entries(lock.packages)) {
  out[key] = value;
  if (key !== 'node_modules/@duckdb/node-bindings') continue;
  for (const [name, [os, cpu, libc]] of Object.entries(platforms)) {
    const k = `node_modules/@duckdb/node-bindings-${name}`;
    if (lock.packages[k]) continue;
    out[k] = { version: bindings.version, cpu: [cpu], ...(libc ? { libc: [libc] } : {}), license: 'MIT', optional: true, os: [os] };
    added++;
  }
}
lock.packages = out;
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lock-platforms: added ${added} DuckDB platform entr${added === 1 ? 'y' : 'ies'}`);
