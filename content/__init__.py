"""Content staff edit (FAQ, wijken, gebiedsverbinders, synonyms), loaded and validated at start."""

from content.errors import ContentError
from content.loader import load_content
from content.model import (
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

__all__ = [
    "Content",
    "ContentError",
    "Gebiedsverbinder",
    "Group",
    "RoutingRule",
    "Source",
    "Stadsdeel",
    "Text",
    "Theme",
    "Topic",
    "Wijk",
    "load_content",
]
