"""Session persistence, logged with structlog (dotted event names + keywords)."""
from __future__ import annotations

import hashlib
import time

import structlog

logger = structlog.get_logger()


class SessionStore:
    def __init__(self, backend) -> None:
        self.backend = backend
        self._log = logger.bind(component="session_store")

    def load(self, session_id: str, user_id: str):
        started = time.monotonic()
        try:
            session = self.backend.get(session_id)
        except KeyError as e:
            self._log.error("session.load_error", session_id=session_id, error=str(e))
            raise
        self._log.info(
            "session.loaded",
            session_id=session_id,
            user_hash=hashlib.sha256(user_id.encode()).hexdigest()[:16],
            message_count=len(session.messages),
            duration_ms=(time.monotonic() - started) * 1000,
        )
        return session
