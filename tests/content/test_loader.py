"""Content validation: the bundled files are valid, and every broken file gets an error that
names the file, the entry and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from content import ContentError, load_content
from content.loader import BUNDLED_DIR


def test_bundled_content_is_complete(content) -> None:
    assert len(content.stadsdelen) == 5
    assert len(content.wijken) == 21
    assert sum(len(w.buurten) for w in content.wijken.values()) == 111
    assert set(content.gebiedsverbinders) == set(content.stadsdelen)
    assert content.gebiedsverbinders["noord"].email == "kkranendonk@haarlem.nl"
    assert content.postcodes["2034"] == ("WK039218", "WK039220")
    assert len(content.wijk_polygons) == 21
    # every topic group is used, every topic's sources exist (checked by the loader)
    assert {t.group for t in content.topics.values() if t.group} == {g.id for g in content.groups}


def test_callback_data_of_topics_fits_telegram(content) -> None:
    for topic in content.topics.values():
        assert len(f"t:{topic.id}".encode()) <= 64
    for group in content.groups:
        assert len(f"g:{group.id}:99".encode()) <= 64


def override(tmp_path: Path, name: str, change) -> Path:
    """A content directory with one bundled file changed by ``change(data)``."""
    data = yaml.safe_load((BUNDLED_DIR / name).read_text(encoding="utf-8"))
    change(data)
    (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def broken(tmp_path: Path, name: str, change) -> ContentError:
    with pytest.raises(ContentError) as info:
        load_content(override(tmp_path, name, change))
    return info.value


def test_missing_english_answer_names_file_entry_and_field(tmp_path: Path) -> None:
    error = broken(tmp_path, "faq.yaml", lambda d: d["topics"][2]["answer"].pop("en"))
    assert error.file == "faq.yaml"
    assert error.entry == "topics[2] (id 'namens-de-wijk')"
    assert error.field == "answer.en"
    assert "faq.yaml: topics[2] (id 'namens-de-wijk'), field 'answer.en': is missing" == str(error)


def test_unknown_source_is_refused(tmp_path: Path) -> None:
    error = broken(tmp_path, "faq.yaml", lambda d: d["topics"][0]["sources"].append("krant"))
    assert error.field == "sources[2]" and "'krant' is not listed under sources" in str(error)


def test_duplicate_topic_id(tmp_path: Path) -> None:
    error = broken(tmp_path, "faq.yaml", lambda d: d["topics"][1].update(id=d["topics"][0]["id"]))
    assert error.field == "id" and "used twice" in str(error)


def test_bad_follow_up_and_long_title(tmp_path: Path) -> None:
    error = broken(tmp_path, "faq.yaml", lambda d: d["topics"][0].update(follow_up=["nope"]))
    assert error.field == "follow_up[0]"
    error = broken(tmp_path, "faq.yaml", lambda d: d["topics"][0]["title"].update(nl="x" * 61))
    assert error.field == "title.nl" and "at most 60" in str(error)


def test_topic_id_must_fit_callback_data(tmp_path: Path) -> None:
    error = broken(tmp_path, "faq.yaml", lambda d: d["topics"][0].update(id="é" * 10))
    assert error.field == "id"


def test_bad_email_of_gebiedsverbinder(tmp_path: Path) -> None:
    error = broken(tmp_path, "gebiedsverbinders.yaml",
                   lambda d: d["gebiedsverbinders"]["oost"].update(email="rkant at haarlem"))
    assert (error.file, error.entry, error.field) == ("gebiedsverbinders.yaml", "gebiedsverbinders.oost", "email")


def test_missing_gebiedsverbinder(tmp_path: Path) -> None:
    error = broken(tmp_path, "gebiedsverbinders.yaml", lambda d: d["gebiedsverbinders"].pop("centrum"))
    assert error.entry == "gebiedsverbinders.centrum" and "every stadsdeel needs one" in str(error)


def test_postcode_pointing_to_unknown_wijk(tmp_path: Path) -> None:
    error = broken(tmp_path, "wijken.yaml", lambda d: d["postcodes"].update({"2011": ["WK000000"]}))
    assert error.entry == "postcodes.2011" and "WK000000" in str(error)


def test_same_name_for_two_wijken(tmp_path: Path) -> None:
    def change(d):
        d["stadsdelen"][0]["wijken"][0]["aliases"].append("Meerwijk")
    error = broken(tmp_path, "wijken.yaml", change)
    assert "'Meerwijk' is also used for wijk" in str(error) and error.file == "wijken.yaml"


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "synonyms.yaml").write_text("concepts:\n  geld: [geld, \n  wijk: x", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(tmp_path)
    assert info.value.file == "synonyms.yaml" and "line" in info.value.entry


def test_override_directory_replaces_only_its_files(tmp_path: Path, content) -> None:
    shutil.copy(BUNDLED_DIR / "gebiedsverbinders.yaml", tmp_path / "gebiedsverbinders.yaml")
    text = (tmp_path / "gebiedsverbinders.yaml").read_text(encoding="utf-8").replace("Rosa Kant", "R. Nieuw")
    (tmp_path / "gebiedsverbinders.yaml").write_text(text, encoding="utf-8")
    changed = load_content(tmp_path)
    assert changed.gebiedsverbinders["oost"].name == "R. Nieuw"
    assert changed.topics.keys() == content.topics.keys()


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(ContentError):
        load_content(tmp_path / "nope")


@pytest.mark.parametrize("opening", ["Nee. Een wijkplatform kan niet namens de wijk spreken.", "Ja.", "Yes! It can.",
                                     "no: never"])
def test_bare_yes_or_no_opening_is_refused(tmp_path, opening: str) -> None:
    data = yaml.safe_load((BUNDLED_DIR / "faq.yaml").read_text(encoding="utf-8"))
    data["topics"][0]["answer"]["nl"] = opening
    (tmp_path / "faq.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match="bare yes or no"):
        load_content(tmp_path)


def test_yes_or_no_naming_what_it_answers_is_fine(tmp_path) -> None:
    data = yaml.safe_load((BUNDLED_DIR / "faq.yaml").read_text(encoding="utf-8"))
    data["topics"][0]["answer"]["nl"] = "Ja, een wijkraad kan een wijkplatform worden."
    (tmp_path / "faq.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_content(tmp_path).topics[data["topics"][0]["id"]].answer.nl.startswith("Ja, een")
