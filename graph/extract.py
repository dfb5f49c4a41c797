"""One article's extraction: ``ingest``-ed text → tokens → mentions → roles and events.

Extraction is per article and pure, the unit of parallel work and of the
extraction cache. Only this module, the stages it runs and the data they
read decide an extraction, so only they are fingerprinted
(:data:`graph.cache.EXTRACTION_CODE`): a change to resolution, RDF, analysis
or pages leaves cached extractions valid.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.errors import GraphError, StageError
from graph.recognize import DEFAULT_CHAIN, recognize_mentions
from graph.records import Article, Extraction
from graph.relate import relate

__all__ = ["extract_article", "extract_or_reason"]


def extract_article(article: Article, chain: Sequence[str] = DEFAULT_CHAIN) -> Extraction:
    """Everything one article says: tokens, mentions, roles, events."""
    from graph.text import analyze_text

    document = analyze_text(article)
    if not document.tokens:
        raise StageError("text", article.id, "no tokens")
    mentions = recognize_mentions(document, chain)
    roles, events, margins = relate(document, mentions)
    return Extraction(document, mentions, roles, events, len(document.tokens), margins)


def extract_or_reason(article: Article, chain: Sequence[str], compact: bool = False) -> Extraction | str:
    """An extraction, or why the article failed: one bad article never stops a build.

    Errors the pipeline raises on purpose are reported as they are; any other
    exception is a bug, reported with its type so it can be found again.
    """
    try:
        extraction = extract_article(article, tuple(chain))
        return extraction.compact() if compact else extraction
    except GraphError as error:
        return f"{type(error).__name__}: {error}"
    except RecursionError:
        return "RecursionError: text too deeply nested"
    except Exception as error:  # noqa: BLE001 - a hostile article must not end a long build
        return f"internal error ({type(error).__name__}: {error}); please report it with this article"
