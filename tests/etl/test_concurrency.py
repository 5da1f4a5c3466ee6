"""Many processes writing at once, on SQLite (WAL, busy timeout) and PostgreSQL: every save either
lands or is refused as a conflict with both values shown; none is lost or silently overwritten, and
the audit trail has exactly one entry per landed change.

The writers are real processes (``fork``: the modules are already imported, so each starts in a few
milliseconds), released together by a barrier; each makes its own engine. A process that hangs
fails the test after a timeout instead of hanging the run.
"""

from __future__ import annotations

import multiprocessing
import queue as queues
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import Engine, text

from etl import accounts as acc
from etl import submissions as sub
from etl.db import make_engine
from etl.errors import ConflictError

if sys.platform == "win32":  # pragma: no cover - the project runs on Linux
    pytest.skip("needs fork", allow_module_level=True)

PERIOD = "2026S2"  # entered against the 2025 unit catalog
CATALOG = "2025"
TIMEOUT_S = 60.0  # for one race, start to finish; a hung process fails the test after this
CTX = multiprocessing.get_context("fork")

GOOD = {"DLG_HELD": "2", "DLG_OPINIONS": "15", "DLG_ANSWERED": "12", "CMP_CARRY": "0", "CMP_NEW": "5",
        "CMP_COMPETENT": "4", "CMP_RESOLVED": "3"}  # fmt: skip


# ------------------------------------------------------------------------------------------------
# Running jobs in processes released together
# ------------------------------------------------------------------------------------------------


def _do(engine: Engine, job: tuple, barrier) -> object:  # type: ignore[no-untyped-def]
    """One job of a child process; returns what it gives back when it lands. The account is read
    (and a connection made) first; then the child waits for the others and all go at once."""
    kind, username, *args = job
    with engine.connect() as connection:
        account = acc.find_account(connection, username)
    barrier.wait(timeout=TIMEOUT_S)
    if kind == "save":
        unit_id, values, expected = args
        return sub.save_draft(engine, account, unit_id, PERIOD, values, expected_version=expected)
    if kind == "submit":
        unit_id, expected = args
        return sub.submit(engine, account, unit_id, PERIOD, expected_version=expected)
    if kind == "save+submit":
        unit_id, values = args
        state = sub.save_draft(engine, account, unit_id, PERIOD, values, expected_version=0)
        return sub.submit(engine, account, unit_id, PERIOD, expected_version=state.version)
    if kind == "approve":
        submission_id, expected = args
        return sub.approve(engine, account, submission_id, expected_version=expected)
    raise AssertionError(kind)


def _child(url: str, barrier, results, index: int, job: tuple) -> None:  # type: ignore[no-untyped-def]
    """A child process: its own engine (never one inherited through fork), one job, its outcome."""
    try:
        engine = make_engine(url)
        try:
            done = _do(engine, job, barrier)
        finally:
            engine.dispose()
        outcome: tuple = ("landed", getattr(done, "version", None))
    except ConflictError as exc:
        outcome = ("conflict", str(exc), dict(exc.theirs), dict(exc.mine))
    except BaseException as exc:  # anything else is a failure the parent reports
        barrier.abort()  # the others need not wait for this one
        outcome = ("error", f"{type(exc).__name__}: {exc}")
    results.put((index, outcome))


def race(url: str, jobs: Sequence[tuple], timeout: float = TIMEOUT_S) -> list[tuple]:
    """Run each job in its own process, all released at once; their outcomes in job order."""
    barrier = CTX.Barrier(len(jobs))
    results = CTX.Queue()
    processes = [CTX.Process(target=_child, args=(url, barrier, results, i, job)) for i, job in enumerate(jobs)]
    for process in processes:
        process.start()
    outcomes: dict[int, tuple] = {}
    deadline = time.monotonic() + timeout
    try:
        while len(outcomes) < len(jobs):
            try:
                index, outcome = results.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queues.Empty:
                break
            outcomes[index] = outcome
        for process in processes:
            process.join(timeout=max(deadline - time.monotonic(), 1.0))
    finally:
        hung = [p for p in processes if p.is_alive()]
        for process in hung:
            process.kill()
            process.join(5)
    assert not hung and len(outcomes) == len(jobs), f"{len(hung)} process(es) hung; {len(outcomes)} answered"
    return [outcomes[i] for i in range(len(jobs))]


