"""Content staff edit (FAQ, wijken, gebiedsverbinders, synonyms), loaded and validated at start."""

from content.errors import ContentError
from content.loader import load_content
from content.model import (
    Content,
    Gebiedsverbinder,
    Group,
    Source,
    Stadsdeel,
    Text,
    Topic,
    Wijk,
)

__all__ = [
    "Content",
    "ContentError",
    "Gebiedsverbinder",
    "Group",
    "Source",
    "Stadsdeel",
    "Text",
    "Topic",
    "Wijk",
    "load_content",
]
