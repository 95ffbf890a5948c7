"""The route table: built from what each flow declares, refusing collisions, strict about button data."""

from __future__ import annotations

import pytest

from flows.assistant import FLOWS, route_table
from flows.dispatch import ButtonRoute, Command, RouteCollision, Routes, RouteTable
from tests.conftest import Resident, text_of


def _noop(ctx, *args):
    return []


def test_the_real_flows_build_one_table() -> None:
    table = route_table()
    assert table.command("idee") is table.command("idea") is table.command("melden")
    assert table.button("in:kind:idee") is not None
    assert table.button("m:idee")[0].prefix == "m:idee"
    assert len(FLOWS) == len({module.ROUTES.flow for module in FLOWS})


@pytest.mark.parametrize("second", [
    Routes("b", commands=(Command("hulp", "other", _noop),)),  # an alias of another flow's command
    Routes("b", commands=(Command("x", "help", _noop),)),  # an English name
    Routes("b", buttons=(ButtonRoute("in", _noop, ".*"),)),  # a prefix
    Routes("b", buttons=(ButtonRoute("m:idee", _noop, exact=True),)),  # an exact action
    Routes("b", buttons=(ButtonRoute("st:1:show", _noop, exact=True),)),  # an action under a's prefix
    Routes("a"),  # the same flow name
])
def test_two_flows_claiming_the_same_thing_is_refused(second: Routes) -> None:
    first = Routes("a", commands=(Command("help", "help", _noop, aliases=("hulp",)),),
                   buttons=(ButtonRoute("in", _noop, ".*"), ButtonRoute("m:idee", _noop, exact=True),
                            ButtonRoute("st", _noop, ".*")))
    RouteTable([first])  # alone it is fine
    with pytest.raises(RouteCollision):
        RouteTable([first, second])


@pytest.mark.parametrize("action", [
    "my:9999999999999999999999", "my:²", "myp:²", "myp:99999999999", "st:²:show", "st:99999999999999999:show",
    "op:²", "g:basis:²", "in:kind:idee:extra", "w:set", "t:", "lang:", "nonsense", "my:1:explode",
])
async def test_forged_button_data_is_an_unknown_button(resident: Resident, action: str, caplog) -> None:
    replies = await resident.press(action)
    assert "Die knop werkt niet meer" in text_of(replies)
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
