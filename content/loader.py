"""Read the content files and check them; every problem names file, entry and field."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.validation import explain_validity

from content.errors import ContentError
from content.model import (
    SUBMISSION_KINDS,
    TOPIC_KINDS,
    Content,
    Gebiedsverbinder,
    Group,
    RoutingRule,
    Source,
    Stadsdeel,
    Text,
    Theme,
    Topic,
    Wijk,
)

BUNDLED_DIR = Path(__file__).parent / "data"
# "Ja." or "Nee." alone contradicts a question asked the other way round ("Wat gebeurt er met onze
# wijkraad?" -> "Ja, ..."): an answer names what it says yes or no to.
BARE_YES_NO = re.compile(r"^\s*(ja|nee|yes|no)\s*([.!;:]|$)", re.IGNORECASE)
FAQ_FILE = "faq.yaml"
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's where installed: faster starts
WIJKEN_FILE = "wijken.yaml"
GEBIEDSVERBINDERS_FILE = "gebiedsverbinders.yaml"
SYNONYMS_FILE = "synonyms.yaml"
THEMES_FILE = "themes.yaml"
ROUTING_FILE = "routing.yaml"
POLYGONS_FILE = "geo/wijken.geojson"

LANGUAGES = ("nl", "en")
# Topic and group ids travel in Telegram callback data (64 bytes at most, with a short prefix).
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
WIJK_CODE_PATTERN = re.compile(r"^WK\d{6}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
MAX_TITLE = 60  # button labels stay readable on a phone
MAX_ANSWER = 3000  # well inside Telegram's 4,096 characters, with room for the source line


def load_content(directory: str | Path | None = None) -> Content:
    """Load all content files from ``directory`` (default: the bundled ones).

    A directory may hold only some of the files: the others come from the bundle,
    so staff can override just the FAQ, say.
    """
    override = Path(directory) if directory else None
    if override is not None and not override.is_dir():
        raise ContentError(str(override), "", "", "is not a directory")

    def path(name: str) -> Path:
        if override is not None and (override / name).exists():
            return override / name
        return BUNDLED_DIR / name

    faq = _read_yaml(path(FAQ_FILE))
    sources, groups, topics = _parse_faq(faq, path(FAQ_FILE).name)
    stadsdelen, postcodes = _parse_wijken(_read_yaml(path(WIJKEN_FILE)), path(WIJKEN_FILE).name)
    gv_source, gebiedsverbinders = _parse_gebiedsverbinders(
        _read_yaml(path(GEBIEDSVERBINDERS_FILE)), path(GEBIEDSVERBINDERS_FILE).name,
        stadsdelen, sources,
    )
    synonyms = _parse_synonyms(_read_yaml(path(SYNONYMS_FILE)), path(SYNONYMS_FILE).name)
    themes = _parse_themes(_read_yaml(path(THEMES_FILE)), path(THEMES_FILE).name)
    rules = _parse_routing(_read_yaml(path(ROUTING_FILE)), path(ROUTING_FILE).name, stadsdelen, themes)
    polygons = _read_polygons(path(POLYGONS_FILE), {w.code for s in stadsdelen.values() for w in s.wijken})
    return Content(
        sources=sources,
        groups=groups,
        topics=topics,
        stadsdelen=stadsdelen,
        gebiedsverbinders=gebiedsverbinders,
        gebiedsverbinder_source=gv_source,
        postcodes=postcodes,
        synonyms=synonyms,
        themes=themes,
        routing_rules=rules,
        wijk_polygons=polygons,
    )


# ---------------------------------------------------------------- helpers

def _read_text(path: Path, name: str) -> str:
    """The file as UTF-8 text; a file in another encoding names the line of the first bad byte."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(name, "", "", f"cannot be read ({exc.strerror})") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(name, f"line {line}", "", f"is not UTF-8 text (byte {raw[exc.start]:#04x}); save the "
                           "file as UTF-8") from None


def _read_yaml(path: Path) -> dict[str, Any]:
    text = _read_text(path, path.name)
    try:
        data = yaml.load(text, Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        raise ContentError(path.name, where, "", f"is not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict):
        raise ContentError(path.name, "", "", "must contain a mapping at the top level")
    return data


def _require(data: dict[str, Any], key: str, file: str, entry: str, field: str | None = None) -> Any:
    if not isinstance(data, dict) or key not in data or data[key] is None:
        raise ContentError(file, entry, field or key, "is missing")
    return data[key]


def _string(value: Any, file: str, entry: str, field: str, *, max_len: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(file, entry, field, "must be a non-empty text")
    value = " ".join(value.split()) if "\n" not in value.strip() else value.strip()
    if max_len is not None and len(value) > max_len:
        raise ContentError(file, entry, field, f"is {len(value)} characters; at most {max_len} allowed")
    return value


def _text(value: Any, file: str, entry: str, field: str, *, max_len: int | None = None) -> Text:
    if not isinstance(value, dict):
        raise ContentError(file, entry, field, "must have an 'nl' and an 'en' text")
    unknown = set(value) - set(LANGUAGES)
    if unknown:
        raise ContentError(file, entry, f"{field}.{sorted(unknown)[0]}", "unknown language; use nl and en")
    texts = {}
    for lang in LANGUAGES:
        if lang not in value:
            raise ContentError(file, entry, f"{field}.{lang}", "is missing")
        texts[lang] = _string(value[lang], file, entry, f"{field}.{lang}", max_len=max_len)
    return Text(**texts)


def _string_list(value: Any, file: str, entry: str, field: str, *, allow_empty: bool = True) -> tuple[str, ...]:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise ContentError(file, entry, field, "must be a list")
    if not value and not allow_empty:
        raise ContentError(file, entry, field, "must not be empty")
    return tuple(_string(item, file, entry, f"{field}[{i}]") for i, item in enumerate(value))


def _id(value: Any, file: str, entry: str, field: str) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise ContentError(file, entry, field,
                           f"{value!r} is not a valid id (a-z, 0-9 and '-', at most 40 characters)")
    return value


# ---------------------------------------------------------------- faq.yaml

def _parse_faq(data: dict[str, Any], file: str) -> tuple[dict[str, Source], tuple[Group, ...], dict[str, Topic]]:
    sources: dict[str, Source] = {}
    raw_sources = _require(data, "sources", file, "")
    if not isinstance(raw_sources, dict):
        raise ContentError(file, "", "sources", "must be a mapping of source ids")
    for sid, raw in raw_sources.items():
        entry = f"sources.{sid}"
        _id(sid, file, entry, "id")
        date = _require(raw, "date", file, entry)
        if not isinstance(date, dt.date):
            raise ContentError(file, entry, "date", "must be a date like 2024-01-22")
        precision = raw.get("precision", "day")
        if precision not in ("day", "month", "year"):
            raise ContentError(file, entry, "precision", "must be day, month or year")
        read = raw.get("read", False)
        if not isinstance(read, bool):
            raise ContentError(file, entry, "read", "must be true or false")
        sources[sid] = Source(sid, _text(_require(raw, "title", file, entry), file, entry, "title"),
                              date, precision, read)

    groups = []
    for i, raw in enumerate(_list_of_mappings(_require(data, "groups", file, ""), file, "groups")):
        entry = f"groups[{i}]"
        gid = _id(_require(raw, "id", file, entry), file, entry, "id")
        entry = f"groups[{i}] (id '{gid}')"
        if any(g.id == gid for g in groups):
            raise ContentError(file, entry, "id", "is used twice")
        groups.append(Group(gid, _text(_require(raw, "title", file, entry), file, entry, "title",
                                       max_len=MAX_TITLE)))
    group_ids = {g.id for g in groups}

    topics: dict[str, Topic] = {}
    raw_topics = _list_of_mappings(_require(data, "topics", file, ""), file, "topics")
    for i, raw in enumerate(raw_topics):
        entry = f"topics[{i}]"
        tid = _id(_require(raw, "id", file, entry), file, entry, "id")
        entry = f"topics[{i}] (id '{tid}')"
        if tid in topics:
            raise ContentError(file, entry, "id", "is used twice")
        kind = raw.get("kind", "answer")
        if kind not in TOPIC_KINDS:
            raise ContentError(file, entry, "kind", f"must be one of {', '.join(TOPIC_KINDS)}")
        group = raw.get("group")
        if kind in ("smalltalk", "offtopic"):
            if group is not None:
                raise ContentError(file, entry, "group", f"{kind} topics have no group")
        elif group not in group_ids:
            raise ContentError(file, entry, "group",
                               f"{group!r} is not one of the groups ({', '.join(sorted(group_ids))})")
        topic_sources = _string_list(raw.get("sources"), file, entry, "sources",
                                     allow_empty=kind in ("smalltalk", "offtopic"))
        for j, sid in enumerate(topic_sources):
            if sid not in sources:
                raise ContentError(file, entry, f"sources[{j}]", f"{sid!r} is not listed under sources")
        raw_examples = _require(raw, "examples", file, entry)
        if not isinstance(raw_examples, dict):
            raise ContentError(file, entry, "examples", "must have 'nl' and 'en' lists")
        examples = {lang: _string_list(raw_examples.get(lang), file, entry, f"examples.{lang}",
                                       allow_empty=False) for lang in LANGUAGES}
        topics[tid] = Topic(
            id=tid,
            kind=kind,
            group=group,
            title=_text(_require(raw, "title", file, entry), file, entry, "title", max_len=MAX_TITLE),
            # an offtopic topic only gathers examples; the reply is the assistant's own (general contact)
            answer=(Text("", "") if kind == "offtopic" and "answer" not in raw else
                    _text(_require(raw, "answer", file, entry), file, entry, "answer", max_len=MAX_ANSWER)),
            sources=topic_sources,
            examples=examples,
            follow_up=_string_list(raw.get("follow_up"), file, entry, "follow_up"),
        )
    for i, topic in enumerate(topics.values()):
        entry = f"topics[{i}] (id '{topic.id}')"
        for lang in LANGUAGES:
            if BARE_YES_NO.match(topic.answer.get(lang)):
                raise ContentError(file, entry, f"answer.{lang}",
                                   "starts with a bare yes or no; say what it answers "
                                   "(\"Ja, een wijkraad kan ...\"), so it fits every way of asking")
        for j, other in enumerate(topic.follow_up):
            if other not in topics or other == topic.id:
                raise ContentError(file, entry, f"follow_up[{j}]", f"{other!r} is not another topic's id")
    if sum(1 for t in topics.values() if t.kind == "contact") != 1:
        raise ContentError(file, "topics", "kind", "exactly one topic must have kind 'contact'")
    if sum(1 for t in topics.values() if t.kind == "offtopic") > 1:
        raise ContentError(file, "topics", "kind", "at most one topic may have kind 'offtopic'")
    return sources, tuple(groups), topics


def _list_of_mappings(value: Any, file: str, field: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise ContentError(file, "", field, "must be a non-empty list")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise ContentError(file, f"{field}[{i}]", "", "must be a mapping")
    return value


# ---------------------------------------------------------------- wijken.yaml

def _parse_wijken(data: dict[str, Any], file: str) -> tuple[dict[str, Stadsdeel], dict[str, tuple[str, ...]]]:
    stadsdelen: dict[str, Stadsdeel] = {}
    seen_names: dict[str, str] = {}

    def claim(name: str, owner: str, entry: str, field: str) -> None:
        key = " ".join(name.lower().split())
        if seen_names.get(key, owner) != owner:
            raise ContentError(file, entry, field, f"{name!r} is also used for {seen_names[key]}")
        seen_names[key] = owner

    for i, raw in enumerate(_list_of_mappings(_require(data, "stadsdelen", file, ""), file, "stadsdelen")):
        entry = f"stadsdelen[{i}]"
        sid = _id(_require(raw, "id", file, entry), file, entry, "id")
        entry = f"stadsdelen[{i}] (id '{sid}')"
        if sid in stadsdelen:
            raise ContentError(file, entry, "id", "is used twice")
        name = _string(_require(raw, "name", file, entry), file, entry, "name", max_len=40)
        claim(name, f"stadsdeel {sid}", entry, "name")
        aliases = _string_list(raw.get("aliases"), file, entry, "aliases")
        for j, alias in enumerate(aliases):
            claim(alias, f"stadsdeel {sid}", entry, f"aliases[{j}]")
        wijken = []
        for k, raw_wijk in enumerate(_list_of_mappings(_require(raw, "wijken", file, entry), file,
                                                        f"{entry}.wijken")):
            wentry = f"stadsdelen[{i}].wijken[{k}]"
            code = _require(raw_wijk, "code", file, wentry)
            if not isinstance(code, str) or not WIJK_CODE_PATTERN.match(code):
                raise ContentError(file, wentry, "code", f"{code!r} is not a CBS wijk code like WK039201")
            wentry = f"stadsdelen[{i}].wijken[{k}] (code {code})"
            wname = _string(_require(raw_wijk, "name", file, wentry), file, wentry, "name", max_len=40)
            owner = f"wijk {code}"
            claim(wname, owner, wentry, "name")
            waliases = _string_list(raw_wijk.get("aliases"), file, wentry, "aliases")
            buurten = _string_list(raw_wijk.get("buurten"), file, wentry, "buurten")
            for field, names in (("aliases", waliases), ("buurten", buurten)):
                for j, other in enumerate(names):
                    claim(other, owner, wentry, f"{field}[{j}]")
            wijken.append(Wijk(code, wname, sid, waliases, buurten))
        stadsdelen[sid] = Stadsdeel(sid, name, aliases, tuple(wijken))

    codes = [w.code for s in stadsdelen.values() for w in s.wijken]
    if len(codes) != len(set(codes)):
        dup = next(c for c in codes if codes.count(c) > 1)
        raise ContentError(file, f"wijk {dup}", "code", "is used twice")

    postcodes: dict[str, tuple[str, ...]] = {}
    raw_postcodes = _require(data, "postcodes", file, "")
    if not isinstance(raw_postcodes, dict):
        raise ContentError(file, "", "postcodes", "must map a 4-digit postcode to a list of wijk codes")
    for pc, wijk_codes in raw_postcodes.items():
        entry = f"postcodes.{pc}"
        if not re.fullmatch(r"\d{4}", str(pc)):
            raise ContentError(file, entry, "", "is not a 4-digit postcode")
        values = _string_list(wijk_codes, file, entry, "", allow_empty=False)
        for j, code in enumerate(values):
            if code not in codes:
                raise ContentError(file, entry, f"[{j}]", f"{code!r} is not a wijk code in this file")
        postcodes[str(pc)] = values
    return stadsdelen, postcodes


# ---------------------------------------------------------------- gebiedsverbinders.yaml

def _parse_gebiedsverbinders(
    data: dict[str, Any], file: str, stadsdelen: dict[str, Stadsdeel], sources: dict[str, Source],
) -> tuple[str, dict[str, Gebiedsverbinder]]:
    source = _require(data, "source", file, "")
    if source not in sources:
        raise ContentError(file, "", "source", f"{source!r} is not a source listed in {FAQ_FILE}")
    raw = _require(data, "gebiedsverbinders", file, "")
    if not isinstance(raw, dict):
        raise ContentError(file, "", "gebiedsverbinders", "must map a stadsdeel id to a name and e-mail")
    result = {}
    for sid, person in raw.items():
        entry = f"gebiedsverbinders.{sid}"
        if sid not in stadsdelen:
            raise ContentError(file, entry, "", f"{sid!r} is not a stadsdeel id ({', '.join(stadsdelen)})")
        name = _string(_require(person, "name", file, entry), file, entry, "name", max_len=80)
        email = _string(_require(person, "email", file, entry), file, entry, "email", max_len=120)
        if not EMAIL_PATTERN.match(email):
            raise ContentError(file, entry, "email", f"{email!r} is not an e-mail address")
        result[sid] = Gebiedsverbinder(sid, name, email)
    for sid in stadsdelen:
        if sid not in result:
            raise ContentError(file, f"gebiedsverbinders.{sid}", "", "is missing: every stadsdeel needs one")
    return source, result


# ---------------------------------------------------------------- synonyms.yaml

def _parse_synonyms(data: dict[str, Any], file: str) -> dict[str, tuple[str, ...]]:
    raw = _require(data, "concepts", file, "")
    if not isinstance(raw, dict):
        raise ContentError(file, "", "concepts", "must map a concept to a list of words")
    result = {}
    owner: dict[str, str] = {}
    for concept, words in raw.items():
        entry = f"concepts.{concept}"
        if not isinstance(concept, str) or not re.fullmatch(r"[a-z]+", concept):
            raise ContentError(file, entry, "", "a concept name is one lowercase word")
        values = _string_list(words, file, entry, "", allow_empty=False)
        for j, word in enumerate(values):
            key = word.lower()
            if owner.get(key, concept) != concept:
                raise ContentError(file, entry, f"[{j}]", f"{word!r} is also listed under {owner[key]}")
            owner[key] = concept
        result[concept] = values
    return result


# ---------------------------------------------------------------- themes.yaml, routing.yaml

def _parse_themes(data: dict[str, Any], file: str) -> tuple[Theme, ...]:
    themes: list[Theme] = []
    for i, raw in enumerate(_list_of_mappings(_require(data, "themes", file, ""), file, "themes")):
        entry = f"themes[{i}]"
        tid = _id(_require(raw, "id", file, entry), file, entry, "id")
        entry = f"themes[{i}] (id '{tid}')"
        if len(tid) > 20:
            raise ContentError(file, entry, "id", "is longer than 20 characters")
        if any(t.id == tid for t in themes):
            raise ContentError(file, entry, "id", "is used twice")
        themes.append(Theme(tid, _text(_require(raw, "title", file, entry), file, entry, "title", max_len=30)))
    return tuple(themes)


def _parse_routing(data: dict[str, Any], file: str, stadsdelen: dict[str, Stadsdeel],
                   themes: tuple[Theme, ...]) -> tuple[RoutingRule, ...]:
    raw_rules = data.get("rules") or []
    if not isinstance(raw_rules, list):
        raise ContentError(file, "", "rules", "must be a list (it may be empty)")
    wijk_codes = {w.code for s in stadsdelen.values() for w in s.wijken}
    allowed = {
        "stadsdeel": set(stadsdelen), "route_to": set(stadsdelen), "wijk": wijk_codes,
        "theme": {t.id for t in themes}, "kind": set(SUBMISSION_KINDS),
    }
    rules = []
    for i, raw in enumerate(raw_rules):
        entry = f"rules[{i}]"
        if not isinstance(raw, dict):
            raise ContentError(file, entry, "", "must be a mapping")
        for key, value in raw.items():
            if key not in allowed:
                raise ContentError(file, entry, str(key), f"unknown field; use {', '.join(sorted(allowed))}")
            if value not in allowed[key]:
                raise ContentError(file, entry, key, f"{value!r} is not a known {key}")
        if "route_to" not in raw:
            raise ContentError(file, entry, "route_to", "is missing")
        if len(raw) == 1:
            raise ContentError(file, entry, "", "matches everything; give stadsdeel, wijk, theme or kind")
        rules.append(RoutingRule(**raw))
    return tuple(rules)


# ---------------------------------------------------------------- geo/wijken.geojson

def _read_polygons(path: Path, wijk_codes: set[str]) -> dict[str, Any]:
    name = POLYGONS_FILE
    try:
        data = json.loads(_read_text(path, name))
    except ValueError as exc:
        raise ContentError(name, "", "", f"cannot be read as GeoJSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ContentError(name, "", "features", "must be a GeoJSON FeatureCollection: an object with a list of "
                           "features")
    result = {}
    for i, feature in enumerate(data["features"]):
        entry = f"features[{i}]"
        if not isinstance(feature, dict):
            raise ContentError(name, entry, "", "must be an object (a GeoJSON Feature)")
        properties = feature.get("properties")
        code = properties.get("wijkcode") if isinstance(properties, dict) else None
        if code not in wijk_codes:
            raise ContentError(name, entry, "properties.wijkcode", f"{code!r} is not a wijk in {WIJKEN_FILE}")
        result[code] = _geometry(feature.get("geometry"), name, f"{entry} ({code})")
    missing = wijk_codes - set(result)
    if missing:
        raise ContentError(name, "", "features", f"no polygon for {', '.join(sorted(missing))}")
    return result


def _geometry(value: Any, file: str, entry: str) -> dict[str, Any]:
    """A Polygon or MultiPolygon with longitudes and latitudes that make a valid shape."""
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise ContentError(file, entry, "geometry", "must be a GeoJSON Polygon or MultiPolygon")

    def points(coordinates: Any, depth: int) -> Iterator[Any]:
        if depth == 0:
            yield coordinates
            return
        if not isinstance(coordinates, list) or not coordinates:
            raise ContentError(file, entry, "geometry.coordinates", "must be nested lists of [longitude, latitude]")
        for item in coordinates:
            yield from points(item, depth - 1)

    for point in points(value.get("coordinates"), 2 if value["type"] == "Polygon" else 3):
        if not (isinstance(point, list) and len(point) in (2, 3)
                and all(isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in point)
                and -180 <= point[0] <= 180 and -90 <= point[1] <= 90):
            raise ContentError(file, entry, "geometry.coordinates", f"{point!r} is not a [longitude, latitude] "
                               "pair in degrees")
    try:
        geometry = shape(value)
        problem = None if geometry.is_valid else explain_validity(geometry)
    except (ValueError, TypeError, GEOSException) as exc:
        problem = str(exc) or type(exc).__name__
    if problem:
        raise ContentError(file, entry, "geometry", f"is not a valid polygon ({problem})")
    return value
