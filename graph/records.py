"""Frozen records: the contracts between pipeline stages.

Data flows one way: ``str → Article → Document → Mention → Role/Event →
Entity → rdflib graph``. Every record is frozen, hashable and sortable so
that output order never depends on run order.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

__all__ = [
    "Kind", "EventKind", "ParticipantRole",
    "Article", "Skipped", "Token", "Sentence", "Document",
    "Mention", "MENTION_ORDER", "DateValue", "Participation", "Role", "Event",
    "Extraction", "Entity", "EventNode", "RoleNode", "Resolution",
]


class Kind(StrEnum):
    """Entity kinds; the value is the ontology class local name (ankg:...)."""

    PERSON = "Person"
    INSTITUTION = "Institution"
    GOVERNMENT_BODY = "GovernmentBody"
    INTERGOVERNMENTAL = "IntergovernmentalOrganization"
    ARMED_GROUP = "ArmedGroup"
    COMPANY = "Company"
    MEDIA = "MediaOutlet"
    PLACE = "Place"
    COUNTRY = "Country"
    CITY = "City"
    REGION = "Region"

    @property
    def coarse(self) -> str:
        """CoNLL-style coarse type: PERS, ORG or LOC."""
        if self is Kind.PERSON:
            return "PERS"
        if self in (Kind.PLACE, Kind.COUNTRY, Kind.CITY, Kind.REGION):
            return "LOC"
        return "ORG"

    @property
    def group(self) -> str:
        """Schema.org base type group: person, institution or place."""
        return {"PERS": "person", "ORG": "institution", "LOC": "place"}[self.coarse]


class EventKind(StrEnum):
    """Event kinds; the value is the ontology class local name."""

    MEETING = "Meeting"
    CONFERENCE = "Conference"
    FORUM = "Forum"
    STATEMENT = "Statement"
    VISIT = "Visit"
    ATTACK = "Attack"
    AGREEMENT = "Agreement"


class ParticipantRole(StrEnum):
    """How an entity takes part in an event; value is the property local name."""

    PARTICIPANT = "participant"
    ORGANIZER = "organizer"
    ATTENDEE = "attendee"
    SPEAKER = "speaker"
    PERPETRATOR = "perpetrator"
    TARGET = "target"


@dataclass(frozen=True, order=True)
class Article:
    """One news article after ingest: clean body text plus metadata.

    ``text`` is the article with page chrome removed; every offset used
    downstream refers to it (a compacted extraction keeps its sentences' text, not this).
    """

    id: str
    text: str
    title: str = ""
    url: str = ""
    published: dt.date | None = None
    outlet: str = ""
    byline: str = ""
    dateline: str = ""
    source: str = ""


@dataclass(frozen=True, order=True)
class Skipped:
    """A source the build could not use, and why (shown in the summary)."""

    source: str
    reason: str


class Token(NamedTuple):
    """A token with offsets into ``Article.text``.

    ``norm`` is the normalised form (for matching only); ``stem`` is ``norm``
    without proclitics; ``proclitics`` is what was stripped (e.g. ``"وب"``).
    A named tuple, compared and hashed as its fields are: every word of every
    article is a token, and :func:`graph.text.analyze_text` makes a sentence's
    tokens in C from columns of their fields (``tuple.__new__``), where a
    slotted dataclass took a Python ``__init__`` call each.
    """

    start: int
    end: int
    text: str
    norm: str
    stem: str
    proclitics: str
    sentence: int


_SENTENCE, _NORM = attrgetter("sentence"), attrgetter("norm")


@dataclass(frozen=True, order=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    """An article with its sentences and tokens (output of the text stage)."""

    article: Article
    sentences: tuple[Sentence, ...]
    tokens: tuple[Token, ...]

    def sentence_tokens(self, index: int) -> tuple[Token, ...]:
        """Tokens of sentence ``index`` (tokens are in sentence order)."""
        return self.tokens[self._sentence_span(index)]

    def sentence_norms(self, index: int) -> tuple[str, ...]:
        """:attr:`norms` of sentence ``index``."""
        return self.norms[self._sentence_span(index)]

    @cached_property
    def norms(self) -> tuple[str, ...]:
        """Each token's normalised form, gathered once: most recognisers scan them all."""
        return tuple(map(_NORM, self.tokens))

    def _sentence_span(self, index: int) -> slice:
        lo = bisect_left(self._token_sentences, index)
        return slice(lo, bisect_right(self._token_sentences, index, lo))

    @cached_property
    def _token_sentences(self) -> tuple[int, ...]:
        return tuple(map(_SENTENCE, self.tokens))


@dataclass(frozen=True, order=True)
class Mention:
    """A span of ``Article.text`` that names an entity.

    ``surface`` equals ``article.text[start:end]`` (checked at the stage
    boundary). ``key`` is the gazetteer entry id when the name is known.
    ``method`` says which recogniser produced it: gazetteer, pattern, crf.
    ``qualifier`` is a gazetteer id that narrows a generic name (the state
    of a ministry: "وزارة الخارجية" of ``country-ae``).
    """

    article_id: str
    start: int
    end: int
    surface: str
    kind: Kind
    sentence: int
    method: str = "gazetteer"
    confidence: float = 1.0
    key: str | None = None
    qualifier: str | None = None

    def __hash__(self) -> int:
        """The dataclass's hash, kept: resolution, merging and RDF look mentions up by the million.

        Not pickled (:meth:`__getstate__`): string hashes differ between processes.
        """
        found = self.__dict__.get("_hash")
        if found is None:
            found = self.__dict__["_hash"] = hash(tuple(map(self.__dict__.__getitem__, _MENTION_FIELDS)))
        return found

    def __getstate__(self) -> dict:
        return {name: value for name, value in self.__dict__.items() if name != "_hash"}


_MENTION_FIELDS = tuple(f.name for f in fields(Mention) if f.compare)
MENTION_ORDER = attrgetter(*_MENTION_FIELDS)
"""Mentions' own order as a sort key: the compared fields in a tuple, made once a mention, not by
every comparison in Python (the dataclass's ``__lt__`` builds two tuples each time)."""


@dataclass(frozen=True, order=True)
class DateValue:
    """A normalised date: ISO ``value`` at a precision, with its certainty.

    ``value`` is ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, ``--MM-DD`` or ``--MM``
    (``precision`` day, month, year, month-day, month-only); ``end`` closes a
    range. ``certainty`` is ``stated`` (absolute in the text), ``relative``
    (resolved against the publication date), ``unresolved`` (relative, but
    no publication date to resolve it) or ``unknown`` (no date; value empty).
    """

    value: str
    precision: str
    certainty: str = "stated"
    end: str = ""
    text: str = ""


@dataclass(frozen=True, order=True)
class Participation:
    mention: Mention
    role: ParticipantRole = ParticipantRole.PARTICIPANT


@dataclass(frozen=True, order=True)
class Role:
    """A person holding a post in an institution, as stated in one sentence.

    ``title`` is the Arabic post label as written (e.g. "وكيل الأمين العام").
    """

    article_id: str
    sentence: int
    person: Mention
    title: str
    organization: Mention | None = None


@dataclass(frozen=True, order=True)
class Event:
    """An event mention: a trigger with its arguments.

    ``places`` are where it happened, in text order: one meeting may be held
    in several places ("في مومباي ونيودلهي"); ``place`` is the first.
    """

    article_id: str
    sentence: int
    start: int
    end: int
    kind: EventKind
    trigger: str
    label: str = ""
    participants: tuple[Participation, ...] = ()
    places: tuple[Mention, ...] = ()
    date: DateValue | None = None
    quotation: str = ""

    @property
    def place(self) -> Mention | None:
        return self.places[0] if self.places else None


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article (the unit of parallel work).

    ``margins`` pairs a gathering held "على هامش" another with that host
    (:func:`graph.relate.hosts.margin_pairs`); ``token_count`` stays when a build
    drops the document's tokens and text to save memory.
    """

    document: Document
    mentions: tuple[Mention, ...] = ()
    roles: tuple[Role, ...] = ()
    events: tuple[Event, ...] = ()
    token_count: int = 0
    margins: tuple[tuple[Event, Event], ...] = ()

    @property
    def article(self) -> Article:
        return self.document.article

    def compact(self) -> "Extraction":
        """The same extraction without the document's tokens and the article's body: later
        stages read sentences, mentions, roles and events, never these, and they are most of
        an extraction's memory and of the cost of sending it between processes (the body
        alone grows with the corpus: 82 MB at 10,000 articles)."""
        document = replace(self.document, article=replace(self.article, text=""), tokens=())
        return replace(self, document=document, token_count=self.token_count or len(self.document.tokens))


@dataclass(frozen=True, order=True)
class Entity:
    """One real-world actor, institution or place after resolution.

    ``id`` is an opaque ASCII slug (gazetteer id, or kind plus a hash of the
    normalised canonical name) from which the IRI is minted.
    """

    id: str
    kind: Kind
    label_ar: str
    label_en: str = ""
    qid: str = ""
    aliases: tuple[str, ...] = ()
    qualifier: str | None = None


@dataclass(frozen=True, order=True)
class EventNode:
    """One real event after merging its mentions within and across articles.

    ``participants`` pairs entity ids with how they take part; ``places`` are
    entity ids (``place`` the main one); ``mentions`` are the merged event
    mentions (provenance).
    """

    id: str
    kind: EventKind
    label: str
    mentions: tuple[Event, ...]
    participants: tuple[tuple[str, ParticipantRole], ...] = ()
    places: tuple[str, ...] = ()
    date: DateValue | None = None
    quotations: tuple[str, ...] = ()

    @property
    def place(self) -> str | None:
        return self.places[0] if self.places else None

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(sorted({m.article_id for m in self.mentions}))


@dataclass(frozen=True, order=True)
class RoleNode:
    """A membership: person entity, post label, institution entity, when attested."""

    id: str
    person: str
    title: str
    organization: str | None
    articles: tuple[str, ...]
    attested: str = ""


@dataclass(frozen=True)
class Resolution:
    """Entities, events and roles after resolution, and the evidence why.

    ``denotes`` maps each mention to its entity id; ``evidence`` says why
    (gazetteer alias, exact name, surname, fuzzy score) for explainability.
    """

    entities: tuple[Entity, ...]
    denotes: dict[Mention, str] = field(default_factory=dict)
    evidence: dict[Mention, str] = field(default_factory=dict)
    events: tuple[EventNode, ...] = ()
    roles: tuple[RoleNode, ...] = ()
