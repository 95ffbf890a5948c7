"""Corrupt content files: one line with file, entry and field, never a traceback (issue 10, item 7).

Both `check-content` and `run` load the content the same way, so both stop with that line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from content import ContentError, load_content
from content.loader import BUNDLED_DIR, POLYGONS_FILE
from tests.bot.test_cli import wijkwijzer

GEO = BUNDLED_DIR / POLYGONS_FILE


def geojson(tmp_path: Path, data: Any) -> Path:
    (tmp_path / "geo").mkdir(exist_ok=True)
    (tmp_path / POLYGONS_FILE).write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def with_feature(tmp_path: Path, change: Any) -> Path:
    data = json.loads(GEO.read_text(encoding="utf-8"))
    change(data["features"])
    return geojson(tmp_path, data)


def set_coordinates(coordinates: Any) -> Any:
    def change(features: list[dict[str, Any]]) -> None:
        features[3]["geometry"] = {"type": "Polygon", "coordinates": coordinates}
    return change


def latin1_faq(tmp_path: Path) -> Path:
    text = (BUNDLED_DIR / "faq.yaml").read_text(encoding="utf-8")
    (tmp_path / "faq.yaml").write_bytes(text.encode("cp1252", errors="replace"))
    return tmp_path


RING = [[4.60, 52.36], [4.61, 52.36], [4.61, 52.37], [4.60, 52.37], [4.60, 52.36]]
CASES = {
    "faq.yaml not UTF-8": (latin1_faq, "faq.yaml: line ", "is not UTF-8 text"),
    "geojson is a list": (lambda p: geojson(p, []), "geo/wijken.geojson, field 'features'", "FeatureCollection"),
    "geojson without features": (lambda p: geojson(p, {"type": "FeatureCollection"}), "field 'features'",
                                 "FeatureCollection"),
    "feature not an object": (lambda p: with_feature(p, lambda f: f.insert(0, 7)),
                              "geo/wijken.geojson: features[0]", "must be an object"),
    "properties not an object": (lambda p: with_feature(p, lambda f: f[0].update(properties=[1])),
                                 "features[0], field 'properties.wijkcode'", "is not a wijk"),
    "geometry missing": (lambda p: with_feature(p, lambda f: f[3].pop("geometry")),
                         "features[3] (WK039204), field 'geometry'", "Polygon or MultiPolygon"),
    "coordinate not a number": (lambda p: with_feature(p, set_coordinates([[["4.6", 52.3]] + RING])),
                                "field 'geometry.coordinates'", "['4.6', 52.3] is not a [longitude, latitude]"),
    "latitude out of range": (lambda p: with_feature(p, set_coordinates([[[4.6, 523.0]] + RING])),
                              "field 'geometry.coordinates'", "[4.6, 523.0] is not"),
    "coordinates not nested": (lambda p: with_feature(p, set_coordinates([4.6, 52.3])),
                               "field 'geometry.coordinates'", "[longitude, latitude]"),
    "empty coordinates": (lambda p: with_feature(p, set_coordinates([])),
                          "field 'geometry.coordinates'", "must be nested lists"),
    "ring of two points": (lambda p: with_feature(p, set_coordinates([[[4.6, 52.3], [4.7, 52.3]]])),
                           "features[3] (WK039204), field 'geometry'", "is not a valid polygon"),
    "self-crossing ring": (lambda p: with_feature(p, set_coordinates(
        [[[4.60, 52.36], [4.61, 52.37], [4.61, 52.36], [4.60, 52.37], [4.60, 52.36]]])),
        "field 'geometry'", "Self-intersection"),
}


@pytest.mark.parametrize("case", CASES)
def test_corrupt_content_names_file_entry_and_field(tmp_path: Path, case: str) -> None:
    make, where, problem = CASES[case]
    with pytest.raises(ContentError) as raised:
        load_content(make(tmp_path))
    message = str(raised.value)
    assert where in message and problem in message and "\n" not in message


@pytest.mark.parametrize(("command", "case"), [("check-content", "geojson is a list"),
                                               ("check-content", "faq.yaml not UTF-8"),
                                               ("run", "coordinate not a number")])
def test_check_content_and_run_stop_with_one_line(tmp_path: Path, command: str, case: str) -> None:
    make, where, problem = CASES[case]
    directory = make(tmp_path / "content") if (tmp_path / "content").mkdir() is None else None
    result = wijkwijzer(command, env={"WIJKWIJZER_CONTENT": str(directory), "TELEGRAM_BOT_TOKEN": "123456:never-used",
                                      "TELEGRAM_BASE_URL": "http://127.0.0.1:9/bot",
                                      "WIJKWIJZER_DB": str(tmp_path / "db.sqlite3")})
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode == 2
    assert len(lines) == 1 and lines[0].startswith("wijkwijzer: content error: ") and where in lines[0], lines
