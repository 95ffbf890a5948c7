"""The content the assistant works with, as plain immutable values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Text:
    """A text in both languages."""

    nl: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class Source:
    id: str
    title: Text
    date: dt.date
    precision: str  # day | month | year
    read: bool  # True: a web page as read on that date, not a publication date


@dataclass(frozen=True)
class Group:
    id: str
    title: Text


TOPIC_KINDS = ("answer", "contact", "open", "smalltalk", "offtopic")


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str
    group: str | None
    title: Text
    answer: Text
    sources: tuple[str, ...]
    examples: dict[str, tuple[str, ...]]
    follow_up: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wijk:
    code: str
    name: str
    stadsdeel_id: str
    aliases: tuple[str, ...]
    buurten: tuple[str, ...]


@dataclass(frozen=True)
class Stadsdeel:
    id: str
    name: str
    aliases: tuple[str, ...]
    wijken: tuple[Wijk, ...]


@dataclass(frozen=True)
class Gebiedsverbinder:
    stadsdeel_id: str
    name: str
    email: str


@dataclass(frozen=True)
class Theme:
    id: str
    title: Text


@dataclass(frozen=True)
class RoutingRule:
    route_to: str
    stadsdeel: str | None = None
    wijk: str | None = None
    theme: str | None = None
    kind: str | None = None

    def matches(self, *, stadsdeel: str, wijk: str, theme: str, kind: str) -> bool:
        return all(want is None or want == have for want, have in (
            (self.stadsdeel, stadsdeel), (self.wijk, wijk), (self.theme, theme), (self.kind, kind)))


SUBMISSION_KINDS = ("idee", "signaal", "vraag")


@dataclass(frozen=True)
class Content:
    sources: dict[str, Source]
    groups: tuple[Group, ...]
    topics: dict[str, Topic]
    stadsdelen: dict[str, Stadsdeel]
    gebiedsverbinders: dict[str, Gebiedsverbinder]
    gebiedsverbinder_source: str
    postcodes: dict[str, tuple[str, ...]]
    synonyms: dict[str, tuple[str, ...]]
    themes: tuple[Theme, ...] = ()
    routing_rules: tuple[RoutingRule, ...] = ()
    wijk_polygons: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def wijken(self) -> dict[str, Wijk]:
        return {w.code: w for s in self.stadsdelen.values() for w in s.wijken}

    def topics_in_group(self, group_id: str) -> list[Topic]:
        return [t for t in self.topics.values() if t.group == group_id]

    @property
    def contact_topic_id(self) -> str:
        return next(t.id for t in self.topics.values() if t.kind == "contact")
