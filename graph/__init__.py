"""Knowledge-graph builder for Arabic news.

>>> from graph import build_corpus  # doctest: +SKIP
>>> report = build_corpus(["seeds"], "output")  # doctest: +SKIP
"""

__all__ = [
    "build_corpus", "extract_article", "resolve_all", "read_sources", "analyze_text",
    "recognize_mentions", "resolve_entities", "build_dataset", "normalize_text",
]

__version__ = "0.1.0"


def __getattr__(name):
    """Import stages lazily so ``python -m graph --help`` stays fast."""
    import importlib

    homes = {
        "build_corpus": "graph.pipeline", "extract_article": "graph.extract", "resolve_all": "graph.pipeline",
        "read_sources": "graph.ingest", "analyze_text": "graph.text", "normalize_text": "graph.text",
        "recognize_mentions": "graph.recognize", "resolve_entities": "graph.resolve",
        "build_dataset": "graph.rdf",
    }
    if name not in homes:
        raise AttributeError(f"module 'graph' has no attribute {name!r}")
    return getattr(importlib.import_module(homes[name]), name)
