"""The project's typed errors and located problems.

Every message is in Vietnamese (the users' language) and says what to do. A ``Problem``
names where it was found (file, sheet, row, column) so that a user can go straight to the cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value came from. Rows and columns are 1-based as a spreadsheet shows them."""

    file: str = ""
    sheet: str = ""
    row: int | None = None
    column: str = ""  # spreadsheet letter ("C") or CSV header name

    def __str__(self) -> str:
        parts = [self.file or "-", self.sheet or "-", str(self.row) if self.row else "-"]
        parts.append(self.column or "-")
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a look) in the input, with its place and the offending value."""

    message: str
    location: Location = field(default_factory=Location)
    value: str = ""
    severity: Severity = Severity.ERROR
    code: str = ""  # machine-readable kind, e.g. "unknown_unit", "rule"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        shown = f" (giá trị: {self.value!r})" if self.value != "" else ""
        return f"{self.location}: {self.message}{shown}"


class QcdcError(Exception):
    """Base of every error the project raises on purpose. ``str()`` is a Vietnamese message."""


class ConfigError(QcdcError):
    """A setting is missing or wrong."""


class DatabaseError(QcdcError):
    """The database cannot be reached or is not ready (run ``qcdc init``)."""


class UnreadableFile(QcdcError):
    """The file cannot be opened as a table (not a spreadsheet, corrupt, encrypted, wrong encoding)."""

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message


class InvalidPeriod(QcdcError):
    """A text that is not a reporting period we know."""


class UnknownUnit(QcdcError):
    """A unit code or name that is not in the catalog."""


class ValidationFailed(QcdcError):
    """A file (or form) has errors; nothing was written. ``problems`` lists them all."""

    def __init__(self, problems: list[Problem], source: str = "") -> None:
        self.problems = problems
        self.source = source
        errors = [p for p in problems if p.is_error]
        super().__init__(f"{source or 'Dữ liệu'}: {len(errors)} lỗi, không ghi dữ liệu nào.")


class ConflictError(QcdcError):
    """Someone else saved a newer value since this one was read; the save is refused.

    ``theirs`` and ``mine`` hold the fields that differ (indicator code → text), to show both."""

    def __init__(self, message: str, *, theirs: dict[str, str] | None = None, mine: dict[str, str] | None = None):
        super().__init__(message)
        self.theirs = theirs or {}
        self.mine = mine or {}


class AuthError(QcdcError):
    """Sign-in refused (wrong name or password, disabled account, too many attempts)."""


class PermissionDenied(QcdcError):
    """The account's role or scope does not allow this."""
