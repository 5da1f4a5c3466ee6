"""The ``qcdc`` command: thin commands over the functions of :mod:`etl`.

Exit codes: 0 done (or nothing to change), 1 a file is invalid or the database refused, 2 usage.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from etl import __version__
from etl.db import get_engine, redact_url, upgrade_schema, write_transaction
from etl.errors import InvalidPeriod, QcdcError, UnknownUnit
from etl.load import FileReport, LoadReport, Source, default_user, load
from etl.settings import default_database_url, get_settings
from etl.text import format_datetime

app = typer.Typer(
    name="qcdc",
    help=(
        "QCDC Tracker — theo dõi thực hiện Quy chế dân chủ ở cơ sở theo từng xã, từng kỳ.\n\n"
        "Cơ sở dữ liệu: biến môi trường QCDC_DATABASE_URL; mặc định là tệp SQLite "
        f"{default_database_url().removeprefix('sqlite:///')}"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _echo_err(message: str) -> None:
    sys.stdout.flush()  # keep messages in order when both streams go to one pipe
    typer.echo(message, err=True)


def _fail(exc: QcdcError, code: int = 1) -> typer.Exit:
    _echo_err(f"Lỗi: {exc}")
    return typer.Exit(code)


def _engine():  # type: ignore[no-untyped-def]
    return get_engine(get_settings().database_url)


@app.callback(invoke_without_command=True)
def _main(
    version: Annotated[bool, typer.Option("--version", help="In phiên bản rồi thoát.")] = False,
) -> None:
    if version:
        typer.echo(f"qcdc {__version__}")
        raise typer.Exit(0)


@app.command()
def init() -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (Alembic) và nạp danh mục đơn vị, chỉ tiêu, kỳ báo cáo."""
    from etl.catalog import load_reference_data

    settings = get_settings()
    engine = _engine()
    started = time.perf_counter()
    try:
        revision = upgrade_schema(engine)
        with write_transaction(engine) as connection:
            summary = load_reference_data(connection, convention=settings.period_convention)
    except QcdcError as exc:
        raise _fail(exc) from exc
    typer.echo(f"Cơ sở dữ liệu: {redact_url(settings.database_url)} (lược đồ {revision})")
    typer.echo(f"Danh mục: {summary}")
    typer.echo(f"Xong sau {time.perf_counter() - started:.1f} giây.")


def _print_report(report: LoadReport) -> None:
    for file in report.files:
        _print_file(file, report.dry_run)
    loaded = sum(1 for f in report.files if f.outcome == "loaded")
    invalid = sum(1 for f in report.files if f.outcome == "invalid")
    typer.echo(
        f"Tổng: {len(report.files)} tệp — {loaded} đã nạp, "
        f"{sum(1 for f in report.files if f.outcome in ('unchanged',))} không có gì thay đổi, {invalid} bị từ chối."
    )


def _print_file(file: FileReport, dry_run: bool) -> None:
    for problem in file.errors:
        _echo_err(f"{problem}")
    for problem in file.warnings:
        _echo_err(f"{problem} [cảnh báo]")
    head = f"{file.name}:"
    if file.outcome == "invalid":
        _echo_err(f"{head} {len(file.errors)} lỗi — KHÔNG ghi dữ liệu nào từ tệp này.")
        return
    counts = f"{file.inserted} giá trị mới, {file.updated} thay đổi, {file.unchanged} không đổi"
    warn = f"; {len(file.warnings)} cảnh báo" if file.warnings else ""
    if dry_run:
        typer.echo(f"{head} (chạy thử, không ghi) sẽ có {counts}{warn}.")
    elif file.outcome == "unchanged":
        earlier = ""
        if file.earlier_batches:
            batch_id, when, who = file.earlier_batches[-1]
            local = format_datetime(when, get_settings().timezone)
            earlier = f" Tệp giống hệt đã nạp lúc {local} (lô #{batch_id}, {who})."
        typer.echo(f"{head} không có gì thay đổi — mọi số liệu đã có trong cơ sở dữ liệu.{earlier}")
    else:
        typer.echo(f"{head} đã nạp (lô #{', #'.join(map(str, file.batch_ids))}): {counts}{warn}.")


