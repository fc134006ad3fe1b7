import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageRoot } from '../../server/paths';
import { loadSchemaFile } from '../../server/schema/loader';

const CLI = path.join(packageRoot(), 'dist', 'server', 'cli.js');
let dir: string;

function run(args: string[], cwd = dir) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function write(rel: string, text: string) {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

// Seed 000's Workload routing call: `{model}` has no `model=` attribute (TL007, an error by default).
const ROUTING = `import logfire

def get_model_name(agent_name, workload_type, model_from_orchestrator, fallback_model):
    logfire.info(
        "Workload routing: {agent} → {workload} → {model}",
        agent=agent_name,
        workload=workload_type,
        orchestrated_model=model_from_orchestrator,
        default_model=fallback_model,
    )
`;
const CLEAN = `import logfire

def recovered(successful_model_name, workload_type, attempt_count):
    logfire.info(
        "Failover success: now using {model}",
        model=successful_model_name,
        workload=workload_type,
        attempts=attempt_count,
    )
`;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-'));
  write('.gitignore', 'ignored/\n');
  write('code_puppy/agents/base_agent.py', ROUTING);
  write('code_puppy/failover_model.py', CLEAN);
  write('ignored/bad.py', ROUTING);
  write('clean/ok.py', CLEAN);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('telemetry-lens lint', () => {
  it('text: ruff-like lines, a summary, exit 1 on error findings; .gitignore respected', () => {
    const r = run(['lint']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.ok(lines.some((l) => /^code_puppy\/agents\/base_agent\.py:5:\d+: TL007 .*\{model\}/.test(l)), r.stdout);
    assert.ok(!r.stdout.includes('ignored/'), 'files under a .gitignore\'d directory are not linted');
    assert.match(lines[lines.length - 2] + lines[lines.length - 1], /Found \d+ problems? \(.*error.*\) in 3 files/);
  });

  it('exit 0 and "All checks passed" on a clean tree', () => {
    const r = run(['lint', 'clean']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /All checks passed \(1 file, 9 lines/);
  });

  it('json: an array of findings with 1-based positions and fixes', () => {
    const r = run(['lint', '--format', 'json', 'code_puppy']);
    assert.equal(r.code, 1);
    const arr = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.ok(Array.isArray(arr) && arr.length >= 1);
    for (const f of arr) {
      assert.deepEqual(Object.keys(f).sort(), ['code', 'column', 'endColumn', 'endLine', 'file', 'fixes', 'line', 'message', 'rule', 'severity']);
    }
    const tl007 = arr.find((f) => f.code === 'TL007')!;
    assert.equal(tl007.file, 'code_puppy/agents/base_agent.py');
    assert.equal(tl007.line, 5);
    // Column of `model` inside the template (1-based).
    assert.equal(tl007.column, ROUTING.split('\n')[4].indexOf('{model}') + 2);
    assert.equal(tl007.rule, 'placeholder-without-attribute');
    assert.equal(tl007.severity, 'error');
    const fixes = tl007.fixes as { title: string; edits: { line: number; newText: string }[] }[];
    assert.ok(fixes.length >= 1 && fixes[0].edits.length >= 1);
  });

  it('sarif: a SARIF 2.1.0 log with rules and relative locations', () => {
    const r = run(['lint', '--format', 'sarif', '.']);
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.equal(run0.tool.driver.name, 'telemetry-lens');
    const ids = run0.tool.driver.rules.map((x: { id: string }) => x.id);
    assert.ok(ids.includes('TL007') && ids.includes('TL001'));
    for (const rule of run0.tool.driver.rules) assert.equal(typeof rule.shortDescription.text, 'string');
    const res = run0.results.find((x: { ruleId: string }) => x.ruleId === 'TL007');
    assert.equal(res.level, 'error');
    assert.equal(run0.tool.driver.rules[res.ruleIndex].id, 'TL007');
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'code_puppy/agents/base_agent.py');
    assert.equal(loc.region.startLine, 5);
    assert.ok(loc.region.startColumn >= 1);
  });

  it('--rule-severity overrides by code or name; off drops the rule', () => {
    const warn = run(['lint', '--format', 'json', '--rule-severity', 'placeholder-without-attribute=warning', 'code_puppy']);
    const arr = JSON.parse(warn.stdout) as { code: string; severity: string }[];
    assert.equal(arr.find((f) => f.code === 'TL007')?.severity, 'warning');
    const off = run(['lint', '--format', 'json', '--rule-severity', 'TL007=off', 'code_puppy']);
    assert.ok(!(JSON.parse(off.stdout) as { code: string }[]).some((f) => f.code === 'TL007'));
  });

  it('usage errors exit 2 with a message', () => {
    assert.equal(run(['lint', '--format', 'xml']).code, 2);
    const bad = run(['lint', '--rule-severity', 'TL007=loud']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown severity 'loud'/);
    assert.match(run(['lint', '--rule-severity', 'TL999=off']).stderr, /unknown rule 'TL999'/);
    assert.match(run(['lint', 'no/such/dir']).stderr, /no such file or directory/);
  });

  it('a malformed schema exits 2 and names file:line:col', () => {
    write('schemas/bad.yaml', 'version: 1\nevents:\n  - template: "x"\n    level: loud\n');
    const r = run(['lint', '--schema', 'schemas/bad.yaml', 'clean']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^schemas\/bad\.yaml:4:\d+: error: /m);
    const syntax = path.join(dir, 'schemas/syntax.yaml');
    fs.writeFileSync(syntax, 'version: 1\nevents: [\n');
    const s = run(['lint', '--schema', syntax, 'clean']);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /syntax\.yaml:\d+:\d+: error: /);
    // a broken configuration stops the run: no lint with another schema, and no message saying otherwise
    for (const res of [r, s]) {
      assert.match(res.stderr, /has errors; nothing was linted/);
      assert.doesNotMatch(res.stderr, /bundled default/);
      assert.equal(res.stdout, '');
    }
    const missing = run(['lint', '--schema', 'schemas/none.yaml', 'clean']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /none\.yaml:1:1: error: cannot read schema file: file not found\n.*nothing was linted/);
  });

  it('picks up telemetry.schema.yaml from the linted directory', () => {
    write('own/telemetry.schema.yaml', 'version: 1\nrules:\n  TL007: off\n');
    write('own/app.py', ROUTING);
    const r = run(['lint', '--format', 'json', 'own']);
    assert.ok(!(JSON.parse(r.stdout) as { code: string }[]).some((f) => f.code === 'TL007'), r.stdout + r.stderr);
  });
});

describe('telemetry-lens lint --fix', () => {
  // A level below the schema's (TL006), an f-string message (TL008) and seed 000's routing call (TL007).
  const MIXED = `import logfire

def near_limit(model_name, percentage_used, window, used, limit, provider, loop_id):
    logfire.info(
        "Capacity warning: {model} at {pct}% ({limit_type})",
        model=model_name,
        pct=percentage_used,
        limit_type=window,
        used=used,
        limit=limit,
        provider=provider,
    )
    logfire.debug(f"Loop {loop_id} restarted")
`;
  let fixDir: string;
  before(() => {
    fixDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-fix-'));
    fs.writeFileSync(path.join(fixDir, 'routing.py'), ROUTING);
    fs.writeFileSync(path.join(fixDir, 'mixed.py'), MIXED);
    fs.writeFileSync(path.join(fixDir, 'clean.py'), CLEAN);
  });
  after(() => fs.rmSync(fixDir, { recursive: true, force: true }));
  const read = (f: string) => fs.readFileSync(path.join(fixDir, f), 'utf8');

  it('applies the preferred fixes, reports what remains and how many were fixed; a second run changes nothing', () => {
    const before = run(['lint', '--format', 'json', '.'], fixDir);
    const codes = (JSON.parse(before.stdout) as { code: string }[]).map((f) => f.code).sort();
    assert.deepEqual(codes, ['TL006', 'TL007', 'TL008']);
    const r = run(['lint', '--fix', '.'], fixDir);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /All checks passed \(3 files, /);
    assert.match(r.stdout, /\nFixed 3 problems in 2 files\.\n$/);
    assert.equal(read('routing.py'), ROUTING.replace('        default_model=fallback_model,\n', '        default_model=fallback_model,\n        model=model_from_orchestrator,\n'));
    assert.equal(
      read('mixed.py'),
      MIXED.replace('    logfire.info(', '    logfire.warn(').replace('logfire.debug(f"Loop {loop_id} restarted")', 'logfire.debug("Loop {loop_id} restarted", loop_id=loop_id)'),
    );
    assert.equal(read('clean.py'), CLEAN, 'a file without findings is not rewritten');
    const again = run(['lint', '--fix', '.'], fixDir);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /Fixed 0 problems in 0 files\./);
    assert.equal(read('mixed.py').includes('logfire.warn('), true);
  });

  it('with --format json the report stays valid JSON on stdout (remaining findings) and the count goes to stderr', () => {
    fs.writeFileSync(path.join(fixDir, 'routing.py'), ROUTING);
    const r = run(['lint', '--fix', '--format', 'json', 'routing.py'], fixDir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.equal(r.stderr, 'Fixed 1 problem in 1 file.\n');
  });

  it('fixes that would insert placeholders (None) are left to you: the findings remain and keep the exit status', () => {
    // `{cooldown}` has no attribute and no variable of that name is in scope: the only fix adds `cooldown=None`.
    const unfixable = `import logfire\nlogfire.warn("Rate limit: {model} ({workload}) - cooldown {cooldown}s", model="m", workload="CODING")\n`;
    fs.writeFileSync(path.join(fixDir, 'rate.py'), unfixable);
    const before = JSON.parse(run(['lint', '--format', 'json', 'rate.py'], fixDir).stdout) as { code: string; fixes: { title: string; placeholder?: boolean }[] }[];
    assert.ok(before.some((f) => f.code === 'TL007' && f.fixes.some((x) => /cooldown=None/.test(x.title) && x.placeholder === true)), 'the editor still offers the placeholder fix, marked');
    const r = run(['lint', '--fix', '--format', 'json', 'rate.py'], fixDir);
    assert.equal(fs.readFileSync(path.join(fixDir, 'rate.py'), 'utf8'), unfixable);
    const left = JSON.parse(r.stdout) as { code: string; severity: string }[];
    assert.ok(left.some((f) => f.code === 'TL007'), r.stdout);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Fixed 0 problems in 0 files.\n');
  });

  it('fixes that rename what is logged need --unsafe-fixes', () => {
    // TL009's rename to the convention changes the event name: unsafe
    const src = "import structlog\nlog = structlog.get_logger()\nlog.info('agentCreated', agent_id=1)\n";
    fs.writeFileSync(path.join(fixDir, 'naming.py'), src);
    // the project declares the `category.action` convention
    fs.writeFileSync(path.join(fixDir, 'naming.schema.yaml'), 'version: 1\nextends: default\nconventions:\n  eventNameStyle: dotted.snake_case\n');
    const s = ['--schema', 'naming.schema.yaml'];
    let r = run(['lint', ...s, 'naming.py'], fixDir);
    assert.match(r.stdout, /1 with --unsafe-fixes \(they rename or drop what is logged\)\./);
    r = run(['lint', ...s, '--fix', '--format', 'json', 'naming.py'], fixDir);
    assert.equal(fs.readFileSync(path.join(fixDir, 'naming.py'), 'utf8'), src, 'the rename is left alone');
    const left = JSON.parse(r.stdout) as { code: string; fixes: { unsafe?: boolean }[] }[];
    assert.ok(left.some((f) => f.code === 'TL009' && f.fixes[0]?.unsafe === true), r.stdout);
    r = run(['lint', ...s, '--fix', '--unsafe-fixes', 'naming.py'], fixDir);
    assert.equal(fs.readFileSync(path.join(fixDir, 'naming.py'), 'utf8'), src.replace("'agentCreated'", "'agent.created'"));
    assert.match(r.stdout, /Fixed 1 problem in 1 file\./);
    r = run(['lint', '--unsafe-fixes', 'naming.py'], fixDir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--unsafe-fixes goes with --fix/);
  });

  it('lines a fix inserts take the file\'s CRLF line endings', () => {
    const crlf = ROUTING.replace(/\n/g, '\r\n');
    fs.writeFileSync(path.join(fixDir, 'crlf.py'), crlf);
    const r = run(['lint', '--fix', 'crlf.py'], fixDir);
    assert.match(r.stdout, /Fixed 1 problem in 1 file\./);
    const text = fs.readFileSync(path.join(fixDir, 'crlf.py'), 'utf8');
    assert.ok(text.includes('model=model_from_orchestrator,\r\n'), JSON.stringify(text));
    assert.equal(text.split('\n').length, text.split('\r\n').length, 'no bare LF');
  });
});

describe('telemetry-lens schema', () => {
  it('init drafts a schema that loads cleanly and describes the calls found', () => {
    const out = path.join(dir, 'draft.schema.yaml');
    const r = run(['schema', 'init', 'code_puppy', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const loaded = loadSchemaFile(out);
    assert.deepEqual(loaded.errors, []);
    const routing = loaded.schema.events.find((e) => e.template === 'Workload routing: {agent} → {workload} → {model}');
    assert.ok(routing);
    assert.equal(routing.level, 'info');
    assert.deepEqual(routing.attributes.map((a) => a.name).sort(), ['agent', 'default_model', 'model', 'orchestrated_model', 'workload']);
    assert.ok(loaded.schema.events.some((e) => e.template === 'Failover success: now using {model}'));
    // Refuses to overwrite without --force.
    assert.equal(run(['schema', 'init', 'code_puppy', '--out', out]).code, 2);
    assert.equal(run(['schema', 'init', 'code_puppy', '--out', out, '--force']).code, 0);
  });

  it('init infers attribute types from literal values', () => {
    write('typed/app.py', 'import logfire\nlogfire.info("agent.created", model="gpt-4", retries=3, ratio=0.5, ok=True)\nlogfire.info("agent.created", model="claude", retries=1, ratio=1, ok=False)\n');
    const r = run(['schema', 'init', 'typed', '--out', '-']);
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(dir, 'typed.yaml');
    fs.writeFileSync(file, r.stdout);
    const ev = loadSchemaFile(file).schema.events.find((e) => e.name === 'agent.created')!;
    const types = Object.fromEntries(ev.attributes.map((a) => [a.name, a.type]));
    assert.deepEqual(types, { model: 'string', retries: 'int', ratio: 'float', ok: 'bool' });
    assert.deepEqual(ev.attributes.find((a) => a.name === 'model')?.examples, ['gpt-4', 'claude']);
  });

  it('check validates a schema file', () => {
    assert.equal(run(['schema', 'check', 'schemas/bad.yaml']).code, 2);
    const ok = run(['schema', 'check']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /bundled default schema: \d+ events/);
  });
});
