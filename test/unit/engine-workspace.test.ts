import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lintFiles, lintWorkspace, listSourceFiles, workerScript } from '../../server/lint/workspace';
import { bundledSchema } from '../../server/schema/loader';

let dir: string;
function write(rel: string, text: string) {
  const p = path.join(dir, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
}
const rel = (files: { path: string }[]) => files.map((f) => path.relative(dir, f.path).split(path.sep).join('/'));

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-ws-'));
  write('.gitignore', 'build/\n*.gen.py\n');
  write('app/main.py', 'import logfire\nlogfire.info("Failover success: now using {model}", model=m, workload=w, attempts=1)\n');
  write('app/skip.gen.py', 'import logfire\nlogfire.info("generated")\n');
  write('app/sub/.gitignore', 'local_*.py\n!local_keep.py\n');
  write('app/sub/local_x.py', 'import logfire\n');
  write('app/sub/local_keep.py', 'import logfire\n');
  write('build/out.py', 'import logfire\n');
  write('node_modules/pkg/index.js', "require('logfire')\n");
  write('web/app.ts', "import { info } from 'logfire';\ninfo('hello {name}', { name });\n");
  write('web/view.tsx', "import logfire from '@pydantic/logfire-browser';\nexport const V = () => <div onClick={() => logfire.info('clicked', { id: 1 })} />;\n");
  write('vendor/x.py', 'import logfire\n');
  write('README.md', '# not source\n');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('listSourceFiles', () => {
  it('honours nested .gitignore files (with negation), default and user excludes, and languages', () => {
    assert.deepEqual(rel(listSourceFiles([dir])), ['app/main.py', 'app/sub/local_keep.py', 'vendor/x.py', 'web/app.ts', 'web/view.tsx']);
    assert.deepEqual(rel(listSourceFiles([dir], { exclude: ['vendor/**'], languages: ['python'] })), ['app/main.py', 'app/sub/local_keep.py']);
    assert.ok(rel(listSourceFiles([dir], { gitignore: false })).includes('build/out.py'));
  });

  it('accepts single files and reports missing paths', () => {
    assert.deepEqual(rel(listSourceFiles([path.join(dir, 'web/app.ts')])), ['web/app.ts']);
    assert.throws(() => listSourceFiles([path.join(dir, 'nope')]), /no such file or directory/);
  });
});

describe('lintWorkspace', () => {
  it('lints every file with calls, TSX included', async () => {
    const res = await lintWorkspace([dir], { schema: bundledSchema(), includeCalls: true, workers: 0 });
    const byFile = Object.fromEntries(res.map((r) => [path.relative(dir, r.file).split(path.sep).join('/'), r]));
    assert.equal(byFile['app/main.py'].calls?.length, 1);
    assert.equal(byFile['web/view.tsx'].calls?.[0]?.message?.value, 'clicked');
    assert.equal(byFile['web/app.ts'].calls?.[0]?.attributes[0]?.key, 'name');
    assert.equal(byFile['app/main.py'].lines, 2);
  });

  it('gives the same results on worker threads as in-process', { skip: workerScript() ? false : 'dist/server/lint-worker.js not built' }, async () => {
    const files = listSourceFiles([dir]);
    // Enough files to spread over both workers.
    const many = Array.from({ length: 40 }, (_, i) => files[i % files.length]);
    const inProc = await lintFiles(many, { schema: bundledSchema(), includeCalls: true, workers: 0 });
    let progress = 0;
    const onWorkers = await lintFiles(many, { schema: bundledSchema(), includeCalls: true, workers: 2, onFile: () => progress++ });
    assert.equal(progress, many.length);
    assert.deepEqual(onWorkers, inProc);
  });

  it('reports unreadable files without stopping the run', async () => {
    const res = await lintFiles([{ path: path.join(dir, 'gone.py'), language: 'python' }, { path: path.join(dir, 'app/main.py'), language: 'python' }], { schema: bundledSchema(), workers: 0 });
    assert.match(res[0].error ?? '', /ENOENT/);
    assert.equal(res[1].error, undefined);
  });
});
