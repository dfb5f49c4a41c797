"""Benchmark: Oxigraph against rdflib on a ≥1M-triple graph that follows the RDF contract.

How the graph is generated (seeded, deterministic): ``--articles`` synthetic
articles (default 7,500), each with 5 sentences, 8 mentions, the
``schema:mentions`` of its entities and one event; one membership every
second article. Entities are 3,000 persons, 1,500 institutions (5 ankg
classes) and 500 places, with Arabic labels built from
``ontology/lexicons/given_names.tsv`` plus numbers, English labels and
alternative labels; mentions pick entities from a Zipf-like distribution so
that some actors are central. Every node follows the contract in the brief:
ankg class + schema base type, ankg:Mention with offsets/confidence/method,
events typed ankg:<Kind>, ankg:Event, schema:Event with schema:participant
materialised, org:Membership with an ankg:Role. The graph is written as
N-Triples (the build's ``graph.nt``).

Then, in one run: load time into an Oxigraph store (``graph.store.load_store``)
and into an rdflib ``Graph``; median latency of every named query in
``queries/`` on each engine. rdflib runs each query in a forked child that is
killed after ``--cap`` seconds (reported as "> cap"); the child shares the
loaded graph copy-on-write, so the cap costs nothing to enforce.

    python bench/bench_sparql.py                 # ~1.05M triples, about 10 minutes
    python bench/bench_sparql.py --articles 500  # quick check
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdflib import Graph  # noqa: E402

from graph.query import bind_parameters, load_named_queries, lookup_entities  # noqa: E402
from graph.store import RdflibEngine, load_store, open_engine  # noqa: E402

ID = "https://w3id.org/ankg/id/"
ANKG = "https://w3id.org/ankg/ont#"
SCHEMA = "https://schema.org/"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
XSD = "http://www.w3.org/2001/XMLSchema#"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
INSTITUTION_CLASSES = ("GovernmentBody", "IntergovernmentalOrganization", "ArmedGroup", "Company", "MediaOutlet")
EVENT_CLASSES = ("Meeting", "Conference", "Forum", "Statement", "Visit", "Attack", "Agreement")
PARTICIPANT_ROLES = ("organizer", "attendee", "speaker", "participant")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=7500)
    parser.add_argument("--cap", type=float, default=30.0, help="rdflib seconds per query before giving up")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query (median reported)")
    parser.add_argument("--dir", type=Path, default=None, help="work directory (default: a temporary one)")
    args = parser.parse_args(argv)
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-sparql-"))
    work.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    n_triples, probe = generate(work / "graph.nt", args.articles)
    print(f"generated {n_triples:,} triples ({args.articles:,} articles) in {time.perf_counter() - started:.1f} s"
          f" -> {work / 'graph.nt'}", flush=True)

    started = time.perf_counter()
    load_store(work)
    ox_load = time.perf_counter() - started
    print(f"oxigraph load: {ox_load:.1f} s", flush=True)
    started = time.perf_counter()
    g = Graph().parse(work / "graph.nt", format="nt")
    rd_load = time.perf_counter() - started
    print(f"rdflib load:   {rd_load:.1f} s ({len(g):,} triples)", flush=True)

    oxigraph, rdflib_engine = open_engine(work), RdflibEngine(g)
    rows = []
    for q in load_named_queries().values():
        params = {p.name: probe for p in q.parameters if p.kind == "entity"}
        text = bind_parameters(q, params, resolve=lambda value: lookup_entities(value, oxigraph))
        ox_times, ox_rows = time_oxigraph(oxigraph, text, args.runs)
        rd = time_rdflib(rdflib_engine, text, args.runs, args.cap)
        rows.append((q.name, ox_rows, statistics.median(ox_times), rd))
        print(f"  {q.name:20s} rows={ox_rows:<6d} oxigraph={statistics.median(ox_times) * 1000:9.1f} ms"
              f"  rdflib={_fmt(rd, args.cap)}", flush=True)

    print()
    print("| query | rows | Oxigraph median | rdflib median |")
    print("|---|---:|---:|---:|")
    print(f"| (load {n_triples:,} triples) | | {ox_load:.1f} s | {rd_load:.1f} s |")
    for name, count, ox_median, rd in rows:
        print(f"| {name} | {count} | {ox_median * 1000:.1f} ms | {_fmt(rd, args.cap)} |")
    print(f"\nentity parameters: {probe!r} (the most mentioned person), looked up once before timing; "
          f"rdflib cap {args.cap:g} s; "
          f"Oxigraph median of {args.runs} runs after one warm-up; rdflib median of up to {args.runs} runs")
    return 0


def time_oxigraph(engine, text: str, runs: int) -> tuple[list[float], int]:
    engine.run(text)  # warm the block cache once
    times, count = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        result = engine.run(text)
        times.append(time.perf_counter() - started)
        count = len(result.rows)
    return times, count


def time_rdflib(engine, text: str, runs: int, cap: float) -> float | None:
    """Median seconds over up to ``runs`` runs; None when one run exceeds ``cap``.

    Slow queries (over 5 s) are timed once: the spread is small next to the cost.
    """
    ctx = mp.get_context("fork")
    times = []
    for _ in range(runs):
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_rdflib_child, args=(engine, text, send))
        child.start()
        send.close()
        if not receive.poll(cap):
            child.kill()
            child.join()
            return None
        times.append(receive.recv())
        child.join()
        if times[-1] > 5:
            break
    return statistics.median(times)


def _rdflib_child(engine, text, send) -> None:
    started = time.perf_counter()
    engine.run(text)
    send.send(time.perf_counter() - started)
    send.close()


def _fmt(seconds: float | None, cap: float) -> str:
    if seconds is None:
        return f"> {cap:g} s"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# ---------------------------------------------------------------- generator

def generate(path: Path, n_articles: int, seed: int = 20261124) -> tuple[int, str]:
    """Write a contract-shaped graph as N-Triples; return (triples, a probe name)."""
    rng = random.Random(seed)
    given = _given_names()
    people = [f"person-{i}" for i in range(3000)]
    institutions = [f"org-{i}" for i in range(1500)]
    places = [f"place-{i}" for i in range(500)]
    actors = people + institutions
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(actors))]
    rng.shuffle(weights)
    labels = {}
    count = 0
    with path.open("w", encoding="utf-8") as out:
        def emit(s, p, o):
            nonlocal count
            out.write(f"{s} {p} {o} .\n")
            count += 1

        for i, key in enumerate(people):
            labels[key] = f"{given[i % len(given)]} {given[(i * 7 + 3) % len(given)]} {i}"
            _entity(emit, key, "Person", "Person", labels[key], f"Person {i}", rng)
        for i, key in enumerate(institutions):
            labels[key] = f"هيئة {given[i % len(given)]} {i}"
            _entity(emit, key, INSTITUTION_CLASSES[i % 5], "Organization", labels[key], f"Body {i}", rng)
        for i, key in enumerate(places):
            _entity(emit, key, ("Country", "City", "Region")[i % 3], "Place", f"مدينة {i}", f"Place {i}", rng)
        for r in range(50):
            emit(_iri(f"role/r{r}"), RDF_TYPE, f"<{ANKG}Role>")
            emit(_iri(f"role/r{r}"), LABEL, _lit(f"منصب رقم {r}", lang="ar"))
        for a in range(n_articles):
            _article(emit, a, rng, actors, weights, places, labels)
    top_person = max((w, a) for w, a in zip(weights, actors) if a.startswith("person"))[1]
    return count, labels[top_person]


def _entity(emit, key, cls, base, ar, en, rng):
    s = _iri(key)
    emit(s, RDF_TYPE, f"<{ANKG}{cls}>")
    emit(s, RDF_TYPE, f"<{SCHEMA}{base}>")
    emit(s, LABEL, _lit(ar, lang="ar"))
    emit(s, LABEL, _lit(en, lang="en"))
    emit(s, ALT, _lit(ar.split()[0] + " " + ar.split()[-1], lang="ar"))
    if rng.random() < 0.3:
        emit(s, "<http://www.w3.org/2002/07/owl#sameAs>", f"<http://www.wikidata.org/entity/Q{rng.randrange(1, 10**7)}>")


def _article(emit, a, rng, actors, weights, places, labels):
    art = _iri(f"article/a{a}")
    day = f"20{10 + a % 15:02d}-{1 + a % 12:02d}-{1 + a % 28:02d}"
    emit(art, RDF_TYPE, f"<{ANKG}Article>")
    emit(art, RDF_TYPE, f"<{SCHEMA}NewsArticle>")
    emit(art, f"<{SCHEMA}identifier>", _lit(f"a{a}"))
    emit(art, f"<{SCHEMA}headline>", _lit(f"عنوان الخبر رقم {a}"))
    emit(art, f"<{SCHEMA}datePublished>", _lit(day, datatype=XSD + "date"))
    emit(art, f"<{SCHEMA}author>", _lit(f"محرر {a % 40}"))
    emit(art, f"<{ANKG}outlet>", _lit(f"وكالة {a % 12}"))
    emit(art, f"<{ANKG}dateline>", _iri(rng.choice(places)))
    chosen = rng.choices(actors, weights, k=8)
    sentences = []
    for k in range(5):
        sent = _iri(f"sentence/a{a}-{k}")
        sentences.append(sent)
        emit(sent, RDF_TYPE, f"<{ANKG}Sentence>")
        emit(sent, f"<{SCHEMA}isPartOf>", art)
        emit(sent, f"<{ANKG}sentenceIndex>", _lit(str(k), datatype=XSD + "integer"))
        emit(sent, f"<{SCHEMA}text>", _lit(f"جملة {k} من الخبر {a} تذكر {labels[chosen[k]]} و{labels[chosen[k + 3]]}."))
    for m, entity in enumerate(chosen):
        mention = _iri(f"mention/a{a}-{m}")
        start = 10 * m
        emit(mention, RDF_TYPE, f"<{ANKG}Mention>")
        emit(mention, f"<{ANKG}inArticle>", art)
        emit(mention, f"<{ANKG}inSentence>", sentences[m % 5])
        emit(mention, f"<{ANKG}denotes>", _iri(entity))
        emit(mention, f"<{ANKG}surfaceForm>", _lit(labels[entity]))
        emit(mention, f"<{ANKG}startOffset>", _lit(str(start), datatype=XSD + "integer"))
        emit(mention, f"<{ANKG}endOffset>", _lit(str(start + 8), datatype=XSD + "integer"))
        emit(mention, f"<{ANKG}confidence>", _lit("0.9", datatype=XSD + "decimal"))
        emit(mention, f"<{ANKG}method>", _lit(("gazetteer", "pattern", "crf")[m % 3]))
        emit(mention, f"<{ANKG}resolution>", _lit(f"gazetteer:{entity}"))
    for entity in sorted(set(chosen)):
        emit(art, f"<{SCHEMA}mentions>", _iri(entity))
    _event(emit, a, art, day, rng, sorted(set(chosen))[:4], places)
    if a % 2 == 0:
        _membership(emit, a, art, day, rng, chosen)


def _event(emit, a, art, day, rng, participants, places):
    ev = _iri(f"event/a{a}")
    kind = EVENT_CLASSES[a % len(EVENT_CLASSES)]
    for cls in (f"<{ANKG}{kind}>", f"<{ANKG}Event>", f"<{SCHEMA}Event>"):
        emit(ev, RDF_TYPE, cls)
    emit(ev, LABEL, _lit(f"حدث {a}", lang="ar"))
    emit(ev, f"<{SCHEMA}startDate>", _lit(day, datatype=XSD + "date"))
    emit(ev, f"<{ANKG}dateCertainty>", _lit("stated"))
    emit(ev, f"<{SCHEMA}location>", _iri(rng.choice(places)))
    for k, who in enumerate(participants):
        emit(ev, f"<{ANKG}{PARTICIPANT_ROLES[k % 4]}>", _iri(who))
        emit(ev, f"<{SCHEMA}participant>", _iri(who))
    emit(ev, f"<{PROV}wasDerivedFrom>", art)


def _membership(emit, a, art, day, rng, chosen):
    person = next((c for c in chosen if c.startswith("person")), None)
    org = next((c for c in chosen if c.startswith("org")), None)
    if not (person and org):
        return
    m = _iri(f"membership/a{a}")
    emit(m, RDF_TYPE, f"<{ORG}Membership>")
    emit(m, f"<{ORG}member>", _iri(person))
    emit(m, f"<{ORG}organization>", _iri(org))
    emit(m, f"<{ORG}role>", _iri(f"role/r{rng.randrange(50)}"))
    emit(m, f"<{ANKG}attestedOn>", _lit(day, datatype=XSD + "date"))
    emit(m, f"<{PROV}wasDerivedFrom>", art)


def _given_names() -> list[str]:
    lines = (ROOT / "ontology" / "lexicons" / "given_names.tsv").read_text(encoding="utf-8").splitlines()
    names = [line.split("\t")[0] for line in lines if line and not line.startswith("#")][1:]
    return [n for n in names if any("\u0600" <= c <= "\u06ff" for c in n)]


def _iri(local: str) -> str:
    return f"<{ID}{local}>"


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    if lang:
        return f'"{escaped}"@{lang}'
    return f'"{escaped}"^^<{datatype}>' if datatype else f'"{escaped}"'


if __name__ == "__main__":
    sys.exit(main())
