// Runtime conformance reports what the linter reports for the same call whenever the data shows it:
// every finding of a data-visible rule (unknown event/attribute, missing attribute, level) on a call
// of the bundled example is found again on a record shaped like that call, with the same rule, and
// demo traffic (which follows the example's calls) stays clean.
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { lintWorkspace } from '../../server/lint/workspace';
import { packageRoot } from '../../server/paths';
import { bundledSchema } from '../../server/schema/loader';
import { createConformance } from '../../server/telemetry/conformance';
import { generateDemoRecords } from '../../server/telemetry/demo';
import { row } from './sql-helpers';

const root = path.join(packageRoot(), 'examples', 'code-puppy');
const LEVEL: Record<string, number> = { debug: 5, info: 9, notice: 10, warn: 13, warning: 13, error: 17 };
/** Rules whose findings depend only on what a record carries (template, attribute names, level). */
const DATA_VISIBLE = new Set(['TL001', 'TL002', 'TL003', 'TL006']);

describe('runtime conformance matches static lint', () => {
  it('each data-visible static finding on an example call is reported for a record of that call', async () => {
    const schema = bundledSchema();
    const conformance = createConformance(schema);
    const results = await lintWorkspace([root], { schema, workers: 0, includeCalls: true });
    let compared = 0;
    for (const r of results) {
      for (const call of r.calls ?? []) {
        const template = call.message?.value;
        if (call.library !== 'logfire' || typeof template !== 'string' || call.hasSplat) continue;
        const line = call.range.start.line;
        const staticCodes = r.findings
          .filter((f) => DATA_VISIBLE.has(f.code) && f.range.start.line >= line && f.range.start.line <= call.range.end.line)
          .map((f) => f.code);
        // A record as the Logfire SDK sends it for this call: the keyword arguments as attributes.
        const attributes: Record<string, unknown> = { 'logfire.msg_template': template };
        for (const a of call.attributes) attributes[a.key] = a.value.value ?? (a.value.kind === 'int' ? 1 : a.value.kind === 'float' ? 0.5 : 'x');
        const rec = row({ at: new Date(), message: template, span_name: template, level: LEVEL[call.level ?? 'info'] ?? 9, kind: call.kind === 'span' ? 'span' : 'log', attributes });
        const runtime = new Set(conformance.check([{ ...rec, otel_scope_name: 'logfire' }]).map((v) => v.code));
        for (const code of staticCodes) assert.ok(runtime.has(code), `${path.relative(root, r.file)}:${line + 1} ${code} is reported statically but not at runtime (runtime: ${[...runtime].join(', ') || 'nothing'})`);
        compared += staticCodes.length;
      }
    }
    assert.ok(compared >= 2, `the example has data-visible findings to compare (TL003 retries, TL006 level), got ${compared}`);
  });

  it('the extra `retries` attribute of the webhook failover call is TL003 at runtime too', () => {
    const conformance = createConformance(bundledSchema());
    const template = 'Failover triggered: {from_model} → {to_model} ({error_type})';
    const rec = row({ at: new Date(), message: template, span_name: template, level: 13, attributes: { 'logfire.msg_template': template, from_model: 'a', to_model: 'b', error_type: 'rate_limit', workload: 'CODING', retries: 2 } });
    const found = conformance.check([{ ...rec, otel_scope_name: 'logfire' }]);
    assert.deepEqual(found.map((v) => v.code), ['TL003']);
    assert.match(found[0].message, /retries/);
  });

  it('demo traffic has no unknown attributes', () => {
    const conformance = createConformance(bundledSchema());
    const found = conformance.check(generateDemoRecords({ records: 1500, seed: 5 })).filter((v) => v.code === 'TL003');
    assert.deepEqual(found.map((v) => v.message), []);
  });
});
