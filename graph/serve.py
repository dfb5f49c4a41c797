"""A read-only SPARQL 1.1 Protocol endpoint on the standard library's http.server.

``/sparql`` takes a query by GET (``?query=``) or POST (``application/
sparql-query`` body or form-encoded ``query=``) and negotiates the result
format from ``Accept`` (or ``format=``). Updates are refused with 403 in every
shape they can arrive: an ``update=`` field, an ``application/sparql-update``
body, or update text sent as a query. Each query runs in a small worker pool
under a timeout and a result limit; the server binds 127.0.0.1 unless told
otherwise and sends no CORS header unless ``cors`` names an origin.
"""

from __future__ import annotations

import html
import sys
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from string import Template
from urllib.parse import parse_qs, urlsplit

from graph.errors import QueryError
from graph.query import (
    UpdateRefused, bind_parameters, check_read_only, load_named_queries, lookup_entities, run_query,
)
from graph.results import MEDIA_TYPES, format_result
from graph.store import open_engine

__all__ = ["serve", "make_server", "negotiate", "SparqlHandler"]

MAX_BODY = 1 << 20
TEMPLATE = Path(__file__).resolve().parent / "templates" / "sparql.html"
_ACCEPT = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/html": "html",
    "text/turtle": "turtle", "application/n-triples": "ntriples", "text/plain": "ntriples",
}
_SELECT_FORMATS = ("json", "xml", "csv", "tsv", "html")
_GRAPH_FORMATS = ("turtle", "ntriples", "html")
_EXAMPLE = """PREFIX schema: <https://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?person ?label WHERE {
  ?person a schema:Person ; rdfs:label ?label .
}
ORDER BY ?label
LIMIT 20"""


def make_server(out_dir: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                limit: int = 10000, cors: str | None = None) -> ThreadingHTTPServer:
    """A ready, not yet serving, endpoint over the build in ``out_dir``."""
    server = ThreadingHTTPServer((host, port), SparqlHandler)
    server.daemon_threads = True
    server.out_dir = Path(out_dir)
    server.engine = open_engine(out_dir)
    server.timeout_s, server.limit, server.cors = timeout, limit, cors
    server.pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="sparql")
    server.named = load_named_queries()
    return server


