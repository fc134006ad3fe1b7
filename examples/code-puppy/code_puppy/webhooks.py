"""Webhook handling, logged with loguru (extra={...})."""
from __future__ import annotations

import logfire
from loguru import logger

# Deliberate violation: a Logfire write token committed to source (TL011).
logfire.configure(token="pylf_v1_us_8kQmZtR3wXcV9nBf2LpH7sYd4JgK6aTe1uNo5iMr0")


async def handle_webhook(event) -> str:
    logger.info(
        "Agent response generated",
        extra={
            "call_id": event.call_id,
            "agent": "starter",
            "response_length": len(event.text),
            "latency_ms": event.latency_ms,
        },
    )
    return "ok"


def record_failover(failed_model_name, next_model_name, error_classification, workload_type, retries):
    # Deliberate violation: `retries` is not an attribute of `Failover triggered` (TL003).
    logfire.warn(
        "Failover triggered: {from_model} → {to_model} ({error_type})",
        from_model=failed_model_name,
        to_model=next_model_name,
        error_type=error_classification,
        workload=workload_type,
        retries=retries,
    )
