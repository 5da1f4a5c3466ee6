"""Built figures are kept (``dashboard.ui.figure``): the same inputs give the very same figure, any
change of data, language or option gives a new one, and what Streamlit draws is what the builder
made."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import streamlit as st

from dashboard import charts, ui
from dashboard.charts import ChartContext

CTX = ChartContext(lang="vi", area="Huyện Kiên Lương", updated=date(2026, 11, 30))
PERIODS = ("2024S1", "2024S2", "2025S1")


@pytest.fixture(autouse=True)
def empty_cache():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def drawn(fig: go.Figure) -> str:
    """What ``st.plotly_chart`` sends to the browser."""
    return pio.to_json(fig.to_dict(), validate=False)


def values(scale: float = 1.0) -> pd.DataFrame:
    rows = [
        (period, unit, f"3080{unit}", f"Xã Số {unit}", float(unit * 10 + n) * scale)
        for n, period in enumerate(PERIODS)
        for unit in range(1, 6)
    ]
    frame = pd.DataFrame(rows, columns=["period", "unit_id", "unit_code", "unit_name", "value"])
    frame["indicator"] = "DLG_HELD"
    frame["partial"] = False
    frame["source"] = "lô #1: kien-luong.xlsx"
    return frame


def test_the_same_inputs_give_the_same_figure_drawn_as_the_builder_made_it():
    first = ui.figure(charts.heatmap, values(), PERIODS, "DLG_HELD", CTX)
    again = ui.figure(charts.heatmap, values(), PERIODS, "DLG_HELD", CTX)  # a new, equal frame: a warm run
    assert again is first
    assert drawn(first) == drawn(charts.heatmap(values(), PERIODS, "DLG_HELD", CTX))
    assert first.to_dict() is first.to_dict()  # worked out once, not copied on every run


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda: ((values(2.0), PERIODS, "DLG_HELD", CTX), {}), id="new figures"),
        pytest.param(lambda: ((values(), PERIODS[:2], "DLG_HELD", CTX), {}), id="another range"),
        pytest.param(lambda: ((values(), PERIODS, "CMP_RECEIVED", CTX), {}), id="another indicator"),
        pytest.param(lambda: ((values(), PERIODS, "DLG_HELD", replace(CTX, lang="en")), {}), id="English"),
        pytest.param(lambda: ((values(), PERIODS, "DLG_HELD", replace(CTX, updated=date(2026, 12, 1))), {}), id="date"),
    ],
)
def test_any_change_of_input_builds_a_new_figure(change):
    before = ui.figure(charts.heatmap, values(), PERIODS, "DLG_HELD", CTX)
    args, kwargs = change()
    after = ui.figure(charts.heatmap, *args, **kwargs)
    assert after is not before
    assert drawn(after) == drawn(charts.heatmap(*args, **kwargs)) != drawn(before)


def test_keyword_options_are_part_of_the_key():
    frame = values()
    ranking = frame[frame["period"] == "2024S1"]
    plain = ui.figure(charts.unit_bar, ranking, "DLG_HELD", "2024S1", CTX)
    missing = ui.figure(charts.unit_bar, ranking, "DLG_HELD", "2024S1", CTX, missing=["Xã Hòa Điền"])
    assert missing is not plain
    assert "Xã Hòa Điền" in missing.layout.title.subtitle.text
    assert ui.figure(charts.unit_bar, ranking, "DLG_HELD", "2024S1", CTX, missing=["Xã Hòa Điền"]) is missing


def test_a_change_anywhere_in_a_large_frame_changes_the_key():
    """Streamlit's own hash looks at a sample of 10.000 rows of a frame of 50.000 or more: every row
    counts here."""
    frame = pd.DataFrame({"unit_id": np.arange(60_000), "value": np.zeros(60_000)})
    digests = {ui._frame_digest(frame)}
    for row in (0, 12_345, 59_999):
        changed = frame.copy()
        changed.loc[row, "value"] = 1.0
        digests.add(ui._frame_digest(changed))
    renamed = frame.rename(columns={"value": "target"})
    digests.add(ui._frame_digest(renamed))
    assert len(digests) == 5
    assert ui._frame_digest(frame.copy()) == ui._frame_digest(frame)
