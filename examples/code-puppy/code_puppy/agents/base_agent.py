"""Base class for every Code Puppy agent: picks the model for the agent's workload."""
from __future__ import annotations

import logfire

from code_puppy.core.orchestrator import AgentOrchestrator

WORKLOADS = {
    "husky": "CODING",
    "pack-leader": "ORCHESTRATOR",
    "context-curator": "LIBRARIAN",
}
FALLBACK_MODELS = {
    "CODING": "Cerebras-GLM-4.7",
    "ORCHESTRATOR": "claude-sonnet-4-5",
    "REASONING": "gpt-5.2-codex",
    "LIBRARIAN": "claude-haiku-4-5",
}


class BaseAgent:
    def __init__(self, name: str, orchestrator: AgentOrchestrator | None = None) -> None:
        self.name = name
        self.orchestrator = orchestrator

    def get_model_name(self) -> str:
        agent_name = self.name
        workload_type = WORKLOADS.get(agent_name, "REASONING")
        fallback_model = FALLBACK_MODELS[workload_type]
        model_from_orchestrator = (
            self.orchestrator.model_for(workload_type) if self.orchestrator else None
        )

        # As written in docs/LOGFIRE-OBSERVABILITY.md: `{model}` has no `model=` attribute, so Logfire
        # renders the raw template. Telemetry Lens flags it (TL007) and offers the fix.
        logfire.info(
            "Workload routing: {agent} → {workload} → {model}",
            agent=agent_name,
            workload=workload_type,
            orchestrated_model=model_from_orchestrator,
            default_model=fallback_model,
        )
        return model_from_orchestrator or fallback_model

    def run(self, prompt: str, handle) -> str:
        agent_name = self.name
        workload_type = WORKLOADS.get(agent_name, "REASONING")
        # One span per agent turn: every log of the turn is nested under it.
        with logfire.span("agent run {agent}", agent=agent_name, workload=workload_type):
            return handle(self.get_model_name(), prompt)
