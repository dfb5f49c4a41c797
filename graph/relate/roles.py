"""Roles: a person holding a post in an institution, from titles and appositions.

Two orders are read: "NAME، TITLE INSTITUTION" (name first, apposition) and
"TITLE INSTITUTION [honorifics] NAME" (title first). The institution is the
first institution mention inside the title phrase, else the first country
("سفير المغرب لدى الهند" → المغرب), else the state named by a relational
adjective ("وزير الشؤون الخارجية الهندي" → الهند). Honorifics (الشيخ،
الجنرال) are skipped and never become roles. A post with no name
("نائب رئيس مايكروسوفت شارك") gives no role: the graph holds named persons
only, and in events the institution stands for its unnamed officer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from graph.lexicon import read_lexicon
from graph.records import Document, Kind, Mention, Role
from graph.relate.context import (
    PUNCT, QUOTE_CLOSE, Sentence, is_institution, is_person, phrase_index, sentence_views, strip_to,
)
from graph.text import clitic_variants, normalize_text

__all__ = ["find_roles", "title_kind"]

_STOP = frozenset(normalize_text(w) for w in (
    "أن", "إن", "أنه", "إنه", "بأن", "الذي", "التي", "الذين", "على", "عن", "إلى", "مع", "حول", "خلال",
    "قال", "قالت", "أكد", "أكدت", "أن", "وأن", "إنها", "كما", "حيث", "بعد", "قبل"))
_TRAILING = frozenset(normalize_text(w) for w in (
    "في", "لدى", "ب", "ل", "و", "دولة", "بدولة", "لدولة", "التابع", "التابعة", "من", "عن",
    "تنظيم", "بتنظيم", "لتنظيم", "جماعة", "لجماعة", "حركة", "لحركة", "شركة", "لشركة"))
_MAX_PHRASE = 12


@dataclass(frozen=True)
class _Title:
    start: int  # token index
    end: int
    chained: bool = False
    conjoined: bool = False  # "ونائب": a conjunction joins it to what came before


def find_roles(document: Document, mentions: Sequence[Mention], views: Sequence[Sentence] | None = None) -> list[Role]:
    """Roles stated in the document, one per (sentence, person, title, institution).

    >>> from graph.records import Article
    >>> from graph.text import analyze_text
    >>> text = "قال بيل جيتس، مؤسس مايكروسوفت، إن"
    >>> doc = analyze_text(Article(id="t", text=text))
    >>> def m(s, k): i = text.index(s); return Mention("t", i, i + len(s), s, k, 0)
    >>> [(r.person.surface, r.title, r.organization.surface)
    ...  for r in find_roles(doc, [m("بيل جيتس", Kind.PERSON), m("مايكروسوفت", Kind.COMPANY)])]
    [('بيل جيتس', 'مؤسس', 'مايكروسوفت')]
    """
    countries = [m for m in mentions if m.kind is Kind.COUNTRY]
    roles: set[Role] = set()
    for view in sentence_views(document, mentions) if views is None else views:
        titles, honorifics = _titles(view)
        used: set[int] = set()
        for i, mention in sorted(view.mention_starts().items()):
            if is_person(mention):
                roles.update(_name_first(document, view, i, titles, honorifics, countries, used))
        for i, mention in sorted(view.mention_starts().items()):
            if is_person(mention):
                roles.update(_title_first(document, view, i, titles, honorifics, countries, used))
    return sorted(roles)


def title_kind(word: str) -> str:
    """``post`` or ``honorific`` for a lexicon title, ``""`` otherwise.

    >>> title_kind("الشيخ"), title_kind("وزير"), title_kind("مجلة")
    ('honorific', 'post', '')
    """
    return _kinds().get(normalize_text(word), "")


@lru_cache(maxsize=1)
def _kinds() -> dict[str, str]:
    return {normalize_text(row["title_ar"]): row["kind"] for row in read_lexicon("titles")}


def _titles(view: Sentence) -> tuple[dict[int, _Title], set[int]]:
    """Post titles by start token (lam-genitive chains joined) and honorific tokens."""
    index = phrase_index("titles", "title_ar")
    titles: dict[int, _Title] = {}
    honorifics: set[int] = set()
    after, previous = 0, None
    openings = index.openings(view)
    next_covered = _next_covered(view) if openings else []
    for i in openings:
        hit = index.match(view, i, next_covered[i]) if i >= after and view.covering[i] is None else None
        if hit is None:
            continue
        end, row, stripped = hit
        if row["kind"] == "honorific":
            honorifics.update(range(i, end))
        elif previous is not None and previous.end == i and stripped and view.tokens[i].proclitics.endswith("ل"):
            titles[previous.start] = previous = _Title(previous.start, end, True, previous.conjoined)
        else:
            titles[i] = previous = _Title(i, end, conjoined=stripped and view.norm(i)[:1] in "وف")
        after = end
    return titles, honorifics


def _next_covered(view: Sentence) -> list[int]:
    """For each token, the index of the first token at or after it inside a mention."""
    out, nxt = [0] * (len(view.tokens) + 1), len(view.tokens)
    out[-1] = nxt
    for k in range(len(view.tokens) - 1, -1, -1):
        nxt = k if view.covering[k] is not None else nxt
        out[k] = nxt
    return out


def _name_first(document, view, i, titles, honorifics, countries, used):
    person = view.covering[i]
    k = view.mention_end(i)
    k += view.norm(k) in ("،", ",")
    first = True
    while k in titles and first != titles[k].conjoined:
        title = titles[k]
        end = _phrase_end(view, title.end, titles, stop_at_honorific=True)
        after = end + (view.norm(end) in ("،", ","))
        if after < len(view.tokens) and is_person(view.covering[after]):
            return  # "X، وزير Y، Z": the title introduces the next name
        role = _role(document, view, person, title.start, end, countries)
        if role:
            used.add(title.start)
            yield role
        k = end + (view.norm(end) in ("،", ","))
        first = False


def _title_first(document, view, i, titles, honorifics, countries, used):
    person = view.covering[i]
    commas = 0
    for start in range(i - 1, max(-1, i - _MAX_PHRASE - 1), -1):
        norm = view.norm(start)
        mention = view.covering[start]
        if is_person(mention) or norm in _STOP or (norm in PUNCT and norm not in ("،", ",")):
            return
        commas += norm in ("،", ",")
        if commas > 1:
            return
        if start in titles and start not in used:
            end = i
            while end - 1 > start and (end - 1 in honorifics or view.norm(end - 1) in PUNCT | QUOTE_CLOSE):
                end -= 1
            role = _role(document, view, person, start, end, countries)
            if role:
                used.add(start)
                yield role
            return


def _phrase_end(view: Sentence, k: int, titles, stop_at_honorific: bool) -> int:
    """End of a title phrase: before punctuation, a person, a clause word or another title."""
    limit = min(len(view.tokens), k + _MAX_PHRASE)
    while k < limit:
        norm = view.norm(k)
        if norm in PUNCT or norm in _STOP or is_person(view.covering[k]) or k in titles:
            break
        k += 1
    return k


def _role(document, view, person, start, end, countries) -> Role | None:
    org_at, org = _organization(view, start, end)
    if org is not None:
        title = _clean(view, start, org_at)
        if normalize_text(title) in _kinds():
            title = _with_complement(view, title, view.mention_end(org_at), end)
    else:
        nisba, org = _nisba(view, start, end, countries, person)
        title = _clean(view, start, end, skip={nisba})
    if not title or _kinds().get(normalize_text(title.split()[0]), "post") == "honorific":
        return None
    return Role(document.article.id, view.index, person, title, org)


def _organization(view: Sentence, start: int, end: int) -> tuple[int, Mention | None]:
    starts = [(k, m) for k, m in view.mention_starts().items() if start < k < end]
    for wanted in (is_institution, lambda m: m.kind is Kind.COUNTRY):
        for k, mention in sorted(starts):
            if wanted(mention):
                return k, mention
    return end, None


def _nisba(view, start, end, countries, person):
    table = _nisba_table()
    for k in range(start, end):
        names = table.get(view.norm(k))
        if names:
            candidates = [c for c in countries if _surface_key(c.surface) in names]
            best = min(candidates, key=lambda c: (abs(c.start - person.start), c.start), default=None)
            return k, best
    return None, None


@lru_cache(maxsize=1)
def _nisba_table() -> dict[str, frozenset[str]]:
    return {
        normalize_text(row["nisba_ar"]): frozenset(normalize_text(n) for n in row["country_ar"].split("|"))
        for row in read_lexicon("nisba")
    }


def _surface_key(surface: str) -> str:
    norm = normalize_text(surface)
    words = norm.split()
    if not words:
        return norm
    first = clitic_variants(words[0])
    restored = next((v for v in first if v.startswith("ال")), first[-1] if len(first) > 1 else words[0])
    return " ".join([restored if not words[0].startswith("ال") else words[0]] + words[1:])


def _clean(view: Sentence, start: int, end: int, skip=frozenset()) -> str:
    """Tokens ``start..end`` as written, without trailing function words or marks."""
    keep = [k for k in range(start, end) if k not in skip and view.norm(k) not in QUOTE_CLOSE | {"«", "“"}]
    while keep and (view.norm(keep[-1]) in _TRAILING | PUNCT or title_kind(view.tokens[keep[-1]].text) == "honorific"):
        keep.pop()
    return _join(view, keep)


def _with_complement(view: Sentence, title: str, k: int, end: int) -> str:
    """Append a lam complement after the institution: "مقرر (الأمم المتحدة) لحرية الرأي"."""
    if k >= end or not (view.tokens[k].proclitics.endswith("ل") or view.norm(k) == "لدي"):
        return title
    tail = []
    while k < end and not is_institution(view.covering[k]) and view.norm(k) not in PUNCT:
        tail.append(k)
        k += 1
    return f"{title} {_join(view, tail, strip_first=False)}".strip() if tail else title


def _join(view: Sentence, indices: list[int], strip_first: bool = True) -> str:
    """Tokens as printed; the first loses a conjunction or preposition (ورئيس → رئيس)."""
    out, last = [], None
    for k in indices:
        token = view.tokens[k]
        word = _without_proclitics(token) if last is None and strip_first else token.text
        out.append(word if last is None or last + 1 == k and _adjacent(view, last, k) else " " + word)
        last = k
    return "".join(out).strip()


def _without_proclitics(token) -> str:
    firsts = phrase_index("titles", "title_ar").first_words
    return strip_to(token, next((v for v in clitic_variants(token.norm) if v in firsts), token.norm))


def _adjacent(view: Sentence, a: int, b: int) -> bool:
    return view.tokens[a].end == view.tokens[b].start
