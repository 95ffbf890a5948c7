"""Places by name (with typos), postcode and location."""

from __future__ import annotations

import pytest

from content.geography import Geography


@pytest.fixture(scope="module")
def geo(content) -> Geography:
    return Geography(content)


@pytest.mark.parametrize("text, stadsdeel, wijk", [
    ("Schalkwijk", "schalkwijk", None),
    ("schalkwyk", "schalkwijk", None),
    ("indische buurt", "noord", "WK039211"),
    ("Indischebuurt", "noord", "WK039211"),
    ("garenkokers", "zuidwest", "WK039203"),
    ("garenkokerswijk", "zuidwest", "WK039203"),
    ("ik woon in De Krim", "noord", "WK039213"),
    ("Zuid-West", "zuidwest", None),
    ("Haarlem-Oost", "oost", None),
])
def test_names(geo: Geography, text: str, stadsdeel: str, wijk: str | None) -> None:
    places = geo.find_places(text)
    assert [(p.stadsdeel_id, p.wijk_code) for p in places] == [(stadsdeel, wijk)]


@pytest.mark.parametrize("text", ["wat is een wijkplatform", "trein naar amsterdam", "subsidie", "centrumpje"])
def test_no_false_places(geo: Geography, text: str) -> None:
    assert geo.find_places(text) == []


def test_postcodes(geo: Geography) -> None:
    [hit] = geo.find_postcodes("2034 AB")
    assert hit.pc4 == "2034" and hit.wijk_codes == ("WK039218", "WK039220")
    assert geo.has_letters("2034 AB", hit)
    [outside] = geo.find_postcodes("postcode 2042")
    assert outside.wijk_codes == ()


@pytest.mark.parametrize("lat, lon, wijk", [
    (52.3812, 4.6366, "Oude Stad"),  # Grote Markt
    (52.3875, 4.6383, "Oude Stad"),  # station
    (52.3560, 4.6580, "Meerwijk"),  # winkelcentrum Schalkwijk
])
def test_locations(geo: Geography, lat: float, lon: float, wijk: str) -> None:
    assert geo.wijk_at(lat, lon).name == wijk


def test_location_outside_haarlem(geo: Geography) -> None:
    assert geo.wijk_at(52.3702, 4.8952) is None  # Amsterdam
