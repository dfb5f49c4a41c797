"""Run SPARQL over a build: ad-hoc queries and the named queries in ``queries/``.

A named query is a ``.rq`` file whose leading ``#`` comment says what it
answers and declares its parameters, one a line::

    # param person (entity, default "فورونكوف"): name or IRI of the person

Parameter values become RDF terms (validated, escaped) in a ``VALUES`` block
placed at the start of the top-level ``WHERE`` group, so a value can never
change the shape of the query. An ``entity`` parameter takes an IRI or any
part of a name: the name is looked up first (labels and alternative labels,
case-insensitive) and every matching entity is bound, which lets Oxigraph
start from those entities instead of joining all mentions with a filter. The graph is read-only: any SPARQL Update is
refused before it reaches an engine.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.errors import QueryError
from graph.results import PREFIXES, nt_term
from graph.store import QueryResult, open_engine

__all__ = [
    "run_query", "run_named_query", "load_named_queries", "bind_parameters", "lookup_entities",
    "parse_assignments",
    "is_update", "check_read_only", "NamedQuery", "Parameter", "UpdateRefused", "QUERIES_DIR",
]

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
NO_MATCH = URIRef("urn:x-ankg:no-entity-matches")
PARAM_TYPES = ("string", "iri", "entity", "integer", "date")
_LOOKUP = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?entity WHERE {
  ?entity rdfs:label|skos:altLabel ?label .
  FILTER (CONTAINS(LCASE(STR(?label)), LCASE(?name)))
}
ORDER BY ?entity"""
_PARAM_LINE = re.compile(
    r"^#\s*param\s+([A-Za-z_]\w*)\s*\(\s*(\w+)\s*(?:,\s*default\s+(.*?))?\)\s*:\s*(.*)$")
_TOKEN = re.compile(r'''
    (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<comment>\#[^\n]*)
  | (?P<word>[A-Za-z_][\w-]*:?[\w.-]*)
  | (?P<space>\s+)
  | (?P<other>.)''', re.VERBOSE | re.DOTALL)
_UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
_IRI_OK = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^<>\"{}|^`\\\x00-\x20]*$")


class UpdateRefused(QueryError):
    """A SPARQL Update was sent to the read-only graph."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    default: str | None
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    summary: str
    parameters: tuple[Parameter, ...]
    text: str


def run_query(text: str, out_dir: Path = Path("output"), limit: int | None = None,
              timeout: float | None = None, engine=None) -> QueryResult:
    """Answer one SPARQL query over the build in ``out_dir`` (store if loaded).

    >>> run_query("INSERT DATA { <a:s> <a:p> <a:o> }")
    Traceback (most recent call last):
    graph.query.UpdateRefused: the graph is read-only: SPARQL Update (INSERT) is not allowed
    """
    check_read_only(text)
    engine = engine or open_engine(out_dir)
    deadline = time.monotonic() + timeout if timeout else None
    return engine.run(text, limit=limit, deadline=deadline)


def run_named_query(name: str, params: dict[str, str], out_dir: Path = Path("output"),
                    limit: int | None = None, engine=None, directory: Path = QUERIES_DIR) -> QueryResult:
    """Run ``queries/<name>.rq`` with ``params`` bound as RDF terms."""
    queries = load_named_queries(directory)
    if name not in queries:
        raise QueryError(f"no named query {name!r}; choose from {', '.join(sorted(queries))}")
    engine = engine or open_engine(out_dir)
    text = bind_parameters(queries[name], params, resolve=lambda value: lookup_entities(value, engine))
    return run_query(text, out_dir, limit=limit, engine=engine)


def lookup_entities(name: str, engine) -> list[URIRef]:
    """Entities with a label or alternative label containing ``name`` (any case)."""
    query = NamedQuery("lookup", "entities by name", (Parameter("name", "string", None, "name"),), _LOOKUP)
    return [row[0] for row in engine.run(bind_parameters(query, {"name": name})).rows]


def load_named_queries(directory: Path = QUERIES_DIR) -> dict[str, NamedQuery]:
    """Every ``*.rq`` under ``directory`` by file stem, headers parsed."""
    return {p.stem: _parse_named(p) for p in sorted(Path(directory).glob("*.rq"))}


def bind_parameters(query: NamedQuery, values: dict[str, str], resolve=None) -> str:
    """The query text with a ``VALUES`` block binding each parameter.

    ``resolve(name) -> [IRI]`` turns the name given to an ``entity``
    parameter into the entities it may mean (see :func:`lookup_entities`).

    >>> q = NamedQuery("t", "", (Parameter("name", "string", "x", ""),),
    ...                "SELECT ?s WHERE { ?s ?p ?name }")
    >>> bind_parameters(q, {"name": 'a" } DROP ALL #'})
    'SELECT ?s WHERE {\\n  VALUES ?name { "a\\\\" } DROP ALL #" }\\n ?s ?p ?name }'
    """
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(unknown)}; "
                         f"it takes: {', '.join(known) or 'none'}")
    if not known:
        return query.text
    blocks = []
    for p in query.parameters:
        value = values.get(p.name, p.default)
        if value is None:
            raise QueryError(f"query {query.name!r} needs --param {p.name}=… ({p.description})")
        terms = _entity_terms(p, value, resolve) if p.kind == "entity" else [_make_term(p, value)]
        blocks.append(f"VALUES ?{p.name} {{ {' '.join(nt_term(t) for t in terms)} }}")
    block = "\n  " + "\n  ".join(blocks) + "\n"
    at = _where_brace(query.text)
    if at is None:
        raise QueryError(f"query {query.name!r}: no top-level `WHERE {{` to bind parameters in")
    return query.text[: at + 1] + block + query.text[at + 1:]


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["name=فورونكوف"]`` → ``{"name": "فورونكوف"}``.

    >>> parse_assignments(["year=2014", "name=a=b"])
    {'year': '2014', 'name': 'a=b'}
    """
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"--param {item!r}: write it as key=value")
        out[key.strip()] = value
    return out


