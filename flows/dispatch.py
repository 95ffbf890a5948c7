"""Routing as one table, built from what each flow declares.

Each flow module owns its routes and declares them in a module-level ``ROUTES``:

- the commands it answers (a Dutch and an English name, and further aliases), with the
  description shown in /help and in the platform's command menu;
- the buttons it owns: a button's action is ``prefix:rest``, and a flow claims whole prefixes
  (``in`` for the intake) or single exact actions (``m:idee`` in the main menu). Each claim has a
  strict pattern for what follows the prefix, so forged or stale button data never reaches a
  handler in a form it did not expect (numbers are at most 12 digits, ASCII only);
- its conversation steps: what handles typed text at that step, how to ask again, and what
  handles a location or photo sent at that step.

:class:`RouteTable` joins the declarations and refuses two flows that claim the same command,
alias, prefix or exact action, so a collision is found when the assistant is built (and by a test),
never by a resident pressing the wrong button.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from flows.types import Reply

# A number in button data: ASCII digits only, small enough for SQLite's 64-bit integers.
ID = r"[0-9]{1,12}"
# A word in button data: codes of wijken, stadsdelen, themes, topics, steps.
CODE = r"[A-Za-z0-9_-]{1,40}"

_EMPTY = re.fullmatch("", "")

Handler = Callable[..., Awaitable[list[Reply]] | list[Reply]]


async def call(handler: Handler, *args: Any, **kwargs: Any) -> list[Reply]:
    """Call a handler that may or may not be a coroutine function."""
    result = handler(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


@dataclass(frozen=True)
class Command:
    """A command: ``nl`` and ``en`` are the names shown to residents in that language."""

    nl: str
    en: str
    handler: Handler  # handler(ctx) -> replies; the command's arguments are ctx.incoming.text
    description: str = ""  # an N_() message; empty: not listed in /help and the command menu
    aliases: tuple[str, ...] = ()
    staff: bool = False  # listed only for staff
    position: int = 100  # place in /help and the command menu, lowest first

    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.nl, self.en, *self.aliases)))

    def name_in(self, language: str) -> str:
        return self.en if language == "en" else self.nl


@dataclass(frozen=True)
class ButtonRoute:
    """Buttons whose action is ``prefix:<rest>``, where the rest fully matches ``pattern``.

    With ``exact`` set, the route claims just the one whole action ``prefix`` (``menu``, ``m:idee``).
    The handler gets the context and the regular-expression match of the rest.
    """

    prefix: str
    handler: Handler  # handler(ctx, match) -> replies
    pattern: str = ""
    exact: bool = False
    staff: bool = False  # a staff action: tests try it as a resident and as staff of another stadsdeel

    def match(self, rest: str) -> re.Match[str] | None:
        return _compiled(self.pattern).fullmatch(rest)


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


@dataclass(frozen=True)
class DeepLink:
    """A ``/start <payload>`` link (t.me/<bot>?start=<payload>) whose payload fully matches ``pattern``."""

    pattern: str
    handler: Handler  # handler(ctx, payload) -> replies

    def matches(self, payload: str) -> bool:
        return _compiled(self.pattern).fullmatch(payload) is not None


@dataclass(frozen=True)
class Step:
    """A conversation step: what typed text, a location or a photo at this step does."""

    on_text: Callable[..., Awaitable[list[Reply] | None]]  # None: the text did not answer the step
    prompt: Callable[..., Awaitable[list[Reply]]]  # ask the step's question again (with a hint)
    not_understood: str  # an N_() message said before asking again
    on_location: Handler | None = None  # handler(ctx); the location is in ctx.incoming
    on_photo: Handler | None = None  # handler(ctx)


@dataclass(frozen=True)
class Routes:
    """What one flow module declares."""

    flow: str
    commands: tuple[Command, ...] = ()
    buttons: tuple[ButtonRoute, ...] = ()
    steps: dict[str, Step] = field(default_factory=dict)
    deep_links: tuple[DeepLink, ...] = ()


class RouteCollision(ValueError):
    """Two flows claim the same command, prefix, action or step."""


class RouteTable:
    def __init__(self, routes: Iterable[Routes]) -> None:
        self.routes = tuple(routes)
        self._commands: dict[str, tuple[str, Command]] = {}
        self._exact: dict[str, tuple[str, ButtonRoute]] = {}
        self._prefix: dict[str, tuple[str, ButtonRoute]] = {}
        self._steps: dict[tuple[str, str], Step] = {}
        flows: set[str] = set()
        for declared in self.routes:
            if declared.flow in flows:
                raise RouteCollision(f"two flows are named {declared.flow!r}")
            flows.add(declared.flow)
            for command in declared.commands:
                for name in command.names():
                    self._claim(self._commands, name, declared.flow, command, "command /")
            for button in declared.buttons:
                if button.exact:
                    self._claim(self._exact, button.prefix, declared.flow, button, "button action ")
                else:
                    self._claim(self._prefix, button.prefix, declared.flow, button, "button prefix ")
            for step_name, step in declared.steps.items():
                self._steps[(declared.flow, step_name)] = step
        for action, (flow, _button) in self._exact.items():
            head = action.partition(":")[0]
            if head in self._prefix and self._prefix[head][0] != flow:
                raise RouteCollision(f"button action {action!r} of {flow} lies under the prefix {head!r} "
                                     f"of {self._prefix[head][0]}")

    @staticmethod
    def _claim(table: dict[str, Any], key: str, flow: str, value: Any, what: str) -> None:
        if key in table:
            raise RouteCollision(f"{what}{key} is claimed by both {table[key][0]} and {flow}")
        table[key] = (flow, value)

    def command(self, name: str) -> Command | None:
        found = self._commands.get(name)
        return found[1] if found else None

    def staff_buttons(self) -> list[ButtonRoute]:
        return [b for declared in self.routes for b in declared.buttons if b.staff]

    def commands(self) -> list[Command]:
        """Every command once, by position (then in the order the flows declared them)."""
        return sorted((c for declared in self.routes for c in declared.commands), key=lambda c: c.position)

    def deep_link(self, payload: str) -> DeepLink | None:
        """The first declared deep link whose pattern the payload matches."""
        return next((link for declared in self.routes for link in declared.deep_links if link.matches(payload)),
                    None)

    def button(self, action: str) -> tuple[ButtonRoute, re.Match[str]] | None:
        """The route of a button action and the match of what follows its prefix, or None."""
        exact = self._exact.get(action)
        if exact is not None:
            return exact[1], _EMPTY
        head, colon, rest = action.partition(":")
        found = self._prefix.get(head)
        if found is None or not colon:
            return None
        match = found[1].match(rest)
        return (found[1], match) if match is not None else None

    def step(self, flow: str, step: str) -> Step | None:
        return self._steps.get((flow, step))
