"""Which stadsdeel or wijk does a resident's text point to?"""

from __future__ import annotations

from dataclasses import dataclass

from content.geography import Geography, Place
from content.textfold import fold_tokens

# Words that make a 4-digit number a postcode even in a longer sentence.
POSTCODE_WORDS = {"postcode", "postcodes", "postal", "zip", "zipcode", "pc"}
SHORT_TEXT_WORDS = 3  # "contact 2034", "gebiedsverbinder 2015": short texts name a postcode


@dataclass(frozen=True)
class Where:
    wijk_codes: tuple[str, ...] = ()  # the wijken it may be (one: we know the wijk)
    stadsdeel_ids: tuple[str, ...] = ()  # the stadsdelen it may be
    outside_postcode: str | None = None  # a postcode that is not in Haarlem
    spans: tuple[tuple[int, int], ...] = ()  # token spans of the place words
    buurten: tuple[str, ...] = ()  # buurten named, if any

    @property
    def stadsdeel_id(self) -> str | None:
        return self.stadsdeel_ids[0] if len(self.stadsdeel_ids) == 1 else None

    @property
    def wijk_code(self) -> str | None:
        return self.wijk_codes[0] if len(self.wijk_codes) == 1 else None

    @property
    def buurt(self) -> str | None:
        return self.buurten[0] if len(self.buurten) == 1 and self.wijk_code else None

    @property
    def found(self) -> bool:
        return bool(self.stadsdeel_ids)


@dataclass(frozen=True)
class PostcodeSeen:
    """A postcode in a text, with the wijken (and their stadsdelen) it covers."""

    pc4: str
    wijken: tuple[tuple[str, str], ...]  # (wijk code, stadsdeel id); empty: not a Haarlem postcode
    span: tuple[int, int]
    clearly: bool  # a postcode even in a sentence (letters, the word "postcode", a short text)


@dataclass(frozen=True)
class PlaceReading:
    """The places and postcodes in a text, found once; read with or without bare numbers."""

    places: tuple[Place, ...]
    postcodes: tuple[PostcodeSeen, ...]

    def where(self, *, any_number_is_postcode: bool) -> Where:
        wijk_codes: list[str] = []
        stadsdeel_ids: list[str] = []
        spans: list[tuple[int, int]] = []
        outside = None
        for postcode in self.postcodes:
            if not (postcode.clearly or any_number_is_postcode):
                continue
            spans.append(postcode.span)
            if not postcode.wijken:
                outside = postcode.pc4
            for code, stadsdeel_id in postcode.wijken:
                _add(wijk_codes, code)
                _add(stadsdeel_ids, stadsdeel_id)
        for place in self.places:
            spans.append(place.span)
            if place.wijk_code:
                _add(wijk_codes, place.wijk_code)
            _add(stadsdeel_ids, place.stadsdeel_id)
        # A wijk named with its own stadsdeel ("Meerwijk in Schalkwijk") is just that wijk.
        if wijk_codes:
            wijk_stadsdelen = {s for postcode in self.postcodes for _, s in postcode.wijken} | {
                p.stadsdeel_id for p in self.places if p.wijk_code}
            if wijk_stadsdelen >= set(stadsdeel_ids):
                stadsdeel_ids = [s for s in stadsdeel_ids if s in wijk_stadsdelen]
        buurten = tuple(p.buurt for p in self.places if p.buurt)
        return Where(tuple(wijk_codes), tuple(stadsdeel_ids), outside if not stadsdeel_ids else None,
                     tuple(spans), buurten)


def read_places(geography: Geography, text: str) -> PlaceReading:
    """Find the places and postcodes in ``text``.

    A bare 4-digit number is clearly a postcode when written with letters (2034 AB), next to the
    word "postcode", or in a short text ("contact 2034"); otherwise "2024" in "wat gebeurt er in
    2024" may be a year, and only counts when the resident was asked for a postcode.
    """
    tokens = tuple(fold_tokens(text))
    postcodes = []
    for hit in geography.find_postcodes(text):
        clearly = bool(
            geography.has_letters(text, hit)
            or POSTCODE_WORDS.intersection(tokens)
            or len(tokens) - (hit.span[1] - hit.span[0]) < SHORT_TEXT_WORDS
        )
        wijken = tuple((c, geography.wijken[c].stadsdeel_id) for c in hit.wijk_codes)
        postcodes.append(PostcodeSeen(hit.pc4, wijken, hit.span, clearly))
    return PlaceReading(tuple(geography.find_places(text)), tuple(postcodes))


def where_from_text(geography: Geography, text: str, *, any_number_is_postcode: bool) -> Where:
    """Places and postcodes named in ``text`` (see :func:`read_places`)."""
    return read_places(geography, text).where(any_number_is_postcode=any_number_is_postcode)


PLACE_WORD = "wijk"


def generalise_places(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The folded text with each named place replaced by the word "wijk".

    "heeft de Europawijk al een wijkplatform" asks the same as "heeft de wijk al een
    wijkplatform"; the place itself is used for the gebiedsverbinder, not for the topic.
    """
    tokens = fold_tokens(text)
    out = []
    for i, token in enumerate(tokens):
        span = next((s for s in spans if s[0] <= i < s[1]), None)
        if span is None:
            out.append(token)
        elif i == span[0]:
            out.append(PLACE_WORD)
    return " ".join(out)


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
