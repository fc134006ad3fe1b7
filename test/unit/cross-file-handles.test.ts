// Telemetry handles imported from project modules (the workspace handle index): a generated
// multi-file project, linted by the workspace linter in-process and on worker threads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { HandleIndex } from '../../server/lint/handle-index';
import type { FileResult } from '../../server/lint/workspace';
import { lintFiles, lintWorkspace, listSourceFiles, workerScript } from '../../server/lint/workspace';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';

let dir: string;
function write(rel: string, text: string) {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}

/** `file → ["library method message", …]` for every call found. */
function callsByFile(results: FileResult[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of results) {
    const rel = path.relative(dir, r.file).split(path.sep).join('/');
    out[rel] = (r.calls ?? []).map((c) => `${c.library} ${c.method} ${c.message?.value ?? c.message?.text ?? ''}`);
  }
  return out;
}

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-xfile-'));
  // Python: a package re-exporting a configured Logfire instance, a module-level structlog logger, a
  // project get_logger() factory, a re-exported loguru logger, and a helper that is not a handle.
  write('svc/app/__init__.py', 'from .config.observability import logfire\n');
  write('svc/app/config/__init__.py', '');
  write('svc/app/config/observability.py', 'import logfire as _logfire\n\nlogfire = _logfire.with_tags("svc")\n');
  write('svc/app/obs.py', 'import logfire\n\nlogfire.configure(send_to_logfire=False)\n');
  write(
    'svc/app/logs.py',
    [
      'import structlog',
      'from loguru import logger',
      '',
      'LOG = structlog.get_logger()',
      '',
      '',
      'def get_logger(',
      '    name: str | None = None,',
      ') -> structlog.stdlib.BoundLogger:',
      '    """A logger bound to its component."""',
      '    log = structlog.get_logger(name)',
      '    return log.bind(component=name)',
      '',
    ].join('\n'),
  );
  write('svc/app/util.py', 'def helper():\n    return None\n\nclass Recorder:\n    def info(self, *a, **k):\n        pass\n');
  write(
    'svc/app/jobs/runner.py',
    [
      'from ..config.observability import logfire',
      'from app.obs import logfire as lf',
      'from app.logs import LOG, get_logger as make_logger, logger as lg',
      'from app import logs',
      'from app.util import Recorder',
      '',
      'log = make_logger(__name__)',
      'rec = Recorder()',
      '',
      '',
      'def run(job_id):',
      '    logfire.info("Job started {job_id}", job_id=job_id)',
      '    lf.warn("Job slow {job_id}", job_id=job_id)',
      '    LOG.info("job.finished", job_id=job_id)',
      '    log.error("job.failed", job_id=job_id)',
      '    logs.LOG.debug("job.retried", job_id=job_id)',
      '    lg.info("Job queued {job_id}", job_id=job_id)',
      '    rec.info("not telemetry", job_id=job_id)',
    ].join('\n'),
  );
  write('svc/app/jobs/__init__.py', '');
  write('svc/other.py', 'from app import logfire\n\nlogfire.span("Batch {n}", n=1)\n');
  // TS/JS: a module exporting the Logfire API and an OpenTelemetry tracer, imported by relative path.
  write('web/src/obs.ts', "import * as logfire from '@pydantic/logfire-node';\nimport { trace } from '@opentelemetry/api';\n\nexport const tracer = trace.getTracer('web');\nexport { logfire };\nexport default logfire;\n");
  write('web/src/index.ts', "export * from './obs';\n");
  write(
    'web/src/page.ts',
    [
      "import lfDefault, { logfire, tracer } from './obs';",
      "import { logfire as viaIndex } from './index.js';",
      'export function render(id: string) {',
      "  logfire.info('Page rendered {id}', { id });",
      "  lfDefault.error('Page failed {id}', { id });",
      "  viaIndex.debug('Page cached {id}', { id });",
      "  tracer.startActiveSpan('render page', (span) => span.end());",
      '}',
    ].join('\n'),
  );
  write('web/src/util.js', "const { logfire } = require('./obs');\nlogfire.info('Util loaded');\n");
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const expected = {
  'svc/app/jobs/runner.py': [
    'logfire info Job started {job_id}',
    'logfire warn Job slow {job_id}',
    'structlog info job.finished',
    'structlog error job.failed',
    'structlog debug job.retried',
    'loguru info Job queued {job_id}',
  ],
  'svc/other.py': ['logfire span Batch {n}'],
  'web/src/page.ts': ['logfire info Page rendered {id}', 'logfire error Page failed {id}', 'logfire debug Page cached {id}', 'otel startActiveSpan render page'],
  'web/src/util.js': ['logfire info Util loaded'],
};

