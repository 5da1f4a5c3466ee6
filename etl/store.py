"""Every write of figures goes through here: one transaction, in bulk, with provenance and audit.

:func:`plan` compares what is to be written with what the database holds (per period, one query
for all the units concerned) and :func:`write_batch` applies the difference with ``executemany``:
inserts, updates (``version`` + 1), one audit row per changed value, one import batch per file.
When nothing differs, nothing is written — not even a batch — so loading a file twice is a no-op.
A blank in a file means "not reported" and never deletes a stored value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    DateTime,
    Float,
    Integer,
    String,
    bindparam,
    func,
    insert,
    literal,
    null,
    select,
    update,
)

from etl.db import bump_data_version, read_data_version
from etl.models import DataValue, ImportBatch, Target, ValueAudit, utcnow
from etl.resolve import Observation

_CHUNK = 2_000
REBUILD_MIN_ROWS = 200_000  # SQLite: from this many new rows, secondary indexes are rebuilt

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


InsertRow = tuple[int, str, str, float, str | None, str | None]  # unit, period, indicator, value, note, set
# value id, unit, period, indicator, new, old, note, criteria set
UpdateRow = tuple[int, int, str, str, float, float | None, str | None, str | None]


def write_batch(connection: Connection, observations: Sequence[Observation], info: BatchInfo) -> WriteSummary:
    """Write figures inside the caller's transaction; returns what changed.

    The data version is bumped first: on SQLite that statement takes the write lock, so a second
    writer waits (busy timeout) instead of failing half-way.
    """
    bump_data_version(connection)
    changes = plan(connection, observations)
    inserts = [(c.unit_id, c.period_code, c.indicator, c.new, c.note, c.criteria_set) for c in changes.inserts]
    updates = [
        (c.value_id, c.unit_id, c.period_code, c.indicator, c.new, c.old, c.note, c.criteria_set)
        for c in changes.updates
    ]
    return write_changes(connection, inserts, updates, changes.unchanged, info)


def write_changes(
    connection: Connection,
    inserts: Sequence[InsertRow] | FrameRows,
    updates: Sequence[UpdateRow],
    unchanged: int,
    info: BatchInfo,
) -> WriteSummary:
    """Apply a plan: new cells in bulk (``COPY`` on PostgreSQL, one prepared ``executemany`` on
    SQLite), changed cells by id (``version`` + 1), one audit row per changed value, one batch.

    ``inserts`` may be any sized sequence of tuples; it is read once, in order.
    """
    if not inserts and not updates:
        return WriteSummary(0, 0, unchanged, None)
    now = utcnow()
    batch_id = start_batch(connection, info, now)
    if inserts:
        _insert_values(connection, inserts, batch_id, now, info.user)
        # The audit of new cells is written by the database from the rows just inserted.
        connection.execute(
            insert(AUDIT).from_select(
                [
                    AUDIT.c.unit_id,
                    AUDIT.c.period_code,
                    AUDIT.c.indicator_code,
                    AUDIT.c.old_value,
                    AUDIT.c.new_value,
                    AUDIT.c.changed_by,
                    AUDIT.c.changed_at,
                    AUDIT.c.source,
                    AUDIT.c.batch_id,
                ],
                select(
                    VALUES.c.unit_id,
                    VALUES.c.period_code,
                    VALUES.c.indicator_code,
                    null().cast(Float),
                    VALUES.c.value,
                    literal(info.user, String),
                    literal(now, DateTime),
                    literal(info.source, String),
                    literal(batch_id, Integer),
                )
                .where(VALUES.c.batch_id == batch_id, VALUES.c.version == 1)
                .order_by(VALUES.c.id),
            )
        )
    if updates:
        _update_values(connection, updates, batch_id, now, info)
    finish_batch(connection, batch_id, len(inserts), len(updates), unchanged)
    return WriteSummary(len(inserts), len(updates), unchanged, batch_id)


_VALUE_COLUMNS = (
    "unit_id",
    "period_code",
    "indicator_code",
    "value",
    "note",
    "criteria_set",
    "batch_id",
    "updated_at",
    "updated_by",
    "version",
)


def _insert_values(connection: Connection, rows: Sequence[InsertRow], batch_id: int, now: datetime, user: str) -> None:
    columns = ", ".join(_VALUE_COLUMNS)
    dbapi = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(f"COPY {VALUES.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, batch_id, now, user, 1))
        return
    if connection.dialect.name == "sqlite":
        process = VALUES.c.updated_at.type.dialect_impl(connection.dialect).bind_processor(connection.dialect)
        stamp = process(now) if process else now
        marks = ", ".join("?" * len(_VALUE_COLUMNS))
        # Many rows into a table that holds fewer: the secondary indexes are built once afterwards
        # (a sort) instead of being updated row by row. Inside the transaction: all or nothing.
        rebuild = len(rows) >= REBUILD_MIN_ROWS and len(rows) >= _row_count(connection, VALUES)
        secondary = [index for index in VALUES.indexes if not index.unique] if rebuild else []
        for index in secondary:
            index.drop(connection)
        cursor = dbapi.cursor()
        try:
            cursor.executemany(
                f"INSERT INTO {VALUES.name} ({columns}) VALUES ({marks})",
                ((*row, batch_id, stamp, user, 1) for row in rows),
            )
        finally:
            cursor.close()
        for index in secondary:
            index.create(connection)
        return
    for chunk in _chunks(list(rows)):  # pragma: no cover - other databases (FrameRows cannot be sliced)
        connection.execute(
            insert(VALUES),
            [dict(zip(_VALUE_COLUMNS, (*row, batch_id, now, user, 1), strict=True)) for row in chunk],
        )


def _row_count(connection: Connection, table) -> int:  # type: ignore[no-untyped-def]
    return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def _update_values(
    connection: Connection, updates: Sequence[UpdateRow], batch_id: int, now: datetime, info: BatchInfo
) -> None:
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
    for chunk in _chunks(updates):
        connection.execute(
            statement,
            [{"b_id": u[0], "b_value": u[4], "b_note": u[6], "b_set": u[7]} for u in chunk],
        )
        connection.execute(
            insert(AUDIT),
            [
                {
                    "unit_id": u[1],
                    "period_code": u[2],
                    "indicator_code": u[3],
                    "old_value": u[5],
                    "new_value": u[4],
                    "changed_by": info.user,
                    "changed_at": now,
                    "source": info.source,
                    "batch_id": batch_id,
                }
                for u in chunk
            ],
        )


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


# ------------------------------------------------------------------------------------------------
# Column-wise plans, for large files (etl.bulk)
# ------------------------------------------------------------------------------------------------

_CELL = ["unit_id", "period", "indicator"]


STORED_COLUMNS = ["id", "unit_id", "period", "indicator", "value", "note", "criteria_set"]


def stored_frame(connection: Connection, period_codes: Sequence[str], unit_ids: np.ndarray) -> pd.DataFrame:
    """Stored figures of some periods for some units (:data:`STORED_COLUMNS`), read through the
    driver's cursor a slice at a time.

    When the periods hold most of the table (a nationwide reload), the table is read once from end
    to end: on SQLite an index lookup per row would visit the table's pages in random order.
    """
    ids = np.unique(unit_ids)
    periods = sorted(set(period_codes))
    if not periods or not len(ids):
        return pd.DataFrame(columns=STORED_COLUMNS)
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    where = f"period_code IN ({', '.join([mark] * len(periods))})"
    parameters: list[object] = list(periods)
    scan = False
    if len(ids) <= _CHUNK:
        where += f" AND unit_id IN ({', '.join([mark] * len(ids))})"
        parameters += ids.tolist()
    elif sqlite:
        counts = dict(
            connection.execute(select(VALUES.c.period_code, func.count()).group_by(VALUES.c.period_code)).all()
        )
        scan = sum(counts.get(p, 0) for p in periods) > 0.25 * sum(counts.values())
    table = VALUES.name + (" NOT INDEXED" if scan else "")
    sql = f"SELECT id, unit_id, period_code, indicator_code, value, note, criteria_set FROM {table} WHERE {where}"
    cursor = connection.connection.driver_connection.cursor()
    parts = []
    try:
        cursor.execute(sql, parameters)
        while rows := cursor.fetchmany(200_000):
            part = pd.DataFrame.from_records(rows, columns=STORED_COLUMNS)
            parts.append(part.astype({"period": "category", "indicator": "category"}))
    finally:
        cursor.close()
    if not parts:
        return pd.DataFrame(columns=STORED_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.astype({"period": str, "indicator": str, "note": object, "criteria_set": object})
    if len(ids) > _CHUNK:
        frame = frame[frame["unit_id"].isin(ids)]
    return frame


class FrameRows:
    """The rows of a frame as :data:`InsertRow` tuples, made a slice at a time (not all at once)."""

    def __init__(self, frame: pd.DataFrame, step: int = 100_000) -> None:
        self.frame = frame
        self.step = step

    def __len__(self) -> int:
        return len(self.frame)

    def __iter__(self) -> Iterator[InsertRow]:
        for start in range(0, len(self.frame), self.step):
            part = self.frame.iloc[start : start + self.step]
            yield from zip(
                part["unit_id"].tolist(),
                part["period"].astype(str).tolist(),
                part["indicator"].astype(str).tolist(),
                part["value"].tolist(),
                _texts(part["note"]),
                _texts(part["criteria_set"]),
                strict=True,
            )


def _texts(column: pd.Series) -> list[str | None]:
    """A column of optional texts as Python values (pandas may hold a missing text as NaN)."""
    return [value if isinstance(value, str) else None for value in column.tolist()]


def _same(left: pd.Series, right: pd.Series) -> np.ndarray:
    """Element-wise equality where two missing values are equal."""
    left, right = left.astype(object), right.astype(object)
    missing = left.isna().to_numpy() & right.isna().to_numpy()
    return missing | (left == right).fillna(False).to_numpy(dtype=bool)


@dataclass
class FramePlan:
    inserts: pd.DataFrame
    updates: list[UpdateRow]
    unchanged: int


def plan_frame(connection: Connection, frame: pd.DataFrame, stored: pd.DataFrame | None = None) -> FramePlan:
    """:func:`plan` for a column-wise frame holding each cell once (``BulkTable.unique_frame()``),
    one period at a time. ``stored``: the stored figures of the frame's periods and units when the
    caller has just read them (:func:`stored_frame`); otherwise they are read here."""
    periods = [str(p) for p in frame["period"].unique()]
    if stored is None:
        stored = stored_frame(connection, periods, frame["unit_id"].to_numpy())
    by_period = {str(p): part for p, part in stored.groupby("period", sort=False)} if len(stored) else {}
    inserts: list[pd.DataFrame] = []
    updates: list[UpdateRow] = []
    unchanged = 0
    for period, part in frame.groupby("period", observed=True, sort=True):
        known = by_period.get(str(period))
        if known is None or known.empty:
            inserts.append(part)
            continue
        merged = part.merge(
            known.drop(columns="period"), on=["unit_id", "indicator"], how="left", suffixes=("", "_old")
        )
        new = merged["id"].isna().to_numpy()
        note = merged["note"].where(merged["note"].notna(), merged["note_old"])
        same = (
            (merged["value"] == merged["value_old"]).to_numpy()
            & _same(note, merged["note_old"])
            & _same(merged["criteria_set"], merged["criteria_set_old"])
        )
        unchanged += int((~new & same).sum())
        inserts.append(part[new])
        changed = merged[~new & ~same]
        updates.extend(
            zip(
                changed["id"].astype(int).tolist(),
                changed["unit_id"].tolist(),
                [str(period)] * len(changed),
                changed["indicator"].astype(str).tolist(),
                changed["value"].tolist(),
                changed["value_old"].tolist(),
                _texts(note[~new & ~same]),
                _texts(changed["criteria_set"]),
                strict=True,
            )
        )
    new_cells = pd.concat(inserts) if inserts else frame.iloc[:0]
    # Unit by unit: new index entries land next to each other, not all over the index.
    new_cells = new_cells.sort_values(_CELL, kind="stable")
    return FramePlan(new_cells, updates, unchanged)


def write_frame(
    connection: Connection, frame: pd.DataFrame, info: BatchInfo, snapshot: tuple[int, pd.DataFrame] | None = None
) -> WriteSummary:
    """:func:`write_batch` for a column-wise frame: same rules, same audit, one batch.

    ``snapshot`` is (data version, stored figures) as read while the file was checked: when no
    write has happened since (the version is still the same), they are not read again."""
    bump_data_version(connection)
    stored = None
    if snapshot is not None and read_data_version(connection) == snapshot[0] + 1:
        stored = snapshot[1]
    changes = plan_frame(connection, frame, stored)
    return write_changes(connection, FrameRows(changes.inserts), changes.updates, changes.unchanged, info)
