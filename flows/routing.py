"""Which stadsdeel's gebiedsverbinders receive a submission: the first matching rule, else its own."""

from __future__ import annotations

from content.model import Content


def route(content: Content, *, stadsdeel: str, wijk: str, theme: str, kind: str) -> str:
    for rule in content.routing_rules:
        if rule.matches(stadsdeel=stadsdeel, wijk=wijk, theme=theme, kind=kind):
            return rule.route_to
    return stadsdeel
