"""Code Puppy: a small multi-agent coding assistant (Telemetry Lens example workspace)."""
