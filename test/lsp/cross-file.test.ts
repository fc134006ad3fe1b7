// Telemetry handles imported from project modules, over the real protocol: the workspace lint finds
// calls through a handle another module defines, and editing that module re-lints its dependents
// (closed files and open documents alike).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LintWorkspace } from '../../protocol/protocol';
import { SCHEMA_YAML } from './fixtures';
import { makeWorkspace, TestClient } from './client';

const NO_RECEIVER = { receiver: { autoStart: false } };
const OBS_PY = 'import logfire\n\nlf = logfire.with_tags("shop")\n';
const ORDERS_PY = 'from app.obs import lf\n\n\ndef place(order):\n    lf.info("Order placed: {order_id}")\n';
const TRACING_TS = "import { trace } from '@opentelemetry/api';\n\nexport const tracer = trace.getTracer('shop');\n";
const CHECKOUT_TS = "import { tracer } from './tracing';\n\nexport function pay() {\n  const span = tracer.startSpan('payment.failed');\n  span.end();\n}\n";

const codes = (d: { code?: unknown }[] | undefined) => (d ?? []).map((x) => String(x.code)).sort();

test('a handle defined in one module is seen in the files importing it; editing the module re-lints them', async () => {
  const ws = makeWorkspace({
    'telemetry.schema.yaml': SCHEMA_YAML,
    'app/__init__.py': '',
    'app/obs.py': OBS_PY,
    'app/orders.py': ORDERS_PY,
    'web/tracing.ts': TRACING_TS,
    'web/checkout.ts': CHECKOUT_TS,
  });
  const { client } = await TestClient.start({ workspace: ws, settings: NO_RECEIVER });
  try {
    await client.conn.sendRequest(LintWorkspace);
    const orders = client.uri('app/orders.py');
    // `lf.info(...)` through the imported handle: the placeholder has no attribute
    assert.ok(codes(client.latest(orders)).includes('TL007'), JSON.stringify(client.latest(orders)));
    // `payment.failed` through the imported tracer: the span lacks the required `reason`
    assert.ok(codes(client.latest(client.uri('web/checkout.ts'))).includes('TL002'), JSON.stringify(client.latest(client.uri('web/checkout.ts'))));

    // The defining module stops holding a Logfire handle: the closed dependent is linted again.
    const obs = await client.open('app/obs.py', 'python', OBS_PY);
    let mark = client.published.length;
    await client.change(obs, [{ range: { start: { line: 2, character: 5 }, end: { line: 2, character: 31 } }, text: 'None' }]);
    let p = await client.waitFor((x) => x.params.uri === orders, 20_000, mark);
    assert.deepEqual(codes(p.params.diagnostics), [], JSON.stringify(p.params.diagnostics));

    // Open the dependent too; restoring the handle re-lints the open document (same version).
    const opened = await client.open('app/orders.py', 'python', ORDERS_PY);
    assert.deepEqual(codes(await client.diagnostics(opened, 1)), []);
    mark = client.published.length;
    await client.change(obs, [{ range: { start: { line: 2, character: 5 }, end: { line: 2, character: 9 } }, text: 'logfire.with_tags("shop")' }]);
    p = await client.waitFor((x) => x.params.uri === opened && x.params.diagnostics.length > 0, 20_000, mark);
    assert.ok(codes(p.params.diagnostics).includes('TL007'), JSON.stringify(p.params.diagnostics));
    assert.equal(p.params.version, 1, 'the dependent itself did not change');
  } finally {
    await client.stop();
  }
});
