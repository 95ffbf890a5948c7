"""Forged or stale button data: an unknown-button reply, never an exception (issue 10, item 6).

Button data comes from the resident's client and can be anything up to 64 bytes: numbers too
large for SQLite, digits that are not ASCII ("²" passes str.isdigit() but not int()), empty parts.
"""

from __future__ import annotations

import logging

import pytest

from flows import Assistant, Incoming
from storage import Database, StaffRepository
from tests.conftest import text_of

HUGE = "9" * 22
UNKNOWN = "Die knop werkt niet meer"
# The cases of the issue; each must be an unknown button.
REPORTED = [f"my:{HUGE}", f"st:{HUGE}:show", f"myp:{HUGE}", f"op:{HUGE}", "myp:²", "my:²", "st:²", "st:²:show",
            "g:geld:²", "g:²", "myp:", "op:", "my:", "st:", "st::show", "my:1:info:", "my:-1", "op:-1", "myp:1.5",
            "my:١٢", "my:１", "my:1 ", " my:1", "my:1\n", "in:kind:idee:x", "lang:", "menu:", "",
            ":", "::", "ib:cancel:" + HUGE, "ib:cancelyes:²", "g:" + "x" * 41]
# Well-formed data for things that do not exist: a helpful reply, no exception.
ABSENT = ["my:999999999999", "my:999999999999:withdraw:yes", "st:999999999999:show", "st:999999999999:reply",
          "myp:999999", "op:999999", "ib:cancel:999999999999", "ib:cancelyes:999999999999", "t:nothing",
          "g:nothing", "g:nothing:9999", "sd:nowhere", "w:set:nowhere", "f:y:nowhere", "f:u:nowhere",
          "in:w:nowhere", "in:edit:nothing", "lang:xx"]


@pytest.fixture
async def staff(db: Database) -> None:
    await StaffRepository(db).add(900, "gebiedsverbinder", "noord")
    await StaffRepository(db).add(901, "staff", None)


@pytest.mark.parametrize("user_id", [42, 900, 901])
async def test_forged_button_data_is_an_unknown_button(assistant: Assistant, staff: None, user_id: int,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    wrong = []
    with caplog.at_level(logging.DEBUG):
        for action in REPORTED:
            replies = await assistant.handle(Incoming.choice(user_id, action, "nl"))
            if UNKNOWN not in text_of(replies):
                wrong.append((action, text_of(replies)))
    assert wrong == []
    assert [r.getMessage() for r in caplog.records if r.levelno > logging.INFO] == []


@pytest.mark.parametrize("user_id", [42, 900, 901])
async def test_well_formed_data_for_what_does_not_exist_is_answered(assistant: Assistant, staff: None,
                                                                   user_id: int,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        for action in ABSENT:
            assert text_of(await assistant.handle(Incoming.choice(user_id, action, "nl"))), action
    assert [r.getMessage() for r in caplog.records if r.levelno > logging.INFO] == []
