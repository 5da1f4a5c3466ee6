"""Every string of the dashboard exists in Vietnamese and English with the same placeholders."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.i18n import TEXTS, indicator_name, period_short, t
from etl.indicators import SHORT_NAMES

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


def test_every_text_has_both_languages_and_the_same_placeholders():
    for key, entry in TEXTS.items():
        assert entry.get("vi") and entry.get("en"), key
        assert set(re.findall(r"{(\w+)}", entry["vi"])) == set(re.findall(r"{(\w+)}", entry["en"])), key
    for code, entry in SHORT_NAMES.items():
        assert entry.get("vi") and entry.get("en"), code


def test_every_key_the_pages_use_exists():
    used: set[str] = set()
    for path in DASHBOARD.rglob("*.py"):
        used.update(re.findall(r"""\bt\(\s*f?["']([a-z_]+\.[a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert used, "no keys found"
    assert sorted(k for k in used if "{" not in k and k not in TEXTS) == []


def test_vietnamese_is_the_default():
    assert t("page.tong_quan") == "Tổng quan"
    assert t("page.tong_quan", "en") == "Overview"
    assert t("overview.ntm", met=5, communes=7) == "5/7 xã đạt chuẩn nông thôn mới"
    assert indicator_name("DLG_HELD") == "Số cuộc đối thoại giữa chính quyền với Nhân dân"
    assert period_short("2019S1") == "6T đầu 2019" and period_short("2019S2", "en") == "H2 2019"
