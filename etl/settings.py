"""One validated ``Settings`` object, read from the environment (prefix ``QCDC_``).

Every setting is declared once, here, with its default and help text; README's configuration
table is checked against this class by ``tests/test_docs.py``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from etl.periods import Convention

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_database_url() -> str:
    folder = Path(user_data_dir("qcdc-tracker", appauthor=False))
    return f"sqlite:///{folder / 'qcdc.sqlite3'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="QCDC_", extra="ignore")

    database_url: str = Field(
        default_factory=default_database_url,
        repr=False,  # may hold a password: never in a repr, a log line or a traceback's locals
        description="SQLAlchemy URL of the database: sqlite:///PATH (default: a file in the "
        "per-user data folder) or postgresql+psycopg://USER:PASSWORD@HOST/DB.",
    )
    pool_size: int = Field(
        default=5,
        ge=1,
        description="Connections each process keeps in its pool for a server database (PostgreSQL); "
        "SQLite keeps its own.",
    )
    pool_max_overflow: int = Field(
        default=10,
        ge=0,
        description="Extra connections a process may open beyond QCDC_POOL_SIZE at busy moments "
        "(closed again when returned).",
    )
    pool_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="How long a request waits for a free pooled connection before failing.",
    )
    pool_recycle_s: int = Field(
        default=1800,
        ge=0,
        description="Replace a pooled connection older than this many seconds (0: never), so that "
        "a firewall or a server dropping idle connections is never noticed.",
    )
    period_convention: Convention = Field(
        default=Convention.CALENDAR,
        description="How half-years are cut: 'calendar' (1/1–30/6, 1/7–31/12) or 'dec15' (15/12–14/6, 15/6–14/12).",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Folder with the reference data (indicators.csv) and the sample files.",
    )
    max_upload_mb: float = Field(
        default=20.0,
        gt=0,
        description="Largest file, in megabytes, that `qcdc load` and the upload page accept.",
    )
    sqlite_busy_timeout_s: float = Field(
        default=30.0,
        ge=0,
        description="How long a write waits for a locked SQLite database before giving up.",
    )
    timezone: str = Field(
        default="Asia/Ho_Chi_Minh",
        description="Time zone in which dates and times are shown (stored times are UTC).",
    )
    session_minutes: int = Field(
        default=480,
        gt=0,
        description="How long a dashboard sign-in lasts before the user must sign in again.",
    )
    login_max_failures: int = Field(
        default=5,
        gt=0,
        description="Failed sign-ins (per account, and per address) before sign-in is paused.",
    )
    login_lockout_minutes: int = Field(
        default=15,
        gt=0,
        description="How long sign-in stays paused after too many failures.",
    )
    pdf_server: str = Field(
        default="",
        description="Address of a running unoserver (LibreOffice kept started, e.g. http://127.0.0.1:2003) "
        "that converts PDFs in about a second; empty: LibreOffice is started for each PDF (2–3 s).",
    )
    pdf_server_lang: str = Field(
        default="vi",
        pattern="^(vi|en)$",
        description="The language the unoserver was started in (LANG=vi_VN.UTF-8 for vi): outputs in that "
        "language go through it, the others start LibreOffice in their own language.",
    )
    user: str = Field(
        default="",
        description="Name recorded in import batches and the audit trail for command-line "
        "loads (default: the operating-system user).",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str) -> str:
        value = value.strip()
        if value.startswith("postgres://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgres://")
        elif value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
