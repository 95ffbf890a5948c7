"""Content errors that tell staff exactly where to look."""

from __future__ import annotations


class ContentError(Exception):
    """A problem in a content file, naming the file, the entry and the field."""

    def __init__(self, file: str, entry: str, field: str, problem: str) -> None:
        self.file = file
        self.entry = entry
        self.field = field
        self.problem = problem
        where = f"{file}: {entry}" if entry else file
        if field:
            where += f", field '{field}'"
        super().__init__(f"{where}: {problem}")
