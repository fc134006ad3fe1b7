// Each health check's own time window (its `NOW() - INTERVAL …` filter) against the panel's range, so
// a card can say it counts 12 hours while the charts beside it count 24.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bundledSchema } from '../../server/schema/loader';
import { checkWindow, windowLabel } from '../../server/telemetry/health';

describe('checkWindow', () => {
  const rows: [string, string, { own?: string; effective: string }][] = [
    ["SELECT 1 FROM records WHERE start_timestamp > NOW() - INTERVAL '12 hours'", '24h', { own: '12h', effective: '12h' }],
    ["SELECT 1 FROM records WHERE start_timestamp > now() - interval '24 hours'", '24h', { own: '24h', effective: '24h' }],
    ["SELECT 1 FROM records WHERE start_timestamp > NOW() - INTERVAL '24 hours'", '1h', { own: '24h', effective: '1h' }],
    ["SELECT 1 FROM records WHERE start_timestamp > NOW() - INTERVAL '1 hour'", '7d', { own: '1h', effective: '1h' }],
    ["SELECT 1 FROM records WHERE start_timestamp > NOW() - INTERVAL '2 days'", '7d', { own: '2d', effective: '2d' }],
    ["SELECT 1 FROM records WHERE start_timestamp > NOW() - INTERVAL '90 minutes'", '24h', { own: '90m', effective: '90m' }],
    // Several filters: the widest bounds what the check reads.
    ["SELECT 1 FROM a WHERE t > NOW() - INTERVAL '1 hour' UNION SELECT 1 FROM b WHERE t > NOW() - INTERVAL '6 hours'", '24h', { own: '6h', effective: '6h' }],
    ['SELECT count(*) FROM records', '24h', { effective: '24h' }],
  ];
  for (const [sql, range, want] of rows) it(`${sql.slice(-40)} in ${range}`, () => assert.deepEqual(checkWindow(sql, range), want));

  it('windowLabel', () => {
    assert.deepEqual([3_600_000, 43_200_000, 86_400_000, 172_800_000, 5_400_000].map(windowLabel), ['1h', '12h', '24h', '2d', '90m']);
  });

  it('the bundled routing check looks at 12 hours, so under "Last 24h" its card is marked', () => {
    const routing = bundledSchema().health.find((h) => /routing/i.test(h.id));
    assert.ok(routing);
    assert.deepEqual(checkWindow(routing.sql, '24h'), { own: '12h', effective: '12h' });
  });
});
