"""Fixture for the end-to-end test: the seed's workload-routing call, verbatim.

Its message template names `{model}` but the call passes `orchestrated_model`, so Logfire would
render the raw placeholder: Telemetry Lens reports TL007 on this call.
"""

import logfire


def get_model_name(agent_name: str, workload_type: str, model_from_orchestrator: str, fallback_model: str) -> str:
    logfire.info(
        "Workload routing: {agent} → {workload} → {model}",
        agent=agent_name,
        workload=workload_type,
        orchestrated_model=model_from_orchestrator,
        default_model=fallback_model,
    )
    return model_from_orchestrator or fallback_model
