"""Which stadsdeel or wijk does a resident's text point to?"""

from __future__ import annotations

from dataclasses import dataclass

from content.geography import Geography
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

    @property
    def stadsdeel_id(self) -> str | None:
        return self.stadsdeel_ids[0] if len(self.stadsdeel_ids) == 1 else None

    @property
    def wijk_code(self) -> str | None:
        return self.wijk_codes[0] if len(self.wijk_codes) == 1 else None

    @property
    def found(self) -> bool:
        return bool(self.stadsdeel_ids)


def where_from_text(geography: Geography, text: str, *, any_number_is_postcode: bool) -> Where:
    """Places and postcodes named in ``text``.

    A bare 4-digit number is read as a postcode when ``any_number_is_postcode`` is set
    (the resident was asked for one), or when the text is short or says "postcode";
    otherwise "2024" in "wat gebeurt er in 2024" stays a year.
    """
    tokens = fold_tokens(text)
    wijk_codes: list[str] = []
    stadsdeel_ids: list[str] = []
    spans: list[tuple[int, int]] = []
    outside = None

    for hit in geography.find_postcodes(text):
        is_postcode = (
            any_number_is_postcode
            or geography.has_letters(text, hit)
            or POSTCODE_WORDS.intersection(tokens)
            or len(tokens) - (hit.span[1] - hit.span[0]) < SHORT_TEXT_WORDS
        )
        if not is_postcode:
            continue
        spans.append(hit.span)
        if not hit.wijk_codes:
            outside = hit.pc4
        for code in hit.wijk_codes:
            _add(wijk_codes, code)
            _add(stadsdeel_ids, geography.wijken[code].stadsdeel_id)

    for place in geography.find_places(text):
        spans.append(place.span)
        if place.wijk_code:
            _add(wijk_codes, place.wijk_code)
        _add(stadsdeel_ids, place.stadsdeel_id)

    # A wijk named with its own stadsdeel ("Meerwijk in Schalkwijk") is just that wijk.
    if wijk_codes:
        wijk_stadsdelen = {geography.wijken[c].stadsdeel_id for c in wijk_codes}
        if wijk_stadsdelen >= set(stadsdeel_ids):
            stadsdeel_ids = [s for s in stadsdeel_ids if s in wijk_stadsdelen]
    return Where(tuple(wijk_codes), tuple(stadsdeel_ids), outside if not stadsdeel_ids else None,
                 tuple(spans))


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
