"""Every write of figures goes through here: one transaction, in bulk, with provenance and audit.

:func:`plan` compares what is to be written with what the database holds (per period, one query
for all the units concerned) and :func:`write_batch` applies the difference with ``executemany``:
inserts, updates (``version`` + 1), one audit row per changed value, one import batch per file.
When nothing differs, nothing is written — not even a batch — so loading a file twice is a no-op.
A blank in a file means "not reported" and never deletes a stored value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from etl.db import bump_data_version
from etl.models import DataValue, ImportBatch, Target, ValueAudit, utcnow
from etl.resolve import Observation

_CHUNK = 2_000

VALUES = DataValue.__table__  # type: ignore[attr-defined]
AUDIT = ValueAudit.__table__  # type: ignore[attr-defined]
BATCHES = ImportBatch.__table__  # type: ignore[attr-defined]
TARGETS = Target.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class Change:
    """One cell to insert (``value_id`` None) or update."""

    unit_id: int
    period_code: str
    indicator: str
    new: float
    note: str | None
    criteria_set: str | None
    old: float | None = None
    value_id: int | None = None


@dataclass(slots=True)
class Plan:
    inserts: list[Change] = field(default_factory=list)
    updates: list[Change] = field(default_factory=list)
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.inserts and not self.updates


@dataclass(frozen=True, slots=True)
class BatchInfo:
    file_name: str
    sha256: str
    file_format: str
    user: str
    rows_read: int = 0
    warnings: int = 0
    source: str = "file"  # file or form (recorded in the audit trail)
    message: str | None = None


@dataclass(frozen=True, slots=True)
class WriteSummary:
    inserted: int
    updated: int
    unchanged: int
    batch_id: int | None

    @property
    def changed(self) -> bool:
        return self.batch_id is not None


def _chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_values(
    connection: Connection, table, period_code: str, unit_ids: Iterable[int]
) -> dict[tuple[int, str], tuple]:
    """(unit_id, indicator) → (id, value, note[, criteria_set]) stored for one period."""
    ids = sorted(set(unit_ids))
    out: dict[tuple[int, str], tuple] = {}
    columns = [table.c.unit_id, table.c.indicator_code, table.c.id, table.c.value, table.c.note]
    if "criteria_set" in table.c:
        columns.append(table.c.criteria_set)
    for chunk in _chunks(ids):
        rows = connection.execute(
            select(*columns).where(table.c.period_code == period_code, table.c.unit_id.in_(chunk))
        )
        for row in rows:
            out[(row[0], row[1])] = tuple(row[2:])
    return out


def plan(connection: Connection, observations: Iterable[Observation], *, table=VALUES) -> Plan:
    """What writing ``observations`` would change, compared with the stored figures."""
    by_period: dict[str, dict[tuple[int, str], Observation]] = defaultdict(dict)
    for obs in observations:  # the same cell twice (a duplicate the loader warned about): last wins
        by_period[obs.period.code][(obs.unit_id, obs.indicator)] = obs
    result = Plan()
    for period_code, cells in by_period.items():
        stored = existing_values(connection, table, period_code, (unit_id for unit_id, _ in cells))
        for obs in cells.values():
            current = stored.get((obs.unit_id, obs.indicator))
            note = obs.note
            if current is None:
                result.inserts.append(
                    Change(obs.unit_id, period_code, obs.indicator, obs.value, note, obs.criteria_set)
                )
                continue
            value_id, old_value, old_note = current[0], current[1], current[2]
            old_set = current[3] if len(current) > 3 else None
            if note is None:
                note = old_note  # a file without a note column keeps the stored note
            if old_value == obs.value and old_note == note and old_set == obs.criteria_set:
                result.unchanged += 1
                continue
            result.updates.append(
                Change(
                    obs.unit_id,
                    period_code,
                    obs.indicator,
                    obs.value,
                    note,
                    obs.criteria_set,
                    old=old_value,
                    value_id=value_id,
                )
            )
    return result


def start_batch(connection: Connection, info: BatchInfo, now: datetime) -> int:
    return connection.execute(
        insert(BATCHES).returning(BATCHES.c.id),
        {
            "file_name": info.file_name,
            "sha256": info.sha256,
            "file_format": info.file_format,
            "loaded_by": info.user,
            "started_at": now,
            "finished_at": None,
            "rows_read": info.rows_read,
            "values_inserted": 0,
            "values_updated": 0,
            "values_unchanged": 0,
            "warnings": info.warnings,
            "outcome": "loading",
            "message": info.message,
        },
    ).scalar_one()


def write_batch(connection: Connection, observations: Sequence[Observation], info: BatchInfo) -> WriteSummary:
    """Write figures inside the caller's transaction; returns what changed.

    The data version is bumped first: on SQLite that statement takes the write lock, so a second
    writer waits (busy timeout) instead of failing half-way.
    """
    bump_data_version(connection)
    changes = plan(connection, observations)
    if changes.is_empty:
        return WriteSummary(0, 0, changes.unchanged, None)
    now = utcnow()
    batch_id = start_batch(connection, info, now)
    if changes.inserts:
        for chunk in _chunks(changes.inserts):
            connection.execute(
                insert(VALUES),
                [
                    {
                        "unit_id": c.unit_id,
                        "period_code": c.period_code,
                        "indicator_code": c.indicator,
                        "value": c.new,
                        "note": c.note,
                        "criteria_set": c.criteria_set,
                        "batch_id": batch_id,
                        "updated_at": now,
                        "updated_by": info.user,
                        "version": 1,
                    }
                    for c in chunk
                ],
            )
    if changes.updates:
        statement = (
            update(VALUES)
            .where(VALUES.c.id == bindparam("b_id"))
            .values(
                value=bindparam("b_value"),
                note=bindparam("b_note"),
                criteria_set=bindparam("b_set"),
                batch_id=batch_id,
                updated_at=now,
                updated_by=info.user,
                version=VALUES.c.version + 1,
            )
        )
        for chunk in _chunks(changes.updates):
            connection.execute(
                statement,
                [{"b_id": c.value_id, "b_value": c.new, "b_note": c.note, "b_set": c.criteria_set} for c in chunk],
            )
    audit_rows = changes.inserts + changes.updates
    for chunk in _chunks(audit_rows):
        connection.execute(
            insert(AUDIT),
            [
                {
                    "unit_id": c.unit_id,
                    "period_code": c.period_code,
                    "indicator_code": c.indicator,
                    "old_value": c.old,
                    "new_value": c.new,
                    "changed_by": info.user,
                    "changed_at": now,
                    "source": info.source,
                    "batch_id": batch_id,
                }
                for c in chunk
            ],
        )
    finish_batch(connection, batch_id, len(changes.inserts), len(changes.updates), changes.unchanged)
    return WriteSummary(len(changes.inserts), len(changes.updates), changes.unchanged, batch_id)


def finish_batch(connection: Connection, batch_id: int, inserted: int, updated: int, unchanged: int) -> None:
    connection.execute(
        update(BATCHES)
        .where(BATCHES.c.id == batch_id)
        .values(
            values_inserted=inserted,
            values_updated=updated,
            values_unchanged=unchanged,
            finished_at=utcnow(),
            outcome="loaded",
        )
    )


def write_targets(connection: Connection, observations: Sequence[Observation], info: BatchInfo) -> WriteSummary:
    """Upsert a committee's targets (same no-op rule as figures; no per-value audit)."""
    bump_data_version(connection)
    changes = plan(connection, observations, table=TARGETS)
    if changes.is_empty:
        return WriteSummary(0, 0, changes.unchanged, None)
    now = utcnow()
    batch_id = start_batch(connection, info, now)
    if changes.inserts:
        connection.execute(
            insert(TARGETS),
            [
                {
                    "unit_id": c.unit_id,
                    "period_code": c.period_code,
                    "indicator_code": c.indicator,
                    "value": c.new,
                    "note": c.note,
                    "batch_id": batch_id,
                    "updated_at": now,
                    "updated_by": info.user,
                }
                for c in changes.inserts
            ],
        )
    if changes.updates:
        connection.execute(
            update(TARGETS)
            .where(TARGETS.c.id == bindparam("b_id"))
            .values(value=bindparam("b_value"), note=bindparam("b_note"), batch_id=batch_id, updated_at=now),
            [{"b_id": c.value_id, "b_value": c.new, "b_note": c.note} for c in changes.updates],
        )
    finish_batch(connection, batch_id, len(changes.inserts), len(changes.updates), changes.unchanged)
    return WriteSummary(len(changes.inserts), len(changes.updates), changes.unchanged, batch_id)


def batches_with_hash(connection: Connection, sha256: str) -> list[tuple[int, datetime, str]]:
    """Earlier batches of the same file contents: (id, when, by whom)."""
    rows = connection.execute(
        select(BATCHES.c.id, BATCHES.c.started_at, BATCHES.c.loaded_by)
        .where(BATCHES.c.sha256 == sha256)
        .order_by(BATCHES.c.id)
    )
    return [tuple(r) for r in rows]
