"""Where is that? Stadsdelen, wijken and buurten by name, postcode or location."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from shapely.geometry import Point, shape
from shapely.prepared import prep

from content.model import Content, Stadsdeel, Wijk
from content.textfold import fold, fold_tokens

# A PC4 with optional letters: "2034", "2034 AB", "2034ab".
POSTCODE = re.compile(r"\b(\d{4})\s?([a-z]{2})?\b", re.IGNORECASE)
MAX_NAME_TOKENS = 4
FUZZY_MIN_LENGTH = 7  # only longer single words are matched with typos
FUZZY_CUTOFF = 83
# "garenkokers" or "garenkokerswijk" for Garenkokerskwartier: a name may be shortened or
# end in another of these words.
GENERIC_ENDINGS = ("kwartier", "buurt", "wijk", "polder", "park")


@dataclass(frozen=True)
class Place:
    """A place named in a text: a whole stadsdeel, or a wijk (possibly via one of its buurten)."""

    stadsdeel_id: str
    wijk_code: str | None
    matched: str  # the words of the text that named it
    span: tuple[int, int]  # token positions in the folded text
    buurt: str | None = None  # the buurt, when a buurt was named


@dataclass(frozen=True)
class PostcodeHit:
    pc4: str
    wijk_codes: tuple[str, ...]  # empty: not a Haarlem postcode
    span: tuple[int, int]


class Geography:
    def __init__(self, content: Content) -> None:
        self.content = content
        self.stadsdelen: dict[str, Stadsdeel] = content.stadsdelen
        self.wijken: dict[str, Wijk] = content.wijken
        # folded name -> (stadsdeel id, wijk code or None, buurt name or None)
        self._names: dict[str, tuple[str, str | None, str | None]] = {}
        for sd in self.stadsdelen.values():
            for name in (sd.name, *sd.aliases):
                self._names[fold(name)] = (sd.id, None, None)
            for wijk in sd.wijken:
                for name in (wijk.name, *wijk.aliases):
                    self._names[fold(name)] = (sd.id, wijk.code, None)
                for buurt in wijk.buurten:
                    self._names.setdefault(fold(buurt), (sd.id, wijk.code, buurt))
        # Names are also known without spaces ("indische buurt" = "indischebuurt").
        self._compact = {key.replace(" ", ""): value for key, value in self._names.items()}
        self._long_names = [k for k in self._compact if len(k) >= FUZZY_MIN_LENGTH]
        self._polygons = [(code, prep(shape(geom))) for code, geom in content.wijk_polygons.items()]
        self._lookup = lru_cache(maxsize=50_000)(self._lookup)  # the same words come back often

    # ------------------------------------------------------------ names

    def named(self, name: str) -> tuple[str, str | None] | None:
        """(stadsdeel id, wijk code or None) of an exact name or alias, ignoring case, accents and spaces.

        For operators' commands: no guessing of typos or shortened names. A buurt name gives its wijk.
        """
        hit = self._compact.get(fold(name).replace(" ", ""))
        if hit is None:
            hit = next(((sd.id, None, None) for sd in self.stadsdelen.values() if fold(sd.id) == fold(name)), None)
        if hit is None:
            hit = next(((w.stadsdeel_id, w.code, None) for w in self.wijken.values() if fold(w.code) == fold(name)),
                       None)
        return (hit[0], hit[1]) if hit else None

    def find_places(self, text: str) -> list[Place]:
        """Places named in ``text``, longest names first, not overlapping."""
        tokens = fold_tokens(text)
        found: list[Place] = []
        taken: set[int] = set()
        for size in range(min(MAX_NAME_TOKENS, len(tokens)), 0, -1):
            for start in range(0, len(tokens) - size + 1):
                span = range(start, start + size)
                if taken.intersection(span):
                    continue
                words = tokens[start:start + size]
                hit = self._lookup("".join(words), exact_only=size > 1)
                if hit:
                    found.append(Place(hit[0], hit[1], " ".join(words), (start, start + size), hit[2]))
                    taken.update(span)
        return sorted(found, key=lambda p: p.span)

    def _lookup(self, compact: str, *, exact_only: bool) -> tuple[str, str | None, str | None] | None:
        if compact in self._compact:
            return self._compact[compact]
        if exact_only or len(compact) < FUZZY_MIN_LENGTH or compact.isdigit():
            return None
        # The start of a longer name ("garenkokers"), possibly with another ending ("garenkokerswijk").
        stem = next((compact[: -len(e)] for e in GENERIC_ENDINGS if compact.endswith(e)), compact)
        if len(stem) >= FUZZY_MIN_LENGTH:
            for name in self._long_names:
                if name.startswith(stem) and (name == stem or name[len(stem):] in GENERIC_ENDINGS):
                    return self._compact[name]
        # A typo ("schalkwyk").
        match = process.extractOne(compact, self._long_names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return self._compact[match[0]] if match else None

    # ------------------------------------------------------------ postcodes

    def find_postcodes(self, text: str) -> list[PostcodeHit]:
        hits = []
        folded = fold(text)
        for match in POSTCODE.finditer(folded):
            pc4 = match.group(1)
            start = len(folded[:match.start()].split())
            size = len(match.group(0).split())
            hits.append(PostcodeHit(pc4, self.content.postcodes.get(pc4, ()), (start, start + size)))
        return hits

    def has_letters(self, text: str, hit: PostcodeHit) -> bool:
        """True when the postcode was written as a full PC6 (``2034 AB``)."""
        tokens = fold_tokens(text)
        return hit.span[1] - hit.span[0] > 1 or len(tokens[hit.span[0]]) > 4

    # ------------------------------------------------------------ locations

    def wijk_at(self, latitude: float, longitude: float) -> Wijk | None:
        """The wijk that contains the point, or None outside Haarlem."""
        point = Point(longitude, latitude)
        for code, polygon in self._polygons:
            if polygon.contains(point):
                return self.wijken[code]
        return None
