"""One small exception hierarchy: every error names where it happened."""

__all__ = ["GraphError", "IngestError", "StageError", "GazetteerError", "QueryError"]


class GraphError(Exception):
    """Base class of every error this package raises on purpose."""


class IngestError(GraphError):
    """A source file cannot be turned into an article (the build skips it)."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StageError(GraphError):
    """A stage broke an invariant at its boundary; names stage and article."""

    def __init__(self, stage: str, article_id: str, what: str):
        super().__init__(f"{stage}: article {article_id}: {what}")
        self.stage = stage
        self.article_id = article_id


class GazetteerError(GraphError):
    """A data file under ontology/ is malformed: file:line: what is wrong."""


class QueryError(GraphError):
    """A SPARQL query is malformed or cannot run."""
