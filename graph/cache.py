"""Extraction cache: an article already extracted by this pipeline is not extracted again.

The key of an article is the SHA-256 of its text and metadata, the
recogniser chain, whether the extraction is compacted, :data:`PIPELINE_VERSION` and a
fingerprint of everything extraction reads: its code
(:data:`EXTRACTION_CODE`: :mod:`graph.extract` and the stages it runs),
the ontology data (lexicons, gazetteer) and the shipped models. Editing any
of them changes every key, so a stale result is never reused; editing
resolution, RDF, analysis or pages does not, so a corpus of 100,000 articles
is not extracted again for them (a test traces extraction and checks that
every file whose code it runs is fingerprinted). Adding one article to a
built corpus costs one extraction. Values are compressed pickles of
:class:`~graph.records.Extraction` (or the reason an article failed), as
the build keeps them (compacted), written atomically; only read caches
you wrote yourself (pickle trusts its input).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from graph.records import Article, Extraction
from graph.serialize import write_atomic

__all__ = ["PIPELINE_VERSION", "EXTRACTION_CODE", "ExtractionCache", "pipeline_fingerprint", "extraction_key"]

PIPELINE_VERSION = "1"
"""Bump to invalidate every cached extraction by hand (code and data changes do it anyway)."""

_ROOT = Path(__file__).resolve().parent.parent
EXTRACTION_CODE = ("extract.py", "records.py", "errors.py", "text.py", "dates.py", "gazetteer.py", "lexicon.py",
                   "conll.py", "recognize/*.py", "relate/*.py")
"""The modules of ``graph/`` that decide an extraction (globs)."""
_FINGERPRINTED = (*(("graph", pattern) for pattern in EXTRACTION_CODE), ("graph/models", "**/*"), ("ontology", "**/*"))
_SUFFIX = ".pkl.z"


@lru_cache(maxsize=1)
def pipeline_fingerprint() -> str:
    """SHA-256 over the version, the source and the data extraction depends on, and how the
    neural tagger multiplies here (:func:`graph.recognize.neural.tagger_arithmetic`).

    >>> len(pipeline_fingerprint())
    64
    """
    from graph.recognize.neural import tagger_arithmetic

    digest = hashlib.sha256(f"ankg-pipeline {PIPELINE_VERSION}\ntagger {tagger_arithmetic()}\n".encode())
    files = {p for folder, pattern in _FINGERPRINTED for p in (_ROOT / folder).glob(pattern)
             if p.is_file() and "__pycache__" not in p.parts and not p.name.startswith(".")}
    for path in sorted(files):
        digest.update(path.relative_to(_ROOT).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def extraction_key(article: Article, chain: Sequence[str], fingerprint: str | None = None,
                   compact: bool = False) -> str:
    """Content address of one article's extraction under one pipeline (with its tokens, or without).

    >>> a = Article(id="x", text="قال الوزير")
    >>> extraction_key(a, ("gazetteer",)) == extraction_key(a, ("gazetteer",))
    True
    >>> extraction_key(a, ("gazetteer",)) == extraction_key(a, ("gazetteer", "crf"))
    False
    >>> extraction_key(a, ("gazetteer",)) == extraction_key(a, ("gazetteer",), compact=True)
    False
    """
    fields = dataclasses.asdict(article)
    parts = [fingerprint or pipeline_fingerprint(), list(chain), fields] + (["compact"] if compact else [])
    payload = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ExtractionCache:
    """Extractions on disk under ``root/extractions/ab/<key>.pkl.z``; counts hits and misses.

    >>> import tempfile
    >>> cache = ExtractionCache(tempfile.mkdtemp())
    >>> cache.put("ab" * 32, "no tokens"); cache.get("ab" * 32)
    'no tokens'
    >>> cache.get("cd" * 32) is None, cache.hits, cache.misses
    (True, 1, 1)
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.hits = 0
        self.misses = 0
        self.stored = 0

    def path(self, key: str) -> Path:
        return self.root / "extractions" / key[:2] / f"{key}{_SUFFIX}"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> Extraction | str | None:
        """The cached result, or None (a missing or unreadable entry is a miss, never an error)."""
        path = self.path(key)
        try:
            value = pickle.loads(zlib.decompress(path.read_bytes()))
        except FileNotFoundError:
            value = None
        except (OSError, zlib.error, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            path.unlink(missing_ok=True)
            value = None
        if not isinstance(value, (Extraction, str)):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def put(self, key: str, value: Extraction | str) -> None:
        """Store atomically: a crash mid-write leaves no entry, never half of one."""
        write_atomic(self.path(key), zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1))
        self.stored += 1

    def __len__(self) -> int:
        return sum(1 for _ in (self.root / "extractions").glob(f"*/*{_SUFFIX}"))
