"""Roster import: messy files in, the rows imported and the exact errors out."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from communes.models import Village
from criteria.models import Evaluation, EvaluationLog, IndicatorValue
from ntm_portal.rosters.reading import RosterFileError
from ntm_portal.rosters.services import roster_validate_file
from ntm_portal.rosters import roster_for

from .roster_files import nfd, two_level_header_workbook, with_blank_rows, workbook_bytes


def validate(kind: str, data: bytes, filename: str = "danh-sach.xlsx", actor=None):
    return roster_validate_file(kind=kind, content=io.BytesIO(data), filename=filename, actor=actor)


def errors_of(validation) -> list[tuple[int, str, str, str]]:
    return [(e["row"], e["column"], e["value"], e["reason"]) for e in validation.as_json()["errors"]]


def test_villages_from_a_two_level_merged_header_with_nfd_names_and_stray_spaces(world):
    data = two_level_header_workbook(
        ["STT", "Địa bàn", "", "Tên thôn, bản", "Loại", "Mã thôn"],
        ["", "Huyện", "Xã", "", "", ""],
        [
            [1, nfd("huyện  Hướng Hóa "), nfd("XÃ BA TẦNG"), nfd("Bản Xa Doan\u00a0"), "bản", ""],
            [2, "Hướng Hóa", "Ba Tầng", "Thôn Mới ", "", "BT-09"],
            [3, "Đa Krông", "Ba Tầng", "Thôn Khác", "Phố", ""],
            [5, "H. Hướng Hóa", "X. Ba Tầng", "Thôn Khác", "", ""],
            [4, "Hướng Hóa", "Xã Không Có", "Thôn X", "", ""],
        ],
    )
    validation = validate("villages", data)
    assert validation.table.header_row == 5
    assert [(o.row.number, o.status) for o in validation.outcomes] == [
        (6, "updated"),  # the factory made it a thôn; the file says bản
        (7, "new"),
        (8, "error"),
        (9, "new"),
        (10, "error"),
    ]
    assert errors_of(validation) == [
        (8, "Loại", "Phố", "Loại thôn không hợp lệ: chọn Thôn, Bản, Ấp, Làng, Tổ dân phố, Khu phố."),
        (8, "Huyện", "Đa Krông", "Không tìm thấy huyện «Đa Krông» trong phạm vi đã ghi."),
        (10, "Xã", "Xã Không Có", "Không tìm thấy xã «Xã Không Có» trong phạm vi đã ghi."),
    ]
