"""A read-only triple index that answers the few rdflib ``Graph`` reads analysis and pages make.

A build analyses the union of every article's statements. rdflib's
memory stores hold each statement in three nested-dict indexes, several
Python containers per statement: at 100,000 articles that graph alone was
about 9 GB and the build ran out of memory in analysis (README, Scale).
Here each predicate keeps one dict from subject to object (a list only
when a subject has several), and a dict from object back to subjects is
made only for the predicates read that way, the first time one is read.
Terms are rdflib's, so the code reading the index is the code reading a
``Graph``, and answers come in the same order: a subject's objects in the
order they were added, an object's subjects in the order their subjects
were first added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

__all__ = ["TripleIndex", "CachedTerms"]


class TripleIndex:
    """``objects``, ``subjects``, ``subject_objects``, ``value`` and ``(s, p, o) in index``
    over triples of rdflib terms, each added once (the sorted union's are).

    >>> from rdflib import URIRef
    >>> a, b, c, p = (URIRef(f"http://x/{n}") for n in "abcp")
    >>> index = TripleIndex([(a, p, b), (a, p, c), (c, p, b)])
    >>> list(index.objects(a, p)), list(index.subjects(p, b)), index.value(c, p), (a, p, c) in index
    ([rdflib.term.URIRef('http://x/b'), rdflib.term.URIRef('http://x/c')], [rdflib.term.URIRef('http://x/a'), rdflib.term.URIRef('http://x/c')], rdflib.term.URIRef('http://x/b'), True)
    """

    def __init__(self, triples: Iterable[tuple] = ()):
        self._forward: dict = {}
        self._backward: dict = {}
        self._count = 0
        self.update(triples)

    def update(self, triples: Iterable[tuple]) -> None:
        """:meth:`add` every statement of ``triples``, in a loop of its own (millions of them in a build)."""
        forward, count = self._forward, 0
        for s, p, o in triples:
            by_subject = forward.get(p)
            if by_subject is None:
                by_subject = forward[p] = {}
            _append(by_subject, s, o)
            count += 1
        self._count += count
        self._backward.clear()  # a later backward read must see these statements

    def add(self, triple: tuple) -> None:
        """Add one statement (not checked for repeats: the build's union has none)."""
        self.update((triple,))

    def __len__(self) -> int:
        return self._count

    def objects(self, subject, predicate) -> Iterator:
        """The objects of ``subject`` by ``predicate``, in the order they were added."""
        return _values(self._forward.get(predicate, {}).get(subject))

    def subjects(self, predicate, obj) -> Iterator:
        """The subjects that have ``obj`` by ``predicate``."""
        return _values(self._by_object(predicate).get(obj))

    def subject_objects(self, predicate) -> Iterator[tuple]:
        """Every ``(subject, object)`` linked by ``predicate``."""
        for subject, found in self._forward.get(predicate, {}).items():
            for obj in _values(found):
                yield subject, obj

    def value(self, subject, predicate):
        """The first object of ``subject`` by ``predicate``, or None (``Graph.value`` with a subject and a predicate)."""
        found = self._forward.get(predicate, {}).get(subject)
        return found[0] if type(found) is list else found

    def __contains__(self, triple: tuple) -> bool:
        s, p, o = triple
        found = self._forward.get(p, {}).get(s)
        return o in found if type(found) is list else (found is not None and found == o)

    def _by_object(self, predicate) -> dict:
        by_object = self._backward.get(predicate)
        if by_object is None:
            by_object = self._backward[predicate] = {}
            for subject, obj in self.subject_objects(predicate):
                _append(by_object, obj, subject)
        return by_object


def _append(mapping: dict, key, value) -> None:
    found = mapping.get(key)
    if found is None:
        mapping[key] = value
    elif type(found) is list:
        found.append(value)
    else:
        mapping[key] = [found, value]


def _values(found) -> Iterator:
    if found is None:
        return iter(())
    return iter(found) if type(found) is list else iter((found,))


class CachedTerms:
    """A namespace whose terms are made once: ``CachedTerms(SCHEMA).location`` is ``SCHEMA.location``.

    rdflib builds (``Namespace``) or checks (``DefinedNamespace``) a term at
    each attribute access, 2–4 µs, and analysis and pages ask for one per
    node, mention or event read.

    >>> from graph.vocab import SCHEMA
    >>> CachedTerms(SCHEMA).location == SCHEMA.location, str(CachedTerms(SCHEMA)) == str(SCHEMA)
    (True, True)
    """

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __str__(self) -> str:
        return str(self._namespace)
