"""Entity resolution within and across articles, and linking to the gazetteer.

Known names resolve to their gazetteer entry (and so to Wikidata). Other
names cluster by kind group: persons by exact normalised name, by middle
names (same first and last word, one name's words inside the other's), or
by a close spelling (rapidfuzz) with the same last word; institutions by
normalised name *and* the state that qualifies them, so the foreign
ministries of two states stay two nodes. A lone name nobody introduced
stays within its article. Every decision is kept as evidence on the
mention; generic heads ("التنظيم") denote but never become names.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from graph.gazetteer import Gazetteer, load_gazetteer, phrase_key
from graph.lexicon import lexicon_map
from graph.records import MENTION_ORDER, Entity, Extraction, Kind, Mention, Resolution

__all__ = ["resolve_entities", "denote_mentions", "entities_of", "mentions_by_entity", "name_entities", "name_key",
           "same_person"]

FUZZY_PERSON = 88.0
_CDIST_CELLS = 1 << 24  # scores per cdist block: 64 MB of float32


def resolve_entities(extractions: Sequence[Extraction], gazetteer: Gazetteer | None = None,
                     threads: int = 1) -> Resolution:
    """One entity per real actor, institution or place, with evidence per mention.

    ``threads`` is how many threads rapidfuzz may score close spellings on; the result does not depend on it.
    """
    gazetteer = gazetteer or load_gazetteer()
    denotes, evidence = denote_mentions(extractions, gazetteer, threads)
    return Resolution(entities=entities_of(denotes, gazetteer), denotes=denotes, evidence=evidence)


def denote_mentions(extractions: Sequence[Extraction], gazetteer: Gazetteer,
                    threads: int = 1) -> tuple[dict[Mention, str], dict[Mention, str]]:
    """Which entity id each mention denotes, and why (the first half of :func:`resolve_entities`)."""
    mentions = sorted((m for x in extractions for m in x.mentions), key=MENTION_ORDER)
    denotes, evidence, unknown = {}, {}, []
    for mention in mentions:
        if mention.key and mention.key in gazetteer:
            denotes[mention] = mention.key
            evidence[mention] = _keyed_evidence(mention)
        else:
            unknown.append(mention)
    persons = [m for m in unknown if m.kind is Kind.PERSON]
    _cluster_persons(persons, gazetteer, denotes, evidence, threads)
    for mention in unknown:
        if mention.kind is Kind.PERSON:
            continue
        known = _qualified_entry(mention, gazetteer)
        if known:
            denotes[mention], evidence[mention] = known, f"gazetteer body of {mention.qualifier} named by prefix"
        else:
            denotes[mention] = _named_id(mention.kind, name_key(mention.surface), mention.qualifier)
            evidence[mention] = "exact normalised name" + (f" of {mention.qualifier}" if mention.qualifier else "")
    return denotes, evidence


def _keyed_evidence(mention: Mention) -> str:
    if mention.method == "gazetteer":
        return "gazetteer alias"
    if mention.kind is Kind.PERSON:
        return "surname of a known person named earlier in the article"
    return "generic head referring back to a known name"


@lru_cache(maxsize=1 << 16)
def name_key(surface: str) -> str:
    """Normalised name used to compare mentions.

    >>> name_key("فلاديمير  فورونكوف")
    'فلاديمير فورونكوف'
    """
    return phrase_key(surface)


def same_person(a: str, b: str) -> str | None:
    """Why two normalised person names are the same person, or None.

    >>> same_person("فلاديمير فورونكوف", "فلاديمير ايفانوفيتش فورونكوف")
    'middle name'
    >>> same_person("فلاديمي فورونكوف", "فلاديمير فورونكوف")
    'spelling variant (fuzzy 97)'
    >>> same_person("محمد مالكي", "محمد بن سلمان") is None
    True
    """
    if a == b:
        return "exact normalised name"
    wa, wb = a.split(), b.split()
    if len(wa) < 2 or len(wb) < 2:
        return None
    short, long_ = sorted((wa, wb), key=len)
    if short[0] == long_[0] and short[-1] == long_[-1] and set(short) <= set(long_):
        return "middle name"
    score = fuzz.ratio(a, b)
    if score >= FUZZY_PERSON and fuzz.ratio(wa[-1], wb[-1]) >= FUZZY_PERSON and fuzz.ratio(wa[0], wb[0]) >= 75:
        return f"spelling variant (fuzzy {score:.0f})"
    return None


def _qualified_entry(mention: Mention, gazetteer: Gazetteer) -> str | None:
    """The gazetteer body of the mention's state whose name starts like the mention.

    "وزارة الخارجية" of the UAE is "وزارة الخارجية والتعاون الدولي"; the
    state's adjective (الكويتية) is not part of the comparison.
    """
    if not mention.qualifier:
        return None
    words = name_key(mention.surface).split()
    nisba = lexicon_map("nisba", "adjective", "country")
    key = " ".join(w for w in words if nisba.get(w) != mention.qualifier)
    matches = sorted(e.id for e in gazetteer.entries.values()
                     if e.country == mention.qualifier and e.kind.group == "institution"
                     and any(phrase_key(n) == key or phrase_key(n).startswith(key + " ") for n in e.names))
    return matches[0] if len(matches) == 1 else None


def _cluster_persons(persons, gazetteer, denotes, evidence, threads: int = 1) -> None:
    """Full names first (longest first), then surnames within their article."""
    full = sorted((m for m in persons if len(name_key(m.surface).split()) >= 2),
                  key=lambda m: (-len(name_key(m.surface)), MENTION_ORDER(m)))
    keys = list(dict.fromkeys(name_key(m.surface) for m in full))
    listed = [(name_key(name), entry.id) for entry in gazetteer.entries.values() if entry.kind is Kind.PERSON
              for name in entry.names]
    known = _PersonIndex(close_names(keys, list(dict.fromkeys(name for name, _ in listed)), threads))
    for name, owner in listed:
        known.add(name, owner)
    seen = _PersonIndex(close_names(keys, threads=threads))
    for mention in full:
        key = name_key(mention.surface)
        target, why = known.find(key)
        why = why and f"gazetteer person, {why}"
        if target is None:
            target, why = seen.find(key)
        if target is None:
            target, why = _named_id(Kind.PERSON, key), "first full mention"
        seen.add(key, target)
        denotes[mention], evidence[mention] = target, why
    by_article = defaultdict(list)  # full names, known ones included: "آلن" after "جون آلن"
    for mention in sorted((m for m in denotes if m.kind is Kind.PERSON and len(name_key(m.surface).split()) >= 2),
                          key=MENTION_ORDER):
        by_article[mention.article_id].append(mention)
    for mention in persons:
        if mention not in denotes:
            denotes[mention], evidence[mention] = _surname_target(mention, by_article[mention.article_id], denotes)


def close_names(queries: Sequence[str], choices: Sequence[str] | None = None,
                threads: int = 1) -> dict[str, list[str]]:
    """For each query, the choices whose ``fuzz.ratio`` to it is at least ``FUZZY_PERSON``.

    Without ``choices``, each query is compared with the queries up to and
    including it: names are looked up among the names added before them.
    Every pair is scored, but by rapidfuzz's ``cdist`` in blocks (on
    ``threads`` threads), in C++ from end to end: asking ``process.extract``
    once per name took 2-5 times as long per pair at 2,000-32,000 names
    (``bench/bench_resolve.py``), and a corpus with many distinct person
    names asks for every pair.

    >>> close_names(["عبد الله بن زايد", "جون الن"], ["عبدالله بن زايد", "جون ألن", "باراك اوباما"])
    {'عبد الله بن زايد': ['عبدالله بن زايد']}
    >>> close_names(["عبدالله بن زايد", "جون الن", "عبد الله بن زايد"])["عبد الله بن زايد"]
    ['عبدالله بن زايد', 'عبد الله بن زايد']
    """
    close: dict[str, list[str]] = {}
    pool = queries if choices is None else choices
    if not queries or not pool:
        return close
    step = max(1, _CDIST_CELLS // len(pool))
    for start in range(0, len(queries), step):
        block = queries[start:start + step]
        among = pool if choices is not None else pool[:start + len(block)]
        scores = process.cdist(block, among, scorer=fuzz.ratio, score_cutoff=FUZZY_PERSON, dtype=np.float32,
                               workers=threads)
        rows, columns = np.nonzero(scores)
        for row, column in zip(rows.tolist(), columns.tolist()):
            if choices is not None or column <= start + row:
                close.setdefault(block[row], []).append(among[column])
    return close


class _PersonIndex:
    """Person names seen so far, each with the entity it denotes.

    :func:`same_person` holds only for names with the same first and last
    word or a fuzzy ratio of at least ``FUZZY_PERSON``, so candidates come
    from a dictionary and from the close names found beforehand for every
    name that will be asked about (:func:`close_names`), not from comparing
    pairs in Python.
    """

    def __init__(self, close: dict[str, list[str]]):
        self.names: list[str] = []
        self.owners: list[str] = []
        self._close = close
        self._by_ends: dict[tuple[str, str], list[int]] = defaultdict(list)
        self._by_name: dict[str, list[int]] = defaultdict(list)
        self._added: set[tuple[str, str]] = set()
        self._found: dict[str, tuple[str | None, str]] = {}

    def add(self, key: str, owner: str) -> None:
        if (key, owner) in self._added:
            return
        self._added.add((key, owner))
        self._by_ends[_ends(key)].append(len(self.names))
        self._by_name[key].append(len(self.names))
        self.names.append(key)
        self.owners.append(owner)
        self._found.pop(key, None)

    def find(self, key: str) -> tuple[str | None, str]:
        """The owner of the earliest added name that is the same person, and why."""
        if key not in self._found:
            close = (i for name in self._close.get(key, ()) for i in self._by_name.get(name, ()))
            candidates = sorted({*self._by_ends.get(_ends(key), ()), *close})
            self._found[key] = next(((self.owners[i], why) for i in candidates
                                     if (why := same_person(key, self.names[i]))), (None, ""))
        return self._found[key]


def _ends(key: str) -> tuple[str, str]:
    words = key.split() or [""]
    return words[0], words[-1]


def _surname_target(mention, full, denotes) -> tuple[str, str]:
    """A one-word person mention joins the full name it ends, earlier in its article."""
    word = name_key(mention.surface)
    same_article = [m for m in full if m.article_id == mention.article_id and m.start < mention.start]
    for candidate in sorted(same_article, key=lambda m: -m.start):
        if name_key(candidate.surface).split()[-1] == word:
            return denotes[candidate], f"surname of {candidate.surface}"
    # a lone name nobody introduced ("محمد") is kept to its article: two articles'
    # unexplained "محمد" are not shown to be one person
    return _named_id(Kind.PERSON, word, f"article:{mention.article_id}"), "single name, unresolved in its article"


def _named_id(kind: Kind, key: str, qualifier: str | None = None) -> str:
    digest = hashlib.sha1(f"{kind.group}|{key}|{qualifier or ''}".encode()).hexdigest()[:12]
    return f"{kind.group}-{digest}"


def _names(mentions: list[Mention], entry) -> Counter:
    """The surface forms that are names of the entity, as names: a generic head pointing
    back ("التنظيم"، "المملكة") is a mention but no name, and a preposition glued to the
    name is dropped when what is left is a known name ("للأمم المتحدة" → "الأمم المتحدة")."""
    named = [m for m in mentions if not (m.key and m.method != "gazetteer" and m.kind is not Kind.PERSON)]
    written = [" ".join(m.surface.split()) for m in named or mentions]
    known = {phrase_key(n) for n in (entry.names if entry is not None else ())} | {phrase_key(w) for w in written}
    return Counter(_unglued(w, known) for w in written)


def _unglued(surface: str, known: set[str]) -> str:
    first, _, rest = surface.partition(" ")
    if first.startswith("لل") and len(first) > 3:
        bare = "ال" + first[2:]
    elif first[:3] in ("بال", "وال", "فال", "كال"):
        bare = first[1:]
    else:
        return surface
    candidate = f"{bare} {rest}".strip()
    return candidate if phrase_key(candidate) in known else surface


def _orthographic(surface: str) -> int:
    """Letters careful spelling keeps and hasty typing drops (أ إ آ ة ي ئ ؤ): between
    "اسامه الراشدى" and "أسامة الراشدي" the second is the label."""
    return sum(surface.count(ch) for ch in "أإآةيئؤ")


def entities_of(denotes: Mapping[Mention, str], gazetteer: Gazetteer) -> tuple[Entity, ...]:
    """The entities the mentions denote, named by their mentions (sorted)."""
    return name_entities(mentions_by_entity(denotes), gazetteer)


def mentions_by_entity(denotes: Mapping[Mention, str]) -> dict[str, list[Mention]]:
    """Each entity id's mentions, in the order of ``denotes``."""
    by_id: dict[str, list[Mention]] = defaultdict(list)
    for mention, entity_id in denotes.items():
        by_id[entity_id].append(mention)
    return by_id


