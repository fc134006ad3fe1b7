"""The Ralph Loop: OBSERVE → ORIENT → DECIDE → ACT → COMPLETE, with valid refusals."""
from __future__ import annotations

import uuid

import logfire

PHASES = ["observe", "orient", "decide", "act", "complete"]


class RalphLoop:
    def __init__(self, agent_id: str) -> None:
        self.agent_id = agent_id
        self.loop_id = str(uuid.uuid4())
        self.phase = "observe"

    def transition(self, current_phase: str, decision_type: str | None = None, confidence_score: float | None = None) -> None:
        loop_id = self.loop_id
        agent_id = self.agent_id
        previous_phase = self.phase
        logfire.info(
            "EAR phase: {from_phase} → {to_phase}",
            loop_id=loop_id[:8],
            agent_id=agent_id,
            from_phase=previous_phase,
            to_phase=current_phase,
            decision_type=decision_type,  # Optional
            confidence=confidence_score,   # Optional
        )
        self.phase = current_phase

    def run(self, decide) -> str:
        for nxt in PHASES[1:]:
            if nxt == "act":
                decision_type, confidence_score = decide()
                if decision_type == "refusal":
                    self.transition("refused", decision_type, confidence_score)
                    return "refused"
                self.transition(nxt, decision_type, confidence_score)
            else:
                self.transition(nxt)
        return "complete"

    def debug_dump(self) -> None:
        # Deliberate violation: an f-string message makes every loop a new span name (TL008).
        logfire.debug(f"Loop {self.loop_id} is in phase {self.phase}")
