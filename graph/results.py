"""Result formats: a readable table, CSV, TSV, SPARQL JSON/XML, HTML, Turtle, N-Triples.

One writer per format over :class:`graph.store.QueryResult`, shared by the
``query`` command and the endpoint, so both engines print the same bytes.
The table measures display width (combining marks take no column, wide
characters two), strips bidi controls found in the data, and wraps every
right-to-left cell in a first-strong isolate (U+2068 … U+2069) so a mixed
Arabic/Latin cell cannot reorder the columns around it.
"""

from __future__ import annotations

import csv
import html
import io
import json
import unicodedata
from xml.sax.saxutils import escape as xml_escape

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD

from graph.store import PREFIXES, QueryResult

__all__ = [
    "format_result", "nt_term", "display_width", "clean_cell", "RESULT_FORMATS", "GRAPH_FORMATS",
    "PREFIXES", "MEDIA_TYPES",
]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "html")
GRAPH_FORMATS = ("turtle", "ntriples", "table", "html")
MEDIA_TYPES = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8", "tsv": "text/tab-separated-values; charset=utf-8",
    "html": "text/html; charset=utf-8", "table": "text/plain; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8", "ntriples": "application/n-triples",
}
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_FSI, _PDI = "\u2068", "\u2069"
_MAX_CELL = 80


def format_result(result: QueryResult, fmt: str) -> str:
    """Render a result; ``fmt`` is one of RESULT_FORMATS or GRAPH_FORMATS.

    >>> print(format_result(QueryResult("ask", boolean=True), "json"))
    {"head": {}, "boolean": true}
    """
    if result.kind == "graph":
        writers = {"turtle": _graph_turtle, "ntriples": _graph_ntriples, "table": _graph_table,
                   "html": _graph_html}
    else:
        writers = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml, "html": _html}
    if fmt not in writers:
        raise ValueError(f"format {fmt!r} does not fit a {result.kind} result; choose from {sorted(writers)}")
    return writers[fmt](result)


def nt_term(term) -> str:
    """An RDF term in N-Triples syntax, every special character escaped.

    >>> nt_term(Literal('say "hi"\\t', lang="en"))
    '"say \\\\"hi\\\\"\\\\t"@en'
    >>> nt_term(URIRef("https://schema.org/Person"))
    '<https://schema.org/Person>'
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + _escape_string(str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    raise TypeError(f"not an RDF term: {term!r}")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: marks 0, wide characters 2.

    >>> display_width("جون آلن"), display_width("مُحَمَّد"), display_width("東京")
    (7, 4, 4)
    """
    width = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf") or char in (_FSI, _PDI):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def clean_cell(text: str) -> str:
    """One table cell: no bidi controls or line breaks from the data; RTL isolated.

    >>> clean_cell("\\u202eabc") == "abc"
    True
    >>> clean_cell("جون Allen") == "\\u2068جون Allen\\u2069"
    True
    """
    text = text.translate(_BIDI_CONTROLS)
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    if display_width(text) > _MAX_CELL:
        text = _truncate(text, _MAX_CELL - 1) + "…"
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return _FSI + text + _PDI
    return text


def _escape_string(text: str) -> str:
    table = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
    out = []
    for char in text:
        if char in table:
            out.append(table[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def _short(term) -> str:
    """A term as a reader wants it: prefixed IRI, literal value, empty if unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        for prefix, namespace in PREFIXES.items():
            if term.startswith(namespace):
                return f"{prefix}:{term[len(namespace):]}"
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _truncate(text: str, width: int) -> str:
    out, used = [], 0
    for char in text:
        used += display_width(char)
        if used > width:
            break
        out.append(char)
    return "".join(out)


def _grid(header: list[str], rows: list[list[str]]) -> str:
    cells = [[clean_cell(c) for c in header]] + [[clean_cell(c) for c in row] for row in rows]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(header))]

    def line(row):
        return " | ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths)).rstrip()

    rule = "-+-".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def _footer(result: QueryResult, count: int, noun: str) -> str:
    more = " (truncated by the result limit)" if result.truncated else ""
    return f"\n({count} {noun}{'' if count == 1 else 's'}{more})"


def _table(result: QueryResult) -> str:
    if result.kind == "ask":
        return "true" if result.boolean else "false"
    rows = [[_short(t) for t in row] for row in result.rows]
    return _grid(list(result.variables), rows) + _footer(result, len(rows), "row")


def _csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return buffer.getvalue()


def _tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else nt_term(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def _json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None}
                for row in result.rows]
    body = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(body, ensure_ascii=False)


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{xml_escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{xml_escape(str(term))}</bnode>"
    attrs = ""
    if term.language:
        attrs = f' xml:lang="{xml_escape(term.language)}"'
    elif term.datatype and term.datatype != XSD.string:
        attrs = f' datatype="{xml_escape(str(term.datatype))}"'
    return f"<literal{attrs}>{xml_escape(str(term))}</literal>"


def _xml(result: QueryResult) -> str:
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f'<variable name="{xml_escape(v)}"/>' for v in result.variables) + "</head>")
    out.append("<results>")
    for row in result.rows:
        cells = "".join(f'<binding name="{xml_escape(v)}">{_xml_term(t)}</binding>'
                        for v, t in zip(result.variables, row) if t is not None)
        out.append(f"<result>{cells}</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _html_grid(header: list[str], rows: list[list[str]], note: str) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f'<td dir="auto">{html.escape(c)}</td>' for c in row) + "</tr>"
                   for row in rows)
    return (f'<!doctype html><meta charset="utf-8"><title>SPARQL results</title>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{html.escape(note)}</p>\n")


def _html(result: QueryResult) -> str:
    if result.kind == "ask":
        return _html_grid(["boolean"], [["true" if result.boolean else "false"]], "")
    rows = [[_short(t).translate(_BIDI_CONTROLS) for t in row] for row in result.rows]
    return _html_grid(list(result.variables), rows, _footer(result, len(rows), "row").strip())


def _graph(result: QueryResult) -> Graph:
    g = Graph()
    for prefix, namespace in PREFIXES.items():
        g.bind(prefix, namespace, override=True)
    for triple in result.triples:
        g.add(triple)
    return g


def _graph_turtle(result: QueryResult) -> str:
    return _graph(result).serialize(format="turtle")


def _graph_ntriples(result: QueryResult) -> str:
    lines = sorted({" ".join(nt_term(t) for t in triple) + " ." for triple in result.triples})
    return "".join(line + "\n" for line in lines)


def _graph_table(result: QueryResult) -> str:
    rows = [[_short(t) for t in triple] for triple in result.triples]
    return _grid(["subject", "predicate", "object"], rows) + _footer(result, len(rows), "triple")


def _graph_html(result: QueryResult) -> str:
    rows = [[_short(t).translate(_BIDI_CONTROLS) for t in triple] for triple in result.triples]
    return _html_grid(["subject", "predicate", "object"], rows, _footer(result, len(rows), "triple").strip())