def name_entities(by_id: Mapping[str, list[Mention]], gazetteer: Gazetteer,
                  ids: Sequence[str] | None = None) -> tuple[Entity, ...]:
    """The entities of ``ids`` (all of ``by_id`` by default) named by their mentions, sorted: each
    entity on its own, so that parts of the ids may be named apart."""
    ids = by_id if ids is None else ids
    return tuple(sorted(_entity(entity_id, by_id[entity_id], gazetteer) for entity_id in ids))


def _entity(entity_id: str, mentions: list[Mention], gazetteer: Gazetteer) -> Entity:
    entry = gazetteer[entity_id] if entity_id in gazetteer else None
    surfaces = _names(mentions, entry)
    if entry is not None:
        aliases = tuple(sorted(s for s in surfaces if s != entry.label_ar))
        return Entity(entity_id, entry.kind, entry.label_ar, entry.label_en, entry.qid, aliases, entry.country or None)
    label = max(surfaces, key=lambda s: (len(s.split()) > 1, surfaces[s], len(s), _orthographic(s), s))
    kinds = Counter(m.kind for m in mentions)
    kind = max(kinds, key=lambda k: (kinds[k], k is not Kind.INSTITUTION and k is not Kind.PLACE, k.value))
    qualifier = next((m.qualifier for m in mentions if m.qualifier), None)
    return Entity(entity_id, kind, label, "", "", tuple(sorted(s for s in surfaces if s != label)), qualifier)