describe('handles imported from project modules', () => {
  it('are found through relative and package imports, aliases, __init__ re-exports, factories and module attributes', async () => {
    const calls = callsByFile(await lintWorkspace([dir], { schema: bundledSchema(), includeCalls: true, workers: 0 }));
    for (const [file, want] of Object.entries(expected)) assert.deepEqual(calls[file], want, file);
    // modules that only define handles have no calls of their own; a look-alike method is not telemetry
    assert.deepEqual(calls['svc/app/logs.py'], []);
  });

  it('carry the context a project factory binds (structlog bind keys)', async () => {
    const res = await lintWorkspace([path.join(dir, 'svc')], { schema: bundledSchema(), includeCalls: true, workers: 0 });
    const runner = res.find((r) => r.file.endsWith('runner.py'))!;
    const failed = runner.calls!.find((c) => c.message?.value === 'job.failed')!;
    assert.deepEqual(failed.boundKeys, ['component']);
  });

  it('are resolved the same on worker threads', { skip: workerScript() ? false : 'dist/server/lint-worker.js not built' }, async () => {
    const files = listSourceFiles([dir]);
    const inProcess = callsByFile(await lintFiles(files, { schema: bundledSchema(), includeCalls: true, workers: 0 }));
    const threaded = callsByFile(await lintFiles(files, { schema: bundledSchema(), includeCalls: true, workers: 2 }));
    assert.deepEqual(threaded, inProcess);
    for (const [file, want] of Object.entries(expected)) assert.deepEqual(threaded[file], want, file);
  });

  it('are not invented for names that hold no handle, or modules outside the workspace', async () => {
    const index = new HandleIndex();
    for (const f of listSourceFiles([dir])) index.set(f.path, f.language, fs.readFileSync(f.path, 'utf8'));
    const runner = index.importsFor(path.join(dir, 'svc/app/jobs/runner.py'))!;
    assert.deepEqual(Object.keys(runner).sort(), ['LOG', 'lf', 'lg', 'logfire', 'logs', 'make_logger']);
    assert.equal(index.importsFor(path.join(dir, 'svc/app/util.py')), undefined);
    // only the lint root's files are known: `app` is not resolvable from a lone file
    const lone = new HandleIndex();
    lone.set(path.join(dir, 'svc/other.py'), 'python', 'from app import logfire\n');
    assert.equal(lone.importsFor(path.join(dir, 'svc/other.py')), undefined);
  });

  it('follow an edit of the defining module (dependents and their imports change)', () => {
    const index = new HandleIndex();
    for (const f of listSourceFiles([dir])) index.set(f.path, f.language, fs.readFileSync(f.path, 'utf8'));
    const runner = path.join(dir, 'svc/app/jobs/runner.py');
    const logs = path.join(dir, 'svc/app/logs.py');
    assert.equal((index.importsFor(runner)!.LOG as { kind: string }).kind, 'structlog');
    assert.ok(index.dependentsOf(logs).includes(runner));
    const before = index.exportsSignature(logs);
    index.set(logs, 'python', 'import logging\n\nLOG = logging.getLogger(__name__)\n', true);
    assert.notEqual(index.exportsSignature(logs), before);
    assert.equal((index.importsFor(runner)!.LOG as { kind: string }).kind, 'stdlib');
    assert.equal(index.importsFor(runner)!.make_logger, undefined);
  });

  it('reach the CLI: `telemetry-lens lint` reports a call made through an imported handle', () => {
    const cli = path.join(packageRoot(), 'dist', 'server', 'cli.js');
    const proj = path.join(dir, 'cli-proj');
    fs.mkdirSync(path.join(proj, 'core'), { recursive: true });
    fs.writeFileSync(path.join(proj, 'core', '__init__.py'), 'from .telemetry import lf\n');
    fs.writeFileSync(path.join(proj, 'core', 'telemetry.py'), 'import logfire\n\nlf = logfire\n');
    fs.writeFileSync(path.join(proj, 'tasks.py'), 'from core import lf\n\n\ndef go():\n    lf.info("Task done {task_id}")\n');
    const r = spawnSync(process.execPath, [cli, 'lint', proj, '--format', 'json', '--workers', '0'], { encoding: 'utf8' });
    const findings = JSON.parse(r.stdout) as { file: string; code: string; line: number }[];
    const hit = findings.find((f) => f.file.endsWith('tasks.py') && f.code === 'TL007');
    assert.ok(hit, `TL007 on the placeholder without attribute: ${r.stdout}${r.stderr}`);
    assert.equal(hit.line, 5);
  });
});
