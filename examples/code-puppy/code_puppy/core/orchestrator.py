"""Maps workloads to their preferred models."""


class AgentOrchestrator:
    def __init__(self, routes: dict[str, str]) -> None:
        self.routes = routes

    def model_for(self, workload: str) -> str | None:
        return self.routes.get(workload)