def serve(out_dir: Path, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
          limit: int = 10000, cors: str | None = None) -> None:
    """Serve until interrupted; prints the URL first so callers know it is up."""
    server = make_server(out_dir, host, port, timeout, limit, cors)
    print(f"SPARQL endpoint (read-only, {server.engine.name}) at http://{host}:{server.server_port}/sparql",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.pool.shutdown(wait=False, cancel_futures=True)


def negotiate(accept: str | None, kind: str) -> str:
    """The format to answer with, from an Accept header and the result kind.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "select")
    'xml'
    >>> negotiate("text/html,*/*;q=0.8", "graph"), negotiate(None, "select")
    ('html', 'json')
    """
    allowed = _GRAPH_FORMATS if kind == "graph" else _SELECT_FORMATS
    best, best_q = None, 0.0
    for position, part in enumerate((accept or "*/*").split(",")):
        media, *params = [x.strip() for x in part.split(";")]
        q = next((_float(p[2:]) for p in params if p.startswith("q=")), 1.0)
        fmt = _ACCEPT.get(media.lower())
        if fmt in allowed and q > best_q:
            best, best_q = fmt, q
    return best or allowed[0]


class SparqlHandler(BaseHTTPRequestHandler):
    server_version = "ankg-sparql/1"

    def do_GET(self):
        url = urlsplit(self.path)
        fields = parse_qs(url.query, keep_blank_values=True)
        if url.path == "/":
            return self._send(200, self._page(), MEDIA_TYPES["html"])
        if url.path == "/graph.html":
            return self._graph_html()
        if url.path in ("/sparql", "/query"):
            return self._sparql(fields, None)
        if url.path.startswith("/named/"):
            return self._named(url.path[len("/named/"):], fields)
        self._error(404, f"no such page {url.path!r}; the endpoint is /sparql")

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path not in ("/sparql", "/query"):
            return self._error(404, f"no such endpoint {url.path!r}; POST to /sparql")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(413, f"request body over {MAX_BODY} bytes")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        fields = parse_qs(url.query, keep_blank_values=True)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            return self._error(403, "the graph is read-only: SPARQL Update is not allowed")
        if media == "application/sparql-query":
            return self._sparql(fields, body)
        if media == "application/x-www-form-urlencoded":
            return self._sparql({**fields, **parse_qs(body, keep_blank_values=True)}, None)
        self._error(415, "send application/sparql-query or application/x-www-form-urlencoded")

    def do_OPTIONS(self):
        self.send_response(204 if self.server.cors else 405)
        self._cors_headers()
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _sparql(self, fields: dict, body: str | None):
        if "update" in fields:
            return self._error(403, "the graph is read-only: SPARQL Update is not allowed")
        query = body if body is not None else (fields.get("query") or [""])[0]
        if not query.strip():
            return self._error(400, "missing query: send ?query=… or a POST body")
        self._answer(query, (fields.get("format") or [None])[0])

    def _named(self, name: str, fields: dict):
        if name not in self.server.named:
            return self._error(404, f"no named query {name!r}; choose from {', '.join(sorted(self.server.named))}")
        params = {k: v[0] for k, v in fields.items() if k != "format"}
        try:
            query = bind_parameters(self.server.named[name], params,
                                    resolve=lambda value: lookup_entities(value, self.server.engine))
        except QueryError as error:
            return self._error(400, str(error))
        self._answer(query, (fields.get("format") or [None])[0])

    def _answer(self, query: str, fmt: str | None):
        try:
            check_read_only(query)
        except UpdateRefused as error:
            return self._error(403, str(error))
        srv = self.server
        future = srv.pool.submit(run_query, query, srv.out_dir, srv.limit, srv.timeout_s, srv.engine)
        try:
            result = future.result(timeout=srv.timeout_s)
        except FutureTimeout:
            return self._error(503, f"query timed out after {srv.timeout_s:g} s (server --timeout)")
        except QueryError as error:
            return self._error(503 if "timed out" in str(error) else 400, str(error))
        fmt = fmt if fmt else negotiate(self.headers.get("Accept"), result.kind)
        try:
            text = format_result(result, fmt)
        except ValueError as error:
            return self._error(400, str(error))
        extra = {"X-Result-Truncated": "true"} if result.truncated else {}
        self._send(200, text, MEDIA_TYPES[fmt], extra)

    def _graph_html(self):
        path = self.server.out_dir / "graph.html"
        if not path.is_file():
            return self._error(404, f"{path.name} not found in the build output; run the build first")
        self._send(200, path.read_bytes(), MEDIA_TYPES["html"])

    def _page(self) -> str:
        sections = []
        for q in self.server.named.values():
            inputs = "".join(
                f'<label>{html.escape(p.name)} <input name="{html.escape(p.name)}" '
                f'value="{html.escape(p.default or "")}" dir="auto" title="{html.escape(p.description)}"></label>'
                for p in q.parameters)
            sections.append(
                f"<section><h3>{html.escape(q.name)}</h3><p>{html.escape(q.summary)}</p>"
                f'<form action="/named/{html.escape(q.name)}" method="get">{inputs}'
                f'<input type="hidden" name="format" value="html"><button type="submit">Run</button></form>'
                f"<details><summary>SPARQL</summary><pre>{html.escape(q.text)}</pre></details></section>")
        has_graph = (self.server.out_dir / "graph.html").is_file()
        return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
            engine=html.escape(self.server.engine.name), limit=self.server.limit,
            timeout=f"{self.server.timeout_s:g}", example=html.escape(_EXAMPLE), named="\n".join(sections),
            graph_link='<a href="/graph.html">Graph view</a>.' if has_graph else "")

    def _error(self, status: int, message: str):
        self._send(status, f"{HTTPStatus(status).phrase}: {message}\n", "text/plain; charset=utf-8")

    def _send(self, status: int, body: str | bytes, media: str, extra: dict | None = None):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self._cors_headers()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _cors_headers(self):
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.cors)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0
