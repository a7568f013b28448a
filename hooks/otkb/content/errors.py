"""RecordError: one problem in one editor file, worded for the editor."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class RecordError:
    """A problem at `path:line:column` in `field`.

    `path` is shown as given (relative to the project, e.g.
    `data/activities/hopping.yml`); `line` and `column` count from 1, and 0
    means "the whole file". `field` is a dotted path such as `ages.min` or
    `steps[2]` (list items count from 1, as editors do), or "" when the
    problem is not in one field.
    """

    path: str
    line: int
    column: int
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        field = f" {self.field}:" if self.field else ""
        severity = " warning:" if self.severity == "warning" else ""
        return f"{where}:{field}{severity} {self.message}"


def field_name(loc: tuple) -> str:
    """('ages', 'min') -> 'ages.min'; ('steps', 1) -> 'steps[2]'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def warning(record, loc: tuple, message: str, at: tuple[int, int] | None = None) -> RecordError:
    """A warning about `record`'s field at `loc` (at its line, or at `at`)."""
    line, column = at or record.line_of(loc)
    return RecordError(record.path, line, column, field_name(loc), message, severity="warning")