@app.command("load")
def load_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Tệp .xlsx hoặc .csv (dạng dài, bảng tổng hợp huyện/tỉnh, biểu mẫu xã, DHIS2).",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Kiểm tra và báo sẽ thay đổi gì, không ghi.")] = False,
    area: Annotated[
        str | None,
        typer.Option("--area", help="Mã tỉnh hoặc huyện (ví dụ 902) để tìm tên đơn vị trùng nhau trong địa bàn đó."),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Người nạp, ghi vào nhật ký (mặc định: QCDC_USER).")
    ] = None,
) -> None:
    """Nạp số liệu từ tệp. Tệp có lỗi không ghi gì và liệt kê mọi lỗi dạng tệp:trang:dòng:cột: thông báo."""
    try:
        report = load(_engine(), [Source.from_path(p) for p in files], area_code=area, dry_run=dry_run, user=user)
    except UnknownUnit as exc:  # --area names no province or district: a usage error
        raise _fail(exc, 2) from exc
    except QcdcError as exc:
        raise _fail(exc) from exc
    _print_report(report)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def demo() -> None:
    """Khởi tạo cơ sở dữ liệu và nạp bộ số liệu mẫu huyện Kiên Lương (2017–2026) qua đúng bộ nạp tệp."""
    init()
    sample = get_settings().data_dir / "sample"
    files = sorted(p for p in sample.iterdir() if p.suffix.lower() in {".xlsx", ".csv"})
    if not files:
        _echo_err(f"Không tìm thấy tệp mẫu trong {sample}.")
        raise typer.Exit(1)
    started = time.perf_counter()
    try:
        report = load(_engine(), [Source.from_path(p) for p in files], user="demo")
    except QcdcError as exc:
        raise _fail(exc) from exc
    _print_report(report)
    elapsed = time.perf_counter() - started
    values = sum(f.inserted + f.updated + f.unchanged for f in report.files)
    typer.echo(f"Đã xử lý {values} giá trị từ {len(files)} tệp trong {elapsed:.1f} giây.")
    from etl.accounts import DEMO_ACCOUNTS, ensure_demo_accounts
    from etl.submissions import open_period

    with write_transaction(_engine()) as connection:
        created = ensure_demo_accounts(connection)
        open_period(connection, DEMO_OPEN_PERIOD, deadline=DEMO_DEADLINE, by="demo")
    if created:
        accounts = ", ".join(f"{name} / {password} ({role.value})" for name, password, role, _n, _s in DEMO_ACCOUNTS)
        typer.echo(f"Tài khoản demo (chỉ dùng để thử, không dùng cho số liệu thật): {accounts}")
    typer.echo(f"Kỳ {DEMO_OPEN_PERIOD} đang mở để nhập, hạn nộp {DEMO_DEADLINE:%d/%m/%Y}.")
    typer.echo("Số liệu mẫu là minh họa (xem data/sample/README.md). Xuất thử: qcdc export --period 2019S1")
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def export(
    period: Annotated[str | None, typer.Option("--period", help="Kỳ báo cáo, ví dụ 2019S1, 2019S2, 2019.")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="Mã đơn vị cấp xã (GSO), ví dụ 30790.")] = None,
    indicator: Annotated[str | None, typer.Option("--indicator", help="Mã chỉ tiêu, ví dụ DLG_HELD.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="csv hoặc xlsx.")] = "csv",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Tệp đích (mặc định: CSV ra màn hình).", dir_okay=False),
    ] = None,
    boundaries: Annotated[
        str,
        typer.Option(
            "--boundaries",
            help="reported: như đã báo cáo (mỗi kỳ trên các đơn vị lúc đó); current: theo địa giới hiện nay "
            "(số liệu trước 1/7/2025 cộng vào đơn vị kế thừa; chỉ tiêu nông thôn mới của xã cũ không cộng).",
        ),
    ] = "reported",
) -> None:
    """Xuất số liệu dạng dài: unit_code,unit_name,period,indicator,value."""
    from etl.db import require_schema
    from etl.export import ExportFilter, iter_long_rows
    from etl.indicators import indicator_catalog
    from etl.periods import parse_period
    from etl.writers import write_long_csv, write_long_xlsx

    if boundaries not in {"reported", "current"}:
        raise typer.BadParameter("chỉ nhận reported hoặc current", param_hint="--boundaries")
    fmt = fmt.lower()
    if fmt not in {"csv", "xlsx"}:
        raise typer.BadParameter("chỉ nhận csv hoặc xlsx", param_hint="--format")
    if fmt == "xlsx" and output is None:
        raise typer.BadParameter("xuất xlsx cần --output TỆP", param_hint="--output")
    try:
        period_code = parse_period(period).code if period else None
    except InvalidPeriod as exc:
        raise typer.BadParameter(str(exc), param_hint="--period") from exc
    indicator_code = None
    if indicator:
        indicator_code = indicator_catalog().match(indicator)
        if indicator_code is None:
            raise typer.BadParameter(f"không có chỉ tiêu '{indicator}'", param_hint="--indicator")
    engine = _engine()
    try:
        require_schema(engine)
    except QcdcError as exc:
        raise _fail(exc) from exc
    where = ExportFilter(
        period=period_code,
        unit_code=unit.strip() if unit else None,
        indicator=indicator_code,
        boundaries=boundaries,
    )
    with engine.connect() as connection:
        rows = iter_long_rows(connection, where)
        if fmt == "xlsx":
            assert output is not None
            write_long_xlsx(list(rows), output)
        elif output is None:
            write_long_csv(rows, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as handle:
                write_long_csv(rows, handle)
    if output is not None:
        _echo_err(f"Đã ghi {output}")


@app.command()
def report(
    period: Annotated[str, typer.Option("--period", help="Kỳ báo cáo, ví dụ 2019S1, 2019S2, 2019 (cả năm).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Tệp đích, ví dụ bao-cao-2019S1.docx.", dir_okay=False)
    ],
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="Mã địa bàn (GSO): tỉnh, huyện hoặc xã, trong danh mục mới nhất có mã đó; 'pre2025:902' để chỉ "
            "danh mục trước 1/7/2025. Mặc định: địa bàn nhỏ nhất chứa mọi số liệu.",
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="pptx (trình chiếu, biểu đồ PowerPoint), docx (dự thảo báo cáo sơ kết), xlsx (các bảng và "
            "biểu đồ Excel) hoặc pdf (trình chiếu, cần LibreOffice). Mặc định: theo đuôi của --output.",
        ),
    ] = None,
    boundaries: Annotated[
        str,
        typer.Option(
            "--boundaries",
            help="reported: như đã báo cáo; current: theo địa giới hiện nay (số liệu trước 1/7/2025 cộng vào "
            "đơn vị kế thừa).",
        ),
    ] = "reported",
    lang: Annotated[str, typer.Option("--lang", help="vi (mặc định) hoặc en; báo cáo Word chỉ có tiếng Việt.")] = "vi",
) -> None:
    """Lập tài liệu họp cho một địa bàn và một kỳ: trình chiếu, báo cáo Word, bảng Excel hoặc PDF."""
    from etl.db import require_schema
    from etl.periods import parse_period
    from etl.reports import FORMATS, NoData, UnsupportedOption, resolve_area, write_report
    from etl.reports.build import check_options

    chosen = (fmt or output.suffix.lstrip(".") or "").lower()
    if chosen not in FORMATS:
        raise typer.BadParameter(f"chỉ nhận {', '.join(FORMATS)}", param_hint="--format")
    if boundaries not in {"reported", "current"}:
        raise typer.BadParameter("chỉ nhận reported hoặc current", param_hint="--boundaries")
    try:
        check_options(chosen, lang)
        period_code = parse_period(period).code
    except UnsupportedOption as exc:
        raise typer.BadParameter(str(exc), param_hint="--lang" if lang != "vi" else "--format") from exc
    except InvalidPeriod as exc:
        raise typer.BadParameter(str(exc), param_hint="--period") from exc
    settings = get_settings()
    engine = _engine()
    try:
        require_schema(engine)
        with engine.connect() as connection:
            unit = resolve_area(connection, area)
            written = write_report(
                connection,
                unit.unit_id,
                period_code,
                chosen,
                output,
                boundaries=boundaries,
                lang=lang,
                convention=settings.period_convention,
                timezone=settings.timezone,
            )
    except UnknownUnit as exc:  # --area names no unit: a usage error
        raise _fail(exc, 2) from exc
    except (NoData, QcdcError) as exc:
        raise _fail(exc) from exc
    except OSError as exc:
        raise _fail(QcdcError(f"không ghi được {output}: {exc.strerror or exc}")) from exc
    _echo_err(f"Đã ghi {written.path} ({chosen}, {unit.name}, kỳ {period_code}) sau {written.seconds:.1f} giây.")


