"""The code base stays lint-clean (ruff, configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    result = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_etl_never_imports_streamlit_or_the_dashboard():
    for path in (ROOT / "etl").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "import streamlit" not in source, path
        assert "from dashboard" not in source and "import dashboard" not in source, path