# ------------------------------------------------------------------------------------------------
# Set-up and reading back
# ------------------------------------------------------------------------------------------------


def _communes(engine: Engine, count: int, exclude: Sequence[int] = ()) -> list[int]:
    with engine.connect() as connection:
        ids = connection.execute(
            text("SELECT id FROM unit WHERE catalog = :c AND level = 3 ORDER BY code, id"), {"c": CATALOG}
        ).scalars()
        chosen = [i for i in ids if i not in exclude][:count]
    assert len(chosen) == count
    return chosen


@pytest.fixture(autouse=True)
def _quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nobody signs in here: skip the (deliberately slow) password hashing of the accounts made."""
    monkeypatch.setattr(acc, "hash_password", lambda password: "not-a-hash")


@contextmanager
def _engine(url: str) -> Iterator[Engine]:
    """An engine for the parent's set-up and checks, disposed before the next race forks."""
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def _open(engine: Engine) -> None:
    with engine.begin() as connection:
        sub.open_period(connection, PERIOD, deadline=date(2026, 12, 20), by="test")


def _officials(engine: Engine, prefix: str, scopes: Sequence[Sequence[int]]) -> list[str]:
    names = []
    with engine.begin() as connection:
        for number, units in enumerate(scopes):
            name = f"{prefix}{number}"
            acc.create_user(connection, username=name, password="mật khẩu", role="official", unit_ids=list(units))
            names.append(name)
    return names


def _draft(engine: Engine, unit_id: int) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(
            connection.execute(
                text(
                    "SELECT d.indicator_code, d.raw FROM draft_value d JOIN submission s ON s.id = d.submission_id "
                    "WHERE s.unit_id = :u AND s.period_code = :p"
                ),
                {"u": unit_id, "p": PERIOD},
            ).all()
        )


def _submission(engine: Engine, unit_id: int) -> tuple[int, str, int]:
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT id, status, version FROM submission WHERE unit_id = :u AND period_code = :p"),
            {"u": unit_id, "p": PERIOD},
        ).one()
    return row[0], row[1], row[2]


def _events(engine: Engine, submission_id: int) -> list[str]:
    with engine.connect() as connection:
        return list(
            connection.execute(
                text("SELECT action FROM submission_event WHERE submission_id = :s ORDER BY id"), {"s": submission_id}
            ).scalars()
        )