@app.command()
def synth(
    output: Annotated[Path, typer.Option("--output", "-o", help="Thư mục đích (tạo nếu chưa có).", file_okay=False)],
    scope: Annotated[
        str,
        typer.Option(
            "--scope",
            help="national: cả nước, một tệp CSV dạng dài; province:MÃ: một tỉnh (mã trước hoặc từ 1/7/2025, "
            "ví dụ province:91), bảng tổng hợp .xlsx theo huyện trước 1/7/2025 và theo tỉnh từ 1/7/2025.",
        ),
    ] = "national",
    first: Annotated[str, typer.Option("--from", help="Kỳ đầu, ví dụ 2017S1 (sớm nhất 2016S1).")] = "2017S1",
    last: Annotated[str, typer.Option("--to", help="Kỳ cuối, ví dụ 2026S1.")] = "2026S1",
    seed: Annotated[int, typer.Option("--seed", help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng tệp.")] = 42,
) -> None:
    """Sinh bộ số liệu giả lập, tái lập được từ hạt giống, để đo hiệu năng: mọi đơn vị cấp xã, mọi chỉ tiêu nhập."""
    from etl.synth import generate

    settings = get_settings()
    try:
        result = generate(output, scope=scope, first=first, last=last, seed=seed, convention=settings.period_convention)
    except QcdcError as exc:  # unknown scope or province, unknown or reversed periods: usage errors
        raise _fail(exc, 2) from exc
    except OSError as exc:
        raise _fail(QcdcError(f"không ghi được vào {output}: {exc.strerror or exc}")) from exc

    def n(number: int) -> str:
        return f"{number:,}".replace(",", ".")

    for file in result.files:
        if file.path.suffix == ".csv":
            typer.echo(f"{file.path}: {n(file.rows)} dòng")
        else:
            typer.echo(f"{file.path}: {n(file.rows)} đơn vị, {n(file.values)} số liệu")
    values = sum(f.values for f in result.files)
    span = f"{result.periods[0].code}–{result.periods[-1].code}"
    typer.echo(
        f"Đã ghi {len(result.files)} tệp, {n(values)} số liệu ({span}, seed {seed}) "
        f"sau {result.seconds:.1f} giây. Số liệu giả lập, không phải số liệu thật."
    )
    today = date.today()
    future = [p.code for p in result.periods if p.start(settings.period_convention) > today]
    if future:
        _echo_err(f"Lưu ý: kỳ {', '.join(future)} chưa bắt đầu; qcdc load không nhận số liệu của kỳ chưa bắt đầu.")
    limit = settings.max_upload_mb * 1024 * 1024
    if any(f.path.stat().st_size > limit for f in result.files):
        _echo_err(
            f"Lưu ý: tệp lớn hơn {settings.max_upload_mb:g} MB; để nạp, đặt QCDC_MAX_UPLOAD_MB lớn hơn "
            "(ví dụ QCDC_MAX_UPLOAD_MB=400 qcdc load TỆP)."
        )


@app.command()
def serve(
    port: Annotated[int, typer.Option("--port", help="Cổng của bảng điều khiển.", min=1, max=65535)] = 8501,
    host: Annotated[
        str, typer.Option("--host", help="Địa chỉ lắng nghe (0.0.0.0 để mở cho cả mạng nội bộ).")
    ] = "127.0.0.1",
) -> None:
    """Mở bảng điều khiển (Streamlit) trên cơ sở dữ liệu QCDC_DATABASE_URL: http://HOST:PORT."""
    import os
    import subprocess
    import tomllib

    from etl.db import redact_url, schema_is_current
    from etl.settings import PROJECT_ROOT

    settings = get_settings()
    try:
        ready = schema_is_current(_engine())
    except QcdcError:
        ready = False
    if not ready:
        _echo_err(
            f"Lỗi: cơ sở dữ liệu {redact_url(settings.database_url)} chưa được khởi tạo — "
            "chạy qcdc demo hoặc qcdc init trước."
        )
        raise typer.Exit(1)
    from etl.accounts import has_demo_accounts
    from etl.queries import is_sample_data

    with _engine().connect() as connection:
        if has_demo_accounts(connection) and not is_sample_data(connection):
            _echo_err(
                "CẢNH BÁO: cơ sở dữ liệu này có số liệu thật nhưng vẫn còn tài khoản demo (mật khẩu công khai "
                "trong README). Hãy khoá chúng: qcdc users disable admin thuky xa.honnghe lanhdao"
            )
    _engine().dispose()  # the dashboard process opens its own pool; this one keeps no connection idle
    script = PROJECT_ROOT / "dashboard" / "app.py"
    options: dict[str, str] = {}
    config = PROJECT_ROOT / ".streamlit" / "config.toml"
    if config.is_file():  # the project's Streamlit settings, whatever folder we run from
        for section, values in tomllib.loads(config.read_text(encoding="utf-8")).items():
            for name, value in values.items():
                options[f"{section}.{name}"] = str(value).lower() if isinstance(value, bool) else str(value)
    options.update(
        {
            "server.port": str(port),
            "server.address": host,
            "server.headless": "true",
            "browser.gatherUsageStats": "false",
        }
    )
    command = [sys.executable, "-m", "streamlit", "run", str(script)]
    for name, value in options.items():
        command += [f"--{name}", value]
    typer.echo(f"Bảng điều khiển: http://{host}:{port} — cơ sở dữ liệu {redact_url(settings.database_url)}")
    typer.echo("Dừng bằng Ctrl+C.")
    try:
        result = subprocess.run(command, env=os.environ.copy(), check=False)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    raise typer.Exit(result.returncode)


@app.command("backup")
def backup_command(
    file: Annotated[
        Path, typer.Argument(help="Tệp sao lưu sẽ ghi (thay tệp cũ cùng tên), ví dụ qcdc-2026-11-29.backup.")
    ],
) -> None:
    """Sao lưu toàn bộ cơ sở dữ liệu vào một tệp, kể cả khi ứng dụng đang chạy (SQLite: bản sao trực tuyến;
    PostgreSQL: pg_dump)."""
    from etl.backup import backup, format_size

    settings = get_settings()
    try:
        result = backup(settings.database_url, file)
    except QcdcError as exc:
        raise _fail(exc) from exc
    kind = "SQLite" if result.kind == "sqlite" else "PostgreSQL, pg_dump dạng custom"
    typer.echo(f"Đã sao lưu cơ sở dữ liệu {redact_url(settings.database_url)} vào {result.path} ({kind}).")
    typer.echo(
        f"Gồm {result.contents.tables} bảng: {result.contents.describe(settings.timezone)}; "
        f"tệp {format_size(result.size)}."
    )
    typer.echo(f"Xong sau {result.seconds:.1f} giây.")


@app.command("restore")
def restore_command(
    file: Annotated[Path, typer.Argument(help="Tệp do qcdc backup ghi (SQLite hoặc pg_dump dạng custom).")],
    force: Annotated[
        bool, typer.Option("--force", help="Thay thế cả khi cơ sở dữ liệu đang có dữ liệu (mất mọi thứ đang có).")
    ] = False,
) -> None:
    """Khôi phục cơ sở dữ liệu từ tệp sao lưu rồi nâng cấp lược đồ; không ghi đè dữ liệu đang có nếu thiếu --force."""
    from etl.backup import restore

    settings = get_settings()
    try:
        result = restore(settings.database_url, file, force=force)
    except QcdcError as exc:
        raise _fail(exc) from exc
    upgraded = f"; đã nâng cấp lược đồ lên {result.contents.revision}" if result.upgraded else ""
    typer.echo(
        f"Đã khôi phục {result.path} (lược đồ {result.backup_revision}) vào cơ sở dữ liệu "
        f"{redact_url(settings.database_url)}{upgraded}."
    )
    if not result.replaced.empty:
        typer.echo(f"Đã thay thế: {result.replaced.describe(settings.timezone)}.")
    typer.echo(f"Nay có: {result.contents.describe(settings.timezone)}.")
    typer.echo("Nếu qcdc serve đang chạy trên cơ sở dữ liệu này, nên khởi động lại.")
    typer.echo(f"Xong sau {result.seconds:.1f} giây.")


users_app = typer.Typer(help="Quản lý tài khoản: add, list, disable, enable, set-password.", no_args_is_help=True)
periods_app = typer.Typer(
    help="Mở, đóng kỳ nhập số liệu và đặt hạn nộp: open, close, deadline, list.", no_args_is_help=True
)
app.add_typer(users_app, name="users")
app.add_typer(periods_app, name="periods")
DEMO_OPEN_PERIOD = "2026S2"
DEMO_DEADLINE = date(2026, 12, 20)


def _scope_ids(connection, codes: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """Unit ids for --unit values: "30814" (the newest catalog that has the code) or "pre2025:902"."""
    from etl.units import unit_by_code

    ids = []
    for raw in codes:
        catalog, _, code = raw.rpartition(":")
        catalogs = [catalog] if catalog else ["2025", "pre2025"]
        unit = next((u for c in catalogs if (u := unit_by_code(connection, catalog=c, code=code.strip()))), None)
        if unit is None:
            raise typer.BadParameter(f"không có đơn vị mã '{raw}'", param_hint="--unit")
        ids.append(unit.id)
    return ids


def _password_option(help_text: str):  # type: ignore[no-untyped-def]
    return typer.Option(
        "--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt="Nhập lại mật khẩu", help=help_text
    )


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập, ví dụ xa.honnghe.")],
    role: Annotated[str, typer.Option("--role", help="admin, reviewer, official hoặc viewer.")],
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            help="Mã đơn vị trong phạm vi (xã của cán bộ xã, huyện/tỉnh của thư ký); "
            "lặp lại được; 'pre2025:902' để chỉ danh mục cũ.",
        ),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Họ tên hiển thị.")] = "",
    password: Annotated[str | None, _password_option("Mật khẩu (hỏi nếu không ghi).")] = None,
) -> None:
    """Tạo tài khoản. Mật khẩu chỉ lưu dưới dạng băm argon2."""
    from etl.accounts import create_user

    try:
        with write_transaction(_engine()) as connection:
            account = create_user(
                connection,
                username=username,
                password=password or "",
                role=role,
                full_name=name,
                unit_ids=_scope_ids(connection, unit or []),
            )
    except QcdcError as exc:
        raise _fail(exc) from exc
    typer.echo(f"Đã tạo tài khoản {account.username} ({account.role.value}).")


@users_app.command("list")
def users_list() -> None:
    """Liệt kê tài khoản: tên, vai trò, trạng thái, phạm vi."""
    from etl.accounts import list_users
    from etl.units import unit_by_id

    with _engine().connect() as connection:
        for account in list_users(connection):
            scope = (
                ", ".join(f"{u.name} ({u.code})" for uid in account.unit_ids if (u := unit_by_id(connection, uid)))
                or "toàn bộ"
            )
            state = "hoạt động" if account.active else "đã khoá"
            typer.echo(f"{account.username}\t{account.role.value}\t{state}\t{account.full_name}\t{scope}")


def _set_active(usernames: list[str], active: bool) -> None:
    from etl.accounts import set_active

    try:
        with write_transaction(_engine()) as connection:
            for username in usernames:
                set_active(connection, username, active)
    except QcdcError as exc:
        raise _fail(exc) from exc
    typer.echo(f"Đã {'mở' if active else 'khoá'}: {', '.join(usernames)}.")


@users_app.command("disable")
def users_disable(usernames: Annotated[list[str], typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Khoá tài khoản (không xoá: lịch sử vẫn giữ tên người đã nhập)."""
    _set_active(usernames, False)


@users_app.command("enable")
def users_enable(usernames: Annotated[list[str], typer.Argument(help="Tên đăng nhập.")]) -> None:
    """Mở lại tài khoản đã khoá."""
    _set_active(usernames, True)


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập.")],
    password: Annotated[str | None, _password_option("Mật khẩu mới (hỏi nếu không ghi).")] = None,
) -> None:
    """Đặt mật khẩu mới (và mở khoá đăng nhập nếu đang tạm dừng vì nhập sai)."""
    from etl.accounts import set_password

    try:
        with write_transaction(_engine()) as connection:
            set_password(connection, username, password or "")
    except QcdcError as exc:
        raise _fail(exc) from exc
    typer.echo(f"Đã đặt mật khẩu mới cho {username}.")


def _period_code(raw: str) -> str:
    from etl.periods import parse_period

    try:
        return parse_period(raw).code
    except InvalidPeriod as exc:
        raise typer.BadParameter(str(exc), param_hint="PERIOD") from exc


def _deadline(raw: str | None) -> date | None:
    if raw is None:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise typer.BadParameter("ghi ngày dạng 20/12/2026 hoặc 2026-12-20", param_hint="--deadline")


@periods_app.command("open")
def periods_open(
    period: Annotated[str, typer.Argument(help="Kỳ, ví dụ 2026S2.")],
    deadline: Annotated[str | None, typer.Option("--deadline", help="Hạn nộp, ví dụ 20/12/2026.")] = None,
) -> None:
    """Mở kỳ để các xã nhập số liệu."""
    from etl.submissions import open_period

    code, day = _period_code(period), _deadline(deadline)
    with write_transaction(_engine()) as connection:
        open_period(connection, code, deadline=day, by=default_user())
    typer.echo(f"Đã mở kỳ {code}" + (f", hạn nộp {day:%d/%m/%Y}." if day else "."))


@periods_app.command("close")
def periods_close(period: Annotated[str, typer.Argument(help="Kỳ, ví dụ 2026S2.")]) -> None:
    """Đóng kỳ: không nhận nhập hay nộp thêm."""
    from etl.submissions import close_period

    code = _period_code(period)
    with write_transaction(_engine()) as connection:
        close_period(connection, code, by=default_user())
    typer.echo(f"Đã đóng kỳ {code}.")


@periods_app.command("deadline")
def periods_deadline(
    period: Annotated[str, typer.Argument(help="Kỳ, ví dụ 2026S2.")],
    day: Annotated[str, typer.Argument(help="Hạn nộp, ví dụ 20/12/2026.")],
) -> None:
    """Đặt hạn nộp cho kỳ."""
    from etl.submissions import set_deadline

    code, when = _period_code(period), _deadline(day)
    with write_transaction(_engine()) as connection:
        set_deadline(connection, code, when, by=default_user())
    typer.echo(f"Hạn nộp kỳ {code}: {when:%d/%m/%Y}.")


@periods_app.command("list")
def periods_list() -> None:
    """Các kỳ đã mở hoặc đóng, với hạn nộp."""
    from etl.submissions import open_periods

    with _engine().connect() as connection:
        for window in open_periods(connection):
            state = "đang mở" if window.is_open else "đã đóng"
            due = f"{window.deadline:%d/%m/%Y}" if window.deadline else "chưa đặt hạn"
            typer.echo(f"{window.period_code}\t{state}\t{due}")


def main() -> None:
    """The ``qcdc`` entry point: a database error no command expected (a lock that outlasted the
    busy timeout, a full disk, a lost connection) ends with its message and exit code 1, never
    with a traceback or the database password."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    from etl.db import describe_database_error

    try:
        app()
    except IntegrityError:
        raise
    except DBAPIError as exc:
        _echo_err(f"Lỗi: {describe_database_error(exc, get_settings().database_url)}")
        raise SystemExit(1) from exc


if __name__ == "__main__":
    main()
