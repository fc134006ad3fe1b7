"""Failover chain: when a model is rate limited (HTTP 429) or fails, the next model takes over."""
from __future__ import annotations

import time

import logfire

CHAINS = {
    "CODING": ["Cerebras-GLM-4.7", "hf:moonshotai/Kimi-K2.5", "deepseek-v3.2"],
    "ORCHESTRATOR": ["claude-sonnet-4-5", "gpt-5.2-codex"],
}


class RateLimitError(Exception):
    pass


class FailoverModel:
    def __init__(self, workload_type: str) -> None:
        self.workload_type = workload_type
        self.chain = CHAINS.get(workload_type, ["gpt-5.2-codex"])
        self.consecutive: dict[str, int] = {}

    def classify(self, error: Exception) -> str:
        if isinstance(error, RateLimitError):
            return "rate_limit"
        if isinstance(error, TimeoutError):
            return "timeout"
        return "format_error"

    def record_rate_limit(self, model_name: str) -> float:
        consecutive_count = self.consecutive.get(model_name, 0) + 1
        self.consecutive[model_name] = consecutive_count
        cooldown_seconds = min(300, 15 * 2 ** (consecutive_count - 1))
        workload_type = self.workload_type
        logfire.warn(
            "Rate limit: {model} ({workload}) - cooldown {cooldown}s",
            model=model_name,
            workload=workload_type,
            cooldown=cooldown_seconds,
            consecutive_429s=consecutive_count,
        )
        return cooldown_seconds

    def run(self, request, call):
        workload_type = self.workload_type
        attempt_count = 0
        for i, model_name in enumerate(self.chain):
            attempt_count += 1
            try:
                result = call(model_name, request)
            except Exception as error:  # noqa: BLE001 - every failure moves down the chain
                error_classification = self.classify(error)
                if error_classification == "rate_limit":
                    time.sleep(0)  # cooldown is enforced by the scheduler
                    self.record_rate_limit(model_name)
                failed_model_name = model_name
                next_model_name = self.chain[i + 1] if i + 1 < len(self.chain) else "none"
                logfire.warn(
                    "Failover triggered: {from_model} → {to_model} ({error_type})",
                    from_model=failed_model_name,
                    to_model=next_model_name,
                    error_type=error_classification,
                    workload=workload_type,
                )
                continue
            if attempt_count > 1:
                successful_model_name = model_name
                logfire.info(
                    "Failover success: now using {model}",
                    model=successful_model_name,
                    workload=workload_type,
                    attempts=attempt_count,
                )
            return result
        raise RuntimeError("every model in the failover chain failed")
