"""The database schema (SQLModel). Alembic (``etl/migrations``) owns its evolution.

Families:

* reference data: :class:`CatalogVersion`, :class:`Unit`, :class:`UnitLineage`, :class:`PeriodRow`,
  :class:`Indicator`, :class:`CriteriaSet`;
* figures: :class:`DataValue` (one per unit × period × indicator; a missing row means "not
  reported"), :class:`Target`;
* provenance: :class:`ImportBatch`, :class:`ValueAudit`; :class:`AppState` holds the data version
  that dashboard caches are keyed on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, UniqueConstraint
from sqlalchemy import Text as SAText
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------------------------------------
# Reference data
# ------------------------------------------------------------------------------------------------


class CatalogVersion(SQLModel, table=True):
    """One official catalog of administrative units and the dates it is valid for."""

    __tablename__ = "catalog_version"

    code: str = Field(primary_key=True, max_length=16)
    name_vi: str
    name_en: str
    valid_from: date | None = None
    valid_to: date | None = None
    source: str = ""


class Unit(SQLModel, table=True):
    """A province, district or commune-level unit of one catalog version.

    A GSO code is unique only within its catalog: 30790 is Xã Kiên Bình in ``pre2025`` and
    Xã Hòa Điền in ``2025``.
    """

    __tablename__ = "unit"
    __table_args__ = (
        UniqueConstraint("catalog", "code", name="uq_unit_catalog_code"),
        Index("ix_unit_catalog_level", "catalog", "level"),
        Index("ix_unit_name_key", "name_key"),
        Index("ix_unit_loose_key", "loose_key"),
        Index("ix_unit_parent", "parent_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    catalog: str = Field(foreign_key="catalog_version.code", max_length=16)
    code: str = Field(max_length=8)
    level: int  # 1 province, 2 district, 3 commune / ward / town / special zone
    kind: str = Field(max_length=32)  # "Tỉnh", "Huyện", "Xã", "Phường", "Thị trấn", "Đặc khu" …
    name: str  # full official name: "Xã Kiên Bình"
    short_name: str  # without the kind: "Kiên Bình"
    parent_id: int | None = Field(default=None, foreign_key="unit.id")
    province_code: str = Field(max_length=4)
    district_code: str | None = Field(default=None, max_length=4)
    lat: float | None = None
    lon: float | None = None
    name_key: str  # etl.text.name_key(short_name)
    loose_key: str  # etl.text.loose_key(short_name)


class UnitLineage(SQLModel, table=True):
    """Official old → new succession on 1/7/2025: ``old_unit`` is (part of) ``new_unit``."""

    __tablename__ = "unit_lineage"
    __table_args__ = (
        UniqueConstraint("old_unit_id", "new_unit_id", name="uq_lineage_pair"),
        Index("ix_lineage_new", "new_unit_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    old_unit_id: int = Field(foreign_key="unit.id")
    new_unit_id: int = Field(foreign_key="unit.id")
    whole: bool = True  # False: the old unit was divided and only part of it went here
    is_default: bool = True  # for a divided unit: the successor the official converter names first


class PeriodRow(SQLModel, table=True):
    """A reporting period with its dates under the configured convention."""

    __tablename__ = "period"

    code: str = Field(primary_key=True, max_length=8)  # 2019S1, 2019S2, 2019
    year: int
    half: int  # 1, 2, or 0 for the whole year
    start_date: date
    end_date: date
    label_vi: str
    label_en: str


class Indicator(SQLModel, table=True):
    """An indicator of the catalog (``data/indicators.csv``)."""

    __tablename__ = "indicator"

    code: str = Field(primary_key=True, max_length=32)
    name_vi: str
    name_en: str
    unit_vi: str
    kind: str  # count, stock, rate, level, year
    entered: bool  # False: derived (CMP_PENDING, CMP_RATE), never stored from input
    aggregation: str
    applies_to: str  # all, commune
    rule: str
    position: int
    section_vi: str
    section_en: str


class CriteriaSet(SQLModel, table=True):
    """A national set of new-rural-area criteria and the dates it is in force."""

    __tablename__ = "criteria_set"

    code: str = Field(primary_key=True, max_length=16)  # "2016-2020"
    decision: str
    size: int
    valid_from: date
    valid_to: date | None = None
    levels_vi: str = ""


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------


class DataValue(SQLModel, table=True):
    """One figure. No row means "not reported"; a stored 0 means zero."""

    __tablename__ = "data_value"
    __table_args__ = (
        UniqueConstraint("unit_id", "period_code", "indicator_code", name="uq_value_cell"),
        Index("ix_value_period_indicator", "period_code", "indicator_code"),
        Index("ix_value_batch", "batch_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    period_code: str = Field(foreign_key="period.code", max_length=8)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=32)
    value: float
    note: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))
    criteria_set: str | None = Field(default=None, foreign_key="criteria_set.code", max_length=16)
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = ""
    version: int = 1  # optimistic concurrency: a save names the version it read


class Target(SQLModel, table=True):
    """A committee's target: "Kiên Bình reaches the NTM standard (NTM_LEVEL ≥ 1) in 2019"."""

    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("unit_id", "period_code", "indicator_code", name="uq_target_cell"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    period_code: str = Field(foreign_key="period.code", max_length=8)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=32)
    value: float
    note: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = ""


