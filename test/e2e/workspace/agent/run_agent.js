// Fixture agent for "Telemetry Lens: Trace Agent Run…": one traced run using the Logfire Node SDK,
// exporting OTLP/protobuf to OTEL_EXPORTER_OTLP_ENDPOINT (set by the extension to its receiver).
// The second routing decision carries a workload outside the schema's allowed values; that is
// only visible at run time, so it shows up as a runtime-conformance violation.
'use strict';
const logfire = require('@pydantic/logfire-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');

logfire.configure({
  serviceName: 'fixture-agent',
  sendToLogfire: false,
  console: false,
  metrics: false,
  additionalSpanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});

function route(agent, workload, model) {
  logfire.info('Workload routing: {agent} → {workload} → {model}', {
    agent,
    workload,
    model,
    orchestrated_model: model,
    default_model: 'claude-sonnet-4-5',
  });
  return model;
}

async function main() {
  const workloads = (process.env.FIXTURE_WORKLOADS || 'CODING,BATCH').split(',');
  await logfire.span('fixture agent run', { agent: 'husky' }, {}, async () => {
    for (const workload of workloads) route('husky', workload, 'Cerebras-GLM-4.7');
  });
  await logfire.shutdown();
  console.log(`fixture agent: sent ${workloads.length} routing decisions to ${process.env.OTEL_EXPORTER_OTLP_ENDPOINT}`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