def is_update(text: str) -> bool:
    """True when the first keyword after the prologue starts a SPARQL Update.

    >>> is_update("PREFIX a: <http://x/#> # c\\n delete where { ?s ?p ?o }")
    True
    >>> is_update("SELECT * WHERE { ?s <http://x/insert> ?o }")
    False
    """
    return _first_keyword(text) in _UPDATE_WORDS


def check_read_only(text: str) -> None:
    """Raise :class:`UpdateRefused` for an update, whatever field carried it."""
    word = _first_keyword(text)
    if word in _UPDATE_WORDS:
        raise UpdateRefused(f"the graph is read-only: SPARQL Update ({word}) is not allowed")


def _tokens(text: str):
    for match in _TOKEN.finditer(text):
        yield match.lastgroup, match.group(), match.start()


def _first_keyword(text: str) -> str | None:
    skip_next = 0
    for kind, value, _ in _tokens(text):
        if kind in ("space", "comment"):
            continue
        if skip_next:
            skip_next -= 1
            continue
        upper = value.upper()
        if kind == "word" and upper == "PREFIX":
            skip_next = 2
        elif kind == "word" and upper == "BASE":
            skip_next = 1
        else:
            return upper if kind == "word" else None
    return None


def _where_brace(text: str) -> int | None:
    seen_where = False
    for kind, value, start in _tokens(text):
        if kind in ("space", "comment"):
            continue
        if seen_where:
            return start if value == "{" else None
        seen_where = kind == "word" and value.upper() == "WHERE"
    return None


def _entity_terms(p: Parameter, value: str, resolve) -> list:
    """An IRI or prefixed name as given, else every entity the name may mean."""
    prefix, sep, _ = value.partition(":")
    if sep and (prefix in PREFIXES or _IRI_OK.match(value) and "//" in value):
        return [_make_term(Parameter(p.name, "iri", None, p.description), value)]
    if not value.strip():
        raise QueryError(f"--param {p.name}: give a name (or part of one) or an IRI")
    if resolve is None:
        raise QueryError(f"--param {p.name}: looking up a name needs a graph to look in")
    # rdflib fails on an empty VALUES block, so no match binds an IRI that names nothing.
    return sorted(set(resolve(value))) or [NO_MATCH]


def _make_term(p: Parameter, value: str):
    try:
        if p.kind == "string":
            return Literal(value)
        if p.kind == "integer":
            return Literal(int(value), datatype=XSD.integer)
        if p.kind == "date":
            return Literal(date.fromisoformat(value).isoformat(), datatype=XSD.date)
    except ValueError:
        raise QueryError(f"--param {p.name}={value!r}: expected {p.kind}") from None
    prefix, sep, rest = value.partition(":")
    iri = PREFIXES[prefix] + rest if sep and prefix in PREFIXES else value
    if not _IRI_OK.match(iri):
        raise QueryError(f"--param {p.name}={value!r}: expected an absolute IRI or prefixed name (id:…)")
    return URIRef(iri)


def _parse_named(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    summary, params = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#"):
            break
        match = _PARAM_LINE.match(line)
        if match:
            name, kind, default, description = match.groups()
            if kind not in PARAM_TYPES:
                raise QueryError(f"{path}:{number}: parameter type {kind!r} not in {PARAM_TYPES}")
            params.append(Parameter(name, kind, _unquote(default), description.strip()))
        elif re.match(r"^#\s*param\b", line):
            raise QueryError(f"{path}:{number}: write parameters as `# param NAME (TYPE, default V): what`")
        else:
            summary.append(line[1:].strip())
    if not summary or not summary[0]:
        raise QueryError(f"{path}:1: a named query starts with a `#` line saying what it answers")
    return NamedQuery(path.stem, "\n".join(summary).strip(), tuple(params), text)


def _unquote(default: str | None) -> str | None:
    if default is None:
        return None
    default = default.strip()
    if len(default) >= 2 and default[0] == default[-1] == '"':
        return json.loads(default)
    return default
