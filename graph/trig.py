"""TriG of a named graph's statement lines, written here as Oxigraph writes it.

A build renders every article's graph as TriG. Oxigraph writes it from
Oxigraph quads, and a build has its statements as text lines
(:func:`graph.serialize.statement_text`): making the quads, even parsed in
Rust from N-Quads, took twice as long as writing TriG here. The layout
is simple (a subject's statements under it, ``;`` between predicates,
``,`` between objects) and most terms are printed as they are; the rest are
IRIs shortened with a prefix and numbers written bare, by Turtle's grammar.
A graph holding a term whose TriG this module does not know for certain
(a non-ASCII or escaped local name, a double, a boolean, the default graph,
prefixes that overlap) is left to Oxigraph, so the bytes are Oxigraph's
either way; tests compare both on random graphs and every output of a build.
(Turtle stays Oxigraph's: it reads the union's N-Triples faster than lines
can be split here.)
"""

from __future__ import annotations

import re

__all__ = ["TrigWriter"]

_RDF_TYPE = b"http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_BARE = {f"<{_XSD}integer>".encode(): re.compile(rb"[+-]?[0-9]+"),
         f"<{_XSD}decimal>".encode(): re.compile(rb"[+-]?[0-9]*\.[0-9]+")}
_UNKNOWN = {f"<{_XSD}double>".encode(), f"<{_XSD}boolean>".encode()}
_LOCAL = re.compile(rb"[A-Za-z0-9_:/.-]*")
_LABEL = re.compile(rb"_:[A-Za-z0-9]+")
_CACHED = 1 << 16


class TrigWriter:
    """TriG blocks of named graphs given as sorted, distinct statement lines, with ``prefixes``.

    >>> writer = TrigWriter({"ex": "http://x.org/"})
    >>> from graph.serialize import statement_text
    >>> line = statement_text("<http://x.org/a/b>", "<http://x.org/p>", '"1.50"^^<http://www.w3.org/2001/XMLSchema#decimal>')
    >>> writer.graph("<http://x.org/g>", [line.encode()])
    b'ex:g {\\n\\tex:a\\\\/b ex:p 1.50 .\\n}\\n'
    """

    def __init__(self, prefixes: dict[str, str]):
        namespaces = sorted(prefixes.values())
        overlapping = any(b.startswith(a) for a, b in zip(namespaces, namespaces[1:]))
        self._names = {ns.encode(): prefix.encode() + b":" for prefix, ns in prefixes.items()}
        alternatives = b"|".join(re.escape(ns) for ns in sorted(self._names, key=len, reverse=True))
        self._namespace = None if overlapping else re.compile(alternatives or rb"(?!)")
        self._iris: dict[bytes, bytes | None] = {}
        self._predicates: dict[bytes, bytes | None] = {_RDF_TYPE: b"a"}
        self._objects: dict[bytes, bytes | None] = {}

    def graph(self, name: str, lines: list[bytes]) -> bytes | None:
        """The TriG block of graph ``name`` (N-Triples) with ``lines``; None when Oxigraph must write it."""
        if not lines:
            return b""
        head = self._term(name.encode()) if name and self._namespace else None
        if head is None:
            return None
        out, subject, predicate = [head, b" {\n"], None, None
        objects, predicates = self._objects, self._predicates
        for line in lines:
            s, p, o = line.split(b"\x0b")  # the marks of graph.serialize.statement_text
            p, o = p[2:], o[2:-3]
            if o[0] != 0x22 or o[-1] == 0x3E:  # else a plain or language-tagged literal, written as it is
                o = objects.get(o) or self._object(o)
                if o is None:
                    return None
            if s != subject:
                head, verb = self._term(s), predicates.get(p) or self._predicate(p)
                if head is None or verb is None:
                    return None
                out += (b" .\n\t" if subject else b"\t", head, b" ", verb, b" ", o)
            elif p != predicate:
                verb = predicates.get(p) or self._predicate(p)
                if verb is None:
                    return None
                out += (b" ;\n\t\t", verb, b" ", o)
            else:
                out += (b" , ", o)
            subject, predicate = s, p
        out.append(b" .\n}\n")
        return b"".join(out)

    def _predicate(self, iri: bytes) -> bytes | None:
        found = self._predicates.get(iri, b"")
        if found == b"":
            found = self._predicates[iri] = self._iri(b"<" + iri + b">")
        return found

    def _object(self, term: bytes) -> bytes | None:
        """:meth:`_term` of an object, kept: objects repeat (entities, offsets, scores) where subjects rarely do."""
        if len(self._objects) >= _CACHED:
            self._objects.clear()
        found = self._objects[term] = self._term(term)
        return found

    def _term(self, term: bytes) -> bytes | None:
        first = term[:1]
        if first == b"<":
            return self._iri(term)
        if first == b'"':
            return self._literal(term)
        return term if _LABEL.fullmatch(term) else None

    def _iri(self, term: bytes) -> bytes | None:
        found = self._iris.get(term, b"")
        if found == b"":
            if len(self._iris) >= _CACHED:
                self._iris.clear()
            found = self._iris[term] = self._shortened(term)
        return found

    def _shortened(self, term: bytes) -> bytes | None:
        """``prefix:local`` as Oxigraph writes it, the IRI itself outside every namespace, None if unsure."""
        match = self._namespace.match(term, 1)
        if match is None:
            return term
        raw = term[match.end():-1]
        if not _LOCAL.fullmatch(raw):
            return None
        local = raw.replace(b"/", b"\\/")
        if raw[:1] in (b"-", b"."):
            local = b"\\" + local
        if len(raw) > 1 and raw.endswith(b"."):
            local = local[:-1] + b"\\."
        return self._names[match[0]] + local

    def _literal(self, term: bytes) -> bytes | None:
        end = term.rindex(b'"')
        if end + 1 == len(term) or term[end + 1:end + 2] == b"@":
            return term
        datatype = term[end + 3:]
        bare = _BARE.get(datatype)
        if bare is not None and bare.fullmatch(term, 1, end):
            return term[1:end]
        if datatype in _UNKNOWN:
            return None
        shortened = self._iri(datatype)
        return None if shortened is None else term[:end + 3] + shortened
