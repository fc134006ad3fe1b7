// The Code Puppy web console: reports routing decisions made in the browser-side orchestrator.
import * as logfire from '@pydantic/logfire-node';

export function reportRouting(agent: string, workload: string, model: string, fallback: string): void {
  logfire.info('Workload routing: {agent} → {workload} → {model}', {
    agent,
    workload,
    model,
    orchestrated_model: model,
    default_model: fallback,
  });
}

export function reportPhase(loopId: string, agentId: string, from: string, to: string): void {
  logfire.span('EAR phase: {from_phase} → {to_phase}', {
    attributes: { loop_id: loopId.slice(0, 8), agent_id: agentId, from_phase: from, to_phase: to },
    callback: (span) => {
      span.setAttribute('confidence', 0.9);
    },
  });
}
