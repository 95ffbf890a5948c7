"""Every command an answer tells residents to type exists, under that language's name.

The FAQ's answers point to the assistant's own features (/idee, /mijn, /inspraak). When a feature
changes, a stale answer must not send a resident to a command that does not exist, or give the
Dutch name in an English answer.
"""

from __future__ import annotations

import re

from flows.assistant import route_table

COMMAND = re.compile(r"(?<![\w/])/([a-z]+)\b")


def test_answers_name_only_commands_of_their_language(content) -> None:
    commands = route_table().commands()
    names = {language: {c.name_in(language) for c in commands} for language in ("nl", "en")}
    wrong = []
    for topic in content.topics.values():
        for language in ("nl", "en"):
            for name in COMMAND.findall(topic.answer.get(language)):
                if name not in names[language]:
                    wrong.append(f"{topic.id} ({language}): /{name}")
    assert not wrong, wrong


def test_the_check_finds_commands_in_a_text() -> None:
    assert COMMAND.findall("typ /idee of /mijn; zie haarlem.nl/wijkplatforms") == ["idee", "mijn"]
