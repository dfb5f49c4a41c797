"""One article's extraction: ``ingest``-ed text → tokens → mentions → roles and events.

Extraction is per article and pure, the unit of parallel work and of the
extraction cache. Only this module, the stages it runs and the data they
read decide an extraction, so only they are fingerprinted
(:data:`graph.cache.EXTRACTION_CODE`): a change to resolution, RDF, analysis
or pages leaves cached extractions valid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from graph.errors import GraphError, StageError
from graph.recognize import DEFAULT_CHAIN, batched_mentions, recognize_mentions
from graph.records import Article, Document, Extraction, Mention
from graph.relate import relate

__all__ = ["extract_article", "extract_or_reason", "extract_articles"]


def extract_article(article: Article, chain: Sequence[str] = DEFAULT_CHAIN) -> Extraction:
    """Everything one article says: tokens, mentions, roles, events."""
    return _extraction(_document(article), chain)


def extract_or_reason(article: Article, chain: Sequence[str], compact: bool = False) -> Extraction | str:
    """An extraction, or why the article failed: one bad article never stops a build."""
    return _or_reason(lambda: extract_article(article, tuple(chain)), compact)


def extract_articles(articles: Sequence[Article], chain: Sequence[str], compact: bool = False) -> list[Extraction | str]:
    """:func:`extract_or_reason` of each article, the recognisers that can reading them all at once
    (the neural tagger tags their sentences as one batch where that gives each sentence its own
    tags bit for bit: :attr:`graph.recognize.neural_inference.Tagger.batchable`). Should the
    batch fail, each article is extracted alone, so a failure is reported against its article."""
    chain = tuple(chain)
    documents = [_or_reason(lambda a=article: _document(a)) for article in articles]
    read = [d for d in documents if isinstance(d, Document)]
    try:
        given = dict(zip(map(id, read), batched_mentions(read, chain)))
    except Exception:  # noqa: BLE001 - found again, article by article, below
        return [extract_or_reason(article, chain, compact) for article in articles]
    return [_or_reason(lambda d=document: _extraction(d, chain, given[id(d)]), compact)
            if isinstance(document, Document) else document for document in documents]


def _document(article: Article) -> Document:
    from graph.text import analyze_text

    document = analyze_text(article)
    if not document.tokens:
        raise StageError("text", article.id, "no tokens")
    return document


def _extraction(document: Document, chain: Sequence[str], given: dict[str, list[Mention]] | None = None) -> Extraction:
    mentions = recognize_mentions(document, chain, given)
    roles, events, margins = relate(document, mentions)
    return Extraction(document, mentions, roles, events, len(document.tokens), margins)


def _or_reason(work: Callable[[], Extraction | Document], compact: bool = False) -> Extraction | Document | str:
    """What ``work`` returns, or why it failed.

    Errors the pipeline raises on purpose are reported as they are; any other
    exception is a bug, reported with its type so it can be found again.
    """
    try:
        result = work()
        return result.compact() if compact and isinstance(result, Extraction) else result
    except GraphError as error:
        return f"{type(error).__name__}: {error}"
    except RecursionError:
        return "RecursionError: text too deeply nested"
    except Exception as error:  # noqa: BLE001 - a hostile article must not end a long build
        return f"internal error ({type(error).__name__}: {error}); please report it with this article"