def _audit(engine: Engine, unit_ids: Sequence[int]) -> dict[tuple[int, str], int]:
    """Audit rows per (unit, indicator) of the period for these units."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT unit_id, indicator_code, COUNT(*) FROM value_audit WHERE period_code = :p "
                "GROUP BY unit_id, indicator_code"
            ),
            {"p": PERIOD},
        ).all()
    return {(u, i): n for u, i, n in rows if u in set(unit_ids)}


def _stored(engine: Engine, unit_id: int) -> dict[str, float]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT indicator_code, value FROM data_value WHERE unit_id = :u AND period_code = :p"),
            {"u": unit_id, "p": PERIOD},
        ).all()
    return {code: float(value) for code, value in rows}


def _one_lands(outcomes: list[tuple], who: Sequence[str], mine: Sequence[dict[str, str]] | None = None) -> int:
    """Exactly one outcome landed and the other is a conflict naming the winner (``who``: each job's
    account); with ``mine`` (each job's values), the conflict shows the winner's values as
    ``theirs`` and its own as ``mine``, field by field. Returns the winner's index."""
    assert not [o for o in outcomes if o[0] == "error"], outcomes
    kinds = sorted(o[0] for o in outcomes)
    assert kinds == ["conflict", "landed"], outcomes
    winner = next(i for i, o in enumerate(outcomes) if o[0] == "landed")
    loser = 1 - winner
    _, message, theirs, their_mine = outcomes[loser]
    assert message.startswith(f"{who[winner]} đã "), message  # the one who won, read after it won
    if mine is not None:
        differ = sorted(k for k in set(mine[0]) | set(mine[1]) if mine[0].get(k, "") != mine[1].get(k, ""))
        assert differ and theirs == {k: mine[winner].get(k, "") for k in differ}, outcomes
        assert their_mine == {k: mine[loser].get(k, "") for k in differ}, outcomes
    return winner


# ------------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------------


def test_twenty_communes_save_and_submit_at_once(db_url):
    with _engine(db_url) as engine:
        _open(engine)
        units = _communes(engine, 20)
        names = _officials(engine, "xa.", [[u] for u in units])
    values = [{**GOOD, "DLG_OPINIONS": str(15 + n), "CMP_NEW": str(5 + n)} for n in range(20)]

    outcomes = race(db_url, [("save+submit", names[n], units[n], values[n]) for n in range(20)])

    assert outcomes == [("landed", 2)] * 20  # save → version 1, submit → version 2; no lock error
    with _engine(db_url) as engine:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM submission")).scalar_one() == 20
        audit = _audit(engine, units)
        assert len(audit) == 20 * len(GOOD) and set(audit.values()) == {1}  # one entry per figure written
        for n, unit_id in enumerate(units):
            submission_id, status, version = _submission(engine, unit_id)
            assert (status, version) == ("submitted", 2)
            assert _draft(engine, unit_id) == values[n]
            assert _stored(engine, unit_id) == {k: float(v) for k, v in values[n].items()}
            assert _events(engine, submission_id) == ["create", "submit"]


def test_two_officials_on_the_same_form(db_url):
    """Two officials of one commune (and then two reviewers) act at the same moment, several rounds
    on fresh forms so that both orders happen: one lands, the other is shown both values."""
    rounds = 5
    with _engine(db_url) as engine:
        _open(engine)
        units = _communes(engine, rounds)
        first, second = _officials(engine, "ban.", [units, units])
        with engine.begin() as connection:
            for name in ("duyet.a", "duyet.b"):  # reviewers, scope everywhere
                acc.create_user(connection, username=name, password="mật khẩu", role="reviewer")

    winners = []
    for number, unit_id in enumerate(units):
        # Both opened the empty form (version 0) and save different figures.
        mine = [{**GOOD, "DLG_HELD": "2"}, {**GOOD, "DLG_HELD": "3", "DLG_OPINIONS": str(20 + number)}]
        outcomes = race(db_url, [("save", first, unit_id, mine[0], 0), ("save", second, unit_id, mine[1], 0)])
        winner = _one_lands(outcomes, (first, second), mine)
        winners.append(winner)
        assert outcomes[winner] == ("landed", 1)
        with _engine(db_url) as engine:
            assert _draft(engine, unit_id) == mine[winner]
            submission_id, status, version = _submission(engine, unit_id)
            assert (status, version) == ("draft", 1) and _events(engine, submission_id) == ["create"]

        # Both read version 1 and save again.
        mine = [{**GOOD, "CMP_NEW": "6"}, {**GOOD, "CMP_NEW": "7", "CMP_RESOLVED": "2"}]
        outcomes = race(db_url, [("save", first, unit_id, mine[0], 1), ("save", second, unit_id, mine[1], 1)])
        winner = _one_lands(outcomes, (first, second), mine)
        assert outcomes[winner] == ("landed", 2)
        kept = mine[winner]
        with _engine(db_url) as engine:
            assert _draft(engine, unit_id) == kept
            assert _submission(engine, unit_id)[1:] == ("draft", 2)

        # Both submit version 2: the figures are written (and audited) once.
        outcomes = race(db_url, [("submit", first, unit_id, 2), ("submit", second, unit_id, 2)])
        winner = _one_lands(outcomes, (first, second))
        assert outcomes[winner] == ("landed", 3)
        with _engine(db_url) as engine:
            assert _submission(engine, unit_id)[1:] == ("submitted", 3)
            assert _stored(engine, unit_id) == {k: float(v) for k, v in kept.items()}
            audit = _audit(engine, [unit_id])
            assert len(audit) == len(kept) and set(audit.values()) == {1}

        # Two reviewers approve it at once.
        outcomes = race(db_url, [("approve", "duyet.a", submission_id, 3), ("approve", "duyet.b", submission_id, 3)])
        _one_lands(outcomes, ("duyet.a", "duyet.b"))
        with _engine(db_url) as engine:
            assert _submission(engine, unit_id)[1:] == ("approved", 4)
            assert _events(engine, submission_id) == ["create", "submit", "approve"]
            audit = _audit(engine, [unit_id])
            assert len(audit) == len(kept) and set(audit.values()) == {1}  # approval writes no figure again
            assert _stored(engine, unit_id) == {k: float(v) for k, v in kept.items()}
    print(f"first saver won {winners.count(0)} of {rounds} rounds")