# ------------------------------------------------------------------------------------------------
# Provenance
# ------------------------------------------------------------------------------------------------


class ImportBatch(SQLModel, table=True):
    """One attempt to load a file (or save a form): what, who, when, and what came of it."""

    __tablename__ = "import_batch"
    __table_args__ = (Index("ix_batch_sha", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    file_name: str
    sha256: str = Field(max_length=64)
    file_format: str = Field(max_length=16)  # long, wide, form, dhis2, targets, form-entry
    loaded_by: str = ""
    started_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None
    rows_read: int = 0
    values_inserted: int = 0
    values_updated: int = 0
    values_unchanged: int = 0
    warnings: int = 0
    outcome: str = Field(max_length=16)  # loaded, unchanged
    message: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))


class ValueAudit(SQLModel, table=True):
    """Every change of a value: old and new (``None`` = not reported), who, when, how."""

    __tablename__ = "value_audit"
    __table_args__ = (
        Index("ix_audit_cell", "unit_id", "period_code", "indicator_code"),
        Index("ix_audit_batch", "batch_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    period_code: str = Field(foreign_key="period.code", max_length=8)
    indicator_code: str = Field(foreign_key="indicator.code", max_length=32)
    old_value: float | None = None
    new_value: float | None = None
    changed_by: str = ""
    changed_at: datetime = Field(default_factory=utcnow)
    source: str = Field(max_length=16)  # file, form
    batch_id: int | None = Field(default=None, foreign_key="import_batch.id")


class AppState(SQLModel, table=True):
    """Small key/value state: ``data_version`` is bumped on every write (dashboard caches)."""

    __tablename__ = "app_state"

    key: str = Field(primary_key=True, max_length=64)
    value: str


# ------------------------------------------------------------------------------------------------
# Accounts, reporting windows and submissions (data entry by communes, review by the committee)
# ------------------------------------------------------------------------------------------------


class UserAccount(SQLModel, table=True):
    """A person who signs in. The password is stored only as an argon2 hash."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)  # NFC, lower case
    full_name: str = ""
    password_hash: str
    role: str = Field(max_length=16)  # admin, reviewer, official, viewer
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    failed_logins: int = 0
    locked_until: datetime | None = None


class UserScope(SQLModel, table=True):
    """A unit or area in a user's scope (an official's communes, a reviewer's district)."""

    __tablename__ = "user_scope"

    user_id: int = Field(foreign_key="user_account.id", primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", primary_key=True)


class LoginFailure(SQLModel, table=True):
    """A failed sign-in, kept to throttle guessing per account and per address."""

    __tablename__ = "login_failure"
    __table_args__ = (Index("ix_login_failure_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64)
    address: str = Field(default="", max_length=64)
    at: datetime = Field(default_factory=utcnow)


class ReportingWindow(SQLModel, table=True):
    """A period open for entry by communes, with its deadline."""

    __tablename__ = "reporting_window"

    period_code: str = Field(foreign_key="period.code", primary_key=True, max_length=8)
    is_open: bool = True
    deadline: date | None = None
    opened_by: str = ""
    updated_at: datetime = Field(default_factory=utcnow)


class Submission(SQLModel, table=True):
    """One commune's return for one period, and where it stands in review."""

    __tablename__ = "submission"
    __table_args__ = (UniqueConstraint("unit_id", "period_code", name="uq_submission_cell"),)

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id")
    period_code: str = Field(foreign_key="period.code", max_length=8)
    status: str = Field(max_length=16)  # draft, submitted, returned, approved
    version: int = 1  # optimistic concurrency: every save names the version it read
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = ""
    submitted_at: datetime | None = None
    submitted_by: str = ""
    reviewed_at: datetime | None = None
    reviewed_by: str = ""
    comment: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))
    returned_fields: str = ""  # indicator codes, space-separated


class DraftValue(SQLModel, table=True):
    """What an official typed, exactly as typed (even when not yet valid): nothing is lost."""

    __tablename__ = "draft_value"

    submission_id: int = Field(foreign_key="submission.id", primary_key=True)
    indicator_code: str = Field(foreign_key="indicator.code", primary_key=True, max_length=32)
    raw: str = ""
    note: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))


class SubmissionEvent(SQLModel, table=True):
    """The history of a submission: saves, submission, return, approval, reopening."""

    __tablename__ = "submission_event"
    __table_args__ = (Index("ix_submission_event_submission", "submission_id"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id")
    action: str = Field(max_length=16)
    from_status: str = Field(default="", max_length=16)
    to_status: str = Field(max_length=16)
    by: str = ""
    at: datetime = Field(default_factory=utcnow)
    comment: str | None = Field(default=None, sa_column=Column(SAText, nullable=True))
