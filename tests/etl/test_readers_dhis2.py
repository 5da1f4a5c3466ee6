"""DHIS2 data value sets exported as CSV with idScheme=CODE."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import Location
from etl.readers import FileFormat, read_bytes, read_file
from tests.etl import files


@pytest.mark.parametrize("upper", [False, True])
def test_dhis2_csv(tmp_path: Path, upper: bool) -> None:
    result = read_file(files.dhis2_csv(tmp_path, upper=upper))
    assert result.problems == []
    (table,) = result.tables
    assert table.format is FileFormat.DHIS2
    got = [(r.location.row, r.indicator, r.unit_code, r.unit_name, r.period, r.value, r.note) for r in table.records]
    assert got == [
        (2, "DLG_HELD", "30814", None, "2019S1", "2", None),
        (3, "CMP_NEW", "30814", None, "2019S1", "11", "đủ"),
        (4, "NTM_LEVEL", "30808", None, "2019S2", "1", None),
    ]
    value_column = "VALUE" if upper else "value"
    assert table.records[0].location == Location("dhis2.csv", "", 2, value_column)
    assert table.records[0].unit_location.column == ("ORGUNIT" if upper else "orgunit")
    assert table.records[0].period_location.column == ("PERIOD" if upper else "period")
    assert table.problems == []  # storedby, lastupdated … are known and ignored


def test_dhis2_minimal_columns_semicolon() -> None:
    data = b"dataElement;period;orgUnit;value\nDLG_HELD;2019S1;30814;3\n"
    (table,) = read_bytes(data, "dv.csv").tables
    assert table.format is FileFormat.DHIS2
    assert [(r.indicator, r.unit_code, r.period, r.value) for r in table.records] == [
        ("DLG_HELD", "30814", "2019S1", "3")
    ]


def test_dhis2_without_orgunit_reports_each_row() -> None:
    data = b"dataelement,period,value\nDLG_HELD,2019S1,3\n"
    (table,) = read_bytes(data, "dv.csv").tables
    assert table.records == []
    (problem,) = table.problems
    assert problem.is_error and "thiếu đơn vị" in problem.message
