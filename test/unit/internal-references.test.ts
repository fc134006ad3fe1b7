// What users read and what ships must stand on its own: rule messages, fix titles, hovers, rule docs,
// docs, the README, the schema's JSON Schema, examples and source comments state the fact or cite a
// public source or a document in this repository, never the project's internal notes ("seed 003",
// "spec §7", "../shared/…"). This test scans those files, and the messages and fix titles the rules
// produce on a sample of calls.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { lintSource } from '../../server/lint/linter';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';

const root = packageRoot();

/** Citations of internal documents. `--seed N` (a random seed) and `seedBindings` are not. */
export const INTERNAL_REFERENCE =
  /\bseeds? 0\d\d\b|\bseeds? \d{3}\b|\bseeds? \d{3}\/\d{3}|\bseed(?:'s| events?| criteri[a-z]*| health| quer[a-z]*| doc[a-z]*)\b|\bthe seed\b|\bspec §|§\s?\d|logfire-spec|\.\.\/shared\/|\/work\/shared|shared\/reference|environment-facts/i;

const SCANNED_DIRS = ['server', 'protocol', 'client', 'media', 'docs', 'schema', 'examples', 'syntaxes', 'scripts', 'bench', 'bin'];
const SCANNED_FILES = ['README.md', 'CHANGELOG.md', 'package.json'];
const TEXT = /\.(?:ts|tsx|mts|cts|js|mjs|cjs|md|json|ya?ml|py|css|html|svg)$/;

function walk(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'results') walk(p, out);
    } else if (TEXT.test(e.name)) out.push(p);
  }
  return out;
}

test('the pattern catches the forms it is meant to, and leaves random seeds alone', () => {
  for (const bad of ['(seed 003: hash user ids)', 'Seeds 002 and 004 ask', "the seed's queries", 'spec §7', 'see ../shared/reference/x.md', 'seed 000 \u00a71']) {
    assert.match(bad, INTERNAL_REFERENCE, bad);
  }
  for (const ok of ['--seed N', 'the same seed gives the same data', 'opts.seedBindings = seed', 'examples also seed fixes']) {
    assert.doesNotMatch(ok, INTERNAL_REFERENCE, ok);
  }
});

test('no shipped file or user-facing document cites internal notes', () => {
  const files = [...SCANNED_DIRS.flatMap((d) => walk(path.join(root, d))), ...SCANNED_FILES.map((f) => path.join(root, f))];
  assert.ok(files.length > 100, `expected to scan the sources, found ${files.length} files`);
  const hits: string[] = [];
  for (const f of files) {
    const lines = fs.readFileSync(f, 'utf8').split('\n');
    lines.forEach((line, i) => {
      // JSON/YAML escape `§` as \u00a7.
      const text = line.replace(/\\u00a7/gi, '§');
      if (INTERNAL_REFERENCE.test(text)) hits.push(`${path.relative(root, f)}:${i + 1}: ${line.trim().slice(0, 120)}`);
    });
  }
  assert.deepEqual(hits, [], `internal references:\n${hits.join('\n')}`);
});

test('rule messages and fix titles on a sample of calls cite no internal notes', async () => {
  const source = [
    'import logfire, structlog',
    'log = structlog.get_logger()',
    "logfire.info(f'user {uid} did {n}')",
    "logfire.info('llm.called', api_key=key, prompt=prompt, user_id=uid, card_number=cc)",
    "log.info('AgentCreated', user_id=uid, transcript=t)",
    "logfire.error('agent.failed', **{f'k{i}': i for i in range(60)})",
    "logfire.info('Rate limit: {model}', worklaod='x')",
    "logfire.configure(token='Zr8wQk3Vn6Ty1Hb4Mx9Gd2Lp')",
  ].join('\n');
  const r = await lintSource({ source, filePath: 'sample.py', language: 'python', schema: bundledSchema() });
  assert.ok(r.findings.length >= 5, `expected findings on the sample, got ${r.findings.length}`);
  for (const f of r.findings) {
    assert.doesNotMatch(f.message, INTERNAL_REFERENCE, `${f.code}: ${f.message}`);
    for (const fix of f.fixes) assert.doesNotMatch(fix.title, INTERNAL_REFERENCE, `${f.code} fix: ${fix.title}`);
  }
});
