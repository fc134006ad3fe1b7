"""Tracks token/request usage per model and warns before limits are hit."""
from __future__ import annotations

import logfire

LIMITS = {
    "Cerebras-GLM-4.7": ("cerebras", "day_requests", 14_400),
    "hf:zai-org/GLM-4.7": ("synthetic", "window_tokens", 2_000_000),
    "claude-sonnet-4-5": ("anthropic", "minute_tokens", 400_000),
}


class ModelCapacity:
    def __init__(self) -> None:
        self.used: dict[str, int] = {}

    def add(self, model_name: str, amount: int) -> None:
        self.used[model_name] = self.used.get(model_name, 0) + amount
        self._emit_capacity_warning(model_name)

    def _emit_capacity_warning(self, model_name: str) -> None:
        if model_name not in LIMITS:
            return
        provider_name, limit_category, total_limit = LIMITS[model_name]
        tokens_or_requests_used = self.used[model_name]
        percentage_used = round(100.0 * tokens_or_requests_used / total_limit, 1)
        if percentage_used < 80:
            return
        logfire.warn(
            "Capacity warning: {model} at {pct}% ({limit_type})",
            model=model_name,
            pct=percentage_used,
            limit_type=limit_category,
            used=tokens_or_requests_used,
            limit=total_limit,
            provider=provider_name,
        )

    def report_near_limit(self, model_name: str, percentage_used: float) -> None:
        # Deliberate violation: the schema declares `Capacity warning` at warn level (TL006).
        logfire.info(
            "Capacity warning: {model} at {pct}% ({limit_type})",
            model=model_name,
            pct=percentage_used,
            limit_type="day_requests",
            used=0,
            limit=0,
            provider="cerebras",
        )
