"""README tells the truth: every command, every setting, and the exact test command CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from etl.cli import app
from etl.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_cli_command_is_in_readme():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert f"`qcdc {name}" in README, f"qcdc {name} is not documented in README"
        for sub in getattr(command, "commands", {}):  # command groups: qcdc users add, …
            assert f"qcdc {name} {sub}" in README, f"qcdc {name} {sub} is not documented in README"


def test_every_setting_is_in_readme():
    for name in Settings.model_fields:
        assert f"`QCDC_{name.upper()}`" in README, f"QCDC_{name.upper()} is not documented in README"


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```bash\n(.*?)```", README, flags=re.S)
    test_command = next(c.strip() for c in commands if "pytest" in c and "pip install" in c)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci


def test_quick_start_installs_and_runs_the_demo():
    assert "python -m pip install -e . && qcdc demo && qcdc serve" in README


def test_indicator_catalog_is_the_shared_contract():
    header = (ROOT / "data" / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "code,name_vi,name_en,unit_vi,kind,entered,aggregation,applies_to,rule"
