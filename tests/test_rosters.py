"""Roster import: messy files in, the rows imported and the exact errors out."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from communes.models import Village
from criteria.models import Evaluation, EvaluationLog
from ntm_portal.rosters import roster_for
from ntm_portal.rosters.reading import RosterFileError
from ntm_portal.rosters.services import roster_validate_file

from .roster_files import nfd, two_level_header_workbook, with_blank_rows, workbook_bytes


def validate(kind: str, data: bytes, filename: str = "danh-sach.xlsx", actor=None):
    return roster_validate_file(kind=kind, content=io.BytesIO(data), filename=filename, actor=actor)


def errors_of(validation) -> list[tuple[int, str, str, str]]:
    return [
        (e["row"], e["column"], e["value"], e["reason"]) for e in validation.as_json()["errors"]
    ]


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
        (
            8,
            "Loại",
            "Phố",
            "Loại thôn «Phố» không có trong danh mục: ghi một trong Thôn, Bản, Ấp, Làng, Xóm, "
            "Buôn, Bon, Plei, Phum, Sóc, Khóm, Khu, Tổ, Tổ dân phố, Khu phố.",
        ),
        # Where it looked, said as people say it: no province written, the whole map.
        (
            8,
            "Huyện",
            "Đa Krông",
            "Không có huyện «Đa Krông» trong danh mục đơn vị hành chính.",
        ),
        (10, "Xã", "Xã Không Có", "Không có xã «Xã Không Có» trong huyện Hướng Hóa."),
    ]


def _indicator(world, number: str):
    return world.criteria_set.criteria.get(number=int(number.split(".")[0])).indicators.get(
        number=number
    )


EVALUATION_HEADER = [
    "Tỉnh",
    "Huyện",
    "Xã",
    "Bộ tiêu chí",
    "Năm",
    "Kỳ",
    "Chỉ tiêu",
    "Giá trị",
    "Ghi chú",
]


def test_evaluation_values_one_row_per_indicator_with_comma_decimals_and_yes_no(world, personas):
    evaluation = world.evaluation_a1
    data = workbook_bytes(
        [
            EVALUATION_HEADER,
            [
                "Quảng Trị",
                "Hướng Hóa",
                nfd("Ba Tầng "),
                "QD318-THU",
                2024,
                "6 tháng cuối năm",
                "2.1",
                "61,5",
                "đo 2024",
            ],
            [
                "Quảng Trị",
                "Hướng Hóa",
                "Ba Tầng",
                "QD318-THU",
                2024,
                "6 tháng cuối năm",
                "1.1",
                "x",
                "",
            ],
            [
                "Quảng Trị",
                "Hướng Hóa",
                "Ba Tầng",
                "QD318-THU",
                2024,
                "6 tháng cuối năm",
                "3.1",
                "4,2",
                "",
            ],
            ["Quảng Trị", "Triệu Phong", "Triệu Long", "QD318-THU", 2025, "", "3.1", "3", ""],
            [],
            [],
        ]
    )
    validation = validate("evaluations", data)
    assert errors_of(validation) == []
    assert validation.counts == {"new": 4, "updated": 0, "unchanged": 0, "error": 0}

    roster_for("evaluations").apply(validation, actor=personas["admin"], reason="tệp thử")

    evaluation.refresh_from_db()
    assert evaluation.version == 2
    values = {
        v.indicator.number: (v.value, v.note, v.met)
        for v in evaluation.values.select_related("indicator")
    }
    assert values == {
        "1.1": (Decimal("1.000"), "", True),
        "2.1": (Decimal("61.500"), "đo 2024", False),
        "3.1": (Decimal("4.200"), "", True),
    }
    assert (evaluation.met_count, evaluation.criteria_count) == (2, 3)
    logs = evaluation.log.filter(action=EvaluationLog.Action.VALUE_CHANGED)
    assert sorted(
        (log.indicator.number, log.old_value, log.new_value, log.reason, log.actor) for log in logs
    ) == [
        ("1.1", "—", "Đạt", "tệp thử", personas["admin"]),
        ("2.1", "—", "61,5 %", "tệp thử", personas["admin"]),
        ("3.1", "—", "4,2 %", "tệp thử", personas["admin"]),
    ]
    created = Evaluation.objects.get(commune=world.commune_a3, year=2025, half=0)
    assert created.status == Evaluation.Status.DRAFT
    assert created.log.filter(action=EvaluationLog.Action.CREATED).count() == 1
    assert (created.met_count, created.criteria_count) == (1, 3)

    # The same file again changes nothing.
    again = validate("evaluations", data)
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 4, "error": 0}


def test_evaluation_rows_with_errors_name_row_column_value_and_reason(world, personas):
    approved = Evaluation.objects.create(
        commune=world.commune_a2,
        criteria_set=world.criteria_set,
        year=2023,
        half=0,
        period_end=Evaluation.period_end_of(2023, 0),
        status=Evaluation.Status.APPROVED,
    )
    row = ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "QD318-THU", 2024, "6 tháng cuối năm"]
    data = workbook_bytes(
        [
            EVALUATION_HEADER,
            [*row, "2.1", "61,5", ""],
            [*row, "2.1", "62", ""],
            [*row, "9.9", "1", ""],
            [*row, "1.1", "có lẽ", ""],
            [*row, "2.1 ", "abc", ""],
            ["Quảng Trị", "Hướng Hóa", "Thuận", "QD318-THU", 2023, "Cả năm", "1.1", "Đạt", ""],
            ["Quảng Trị", "", "Ba Tầng", "QD318-THU", "năm ngoái", "", "1.1", "Đạt", ""],
        ],
        title=None,
    )
    validation = validate("evaluations", data)
    assert errors_of(validation) == [
        (3, "", "", "Trùng với dòng 2 trong tệp: mỗi đối tượng chỉ ghi một lần."),
        (4, "Chỉ tiêu", "9.9", "Bộ tiêu chí QD318-THU không có chỉ tiêu 9.9."),
        (5, "Giá trị", "có lẽ", "«có lẽ»: chọn Đạt hoặc Chưa đạt."),
        (6, "", "", "Trùng với dòng 2 trong tệp: mỗi đối tượng chỉ ghi một lần."),
        (7, "Xã", "Thuận", "Đánh giá đã duyệt, không sửa được."),
        (8, "Năm", "năm ngoái", "Năm phải là số có bốn chữ số (ví dụ 2024)."),
    ]
    assert validation.counts == {"new": 1, "updated": 0, "unchanged": 0, "error": 6}
    assert approved.values.count() == 0


def test_evaluation_values_one_row_per_commune_with_a_column_per_indicator(world, personas):
    data = workbook_bytes(
        [
            ["STT", "Mã xã", "Xã", "Bộ tiêu chí", "Năm", "Kỳ", "1.1", "Chỉ tiêu 2.1", "3,1"],
            [1, "", "Ba Tầng", "QD318-THU", 2024, "6 tháng cuối năm", "Đạt", "80", ""],
            [
                2,
                world.commune_a3.code.lstrip("0") or "0",
                "",
                "QD318-THU",
                2024,
                "6 tháng cuối năm",
                "Không",
                "",
                "7,5",
            ],
        ]
    )
    validation = validate("evaluations", data)
    assert errors_of(validation) == []
    assert [o.status for o in validation.outcomes] == ["new", "new"]
    roster_for("evaluations").apply(validation, actor=None)
    evaluation = world.evaluation_a1
    evaluation.refresh_from_db()
    assert evaluation.met_count == 2  # 1.1 and 2.1 met, 3.1 empty
    other = Evaluation.objects.get(commune=world.commune_a3)
    assert {v.indicator.number: v.met for v in other.values.select_related("indicator")} == {
        "1.1": False,
        "3.1": False,
    }


def test_an_ambiguous_commune_name_is_an_error_listing_the_candidates(world):
    from .factories import CommuneFactory

    twin = CommuneFactory(district=world.district_a2, short_name="Ba Tầng", name="Xã Ba Tầng")
    data = workbook_bytes(
        [["Tỉnh", "Xã", "Tên thôn"], ["Tỉnh Quảng Trị", "Ba Tầng", "Thôn Một"]], title=None
    )
    validation = validate("villages", data)
    assert errors_of(validation) == [
        (
            2,
            "Xã",
            "Ba Tầng",
            "Tên «Ba Tầng» ứng với 2 xã: "
            f"Xã Ba Tầng – Huyện Hướng Hóa – Tỉnh Quảng Trị, mã {world.commune_a1.code} "
            "(trước 01/07/2025); "
            f"Xã Ba Tầng – Huyện Triệu Phong – Tỉnh Quảng Trị, mã {twin.code} "
            "(trước 01/07/2025). Hãy ghi thêm huyện (với xã trước 01/07/2025) hoặc ghi mã xã.",
        )
    ]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"%PDF-1.4 not a roster",
            "danh-sach.pdf",
            "Tệp không phải Excel (.xlsx) hoặc CSV (.csv).",
        ),
        (b"PK\x03\x04 broken", "danh-sach.xlsx", "Tệp Excel bị hỏng, không đọc được."),
        (
            b"just text, renamed",
            "danh-sach.xlsx",
            "Tệp Excel bị hỏng hoặc không phải Excel thật: không đọc được.",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
            "cu.xls",
            "Tệp ở định dạng Excel 97–2003 (.xls): hãy mở và lưu lại thành .xlsx rồi tải lên.",
        ),
        (
            b"Tinh;Xa\n\xff\xfe",
            "danh-sach.csv",
            "Tệp CSV không ở mã UTF-8: hãy lưu lại bằng “CSV UTF-8 (Comma delimited)”.",
        ),
        (b"", "danh-sach.xlsx", "Tệp rỗng."),
    ],
    ids=["not-excel", "corrupt-zip", "renamed-text", "old-xls", "csv-not-utf8", "empty"],
)
def test_an_unusable_file_gets_one_clear_message(db, content, filename, message):
    with pytest.raises(RosterFileError) as refused:
        validate("villages", content, filename)
    assert str(refused.value) == message


def test_a_password_protected_workbook_is_named_as_such(db):
    from .roster_files import encrypted_workbook

    with pytest.raises(RosterFileError, match="Tệp Excel có đặt mật khẩu"):
        validate("villages", encrypted_workbook())


def test_a_zip_bomb_is_refused_before_it_is_opened(db):
    from .roster_files import zip_bomb

    bomb = zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    with pytest.raises(RosterFileError) as refused:
        validate("villages", bomb)
    assert (
        str(refused.value)
        == "Tệp Excel bị từ chối: khi giải nén lớn bất thường (nghi là “bom zip”)."
    )


def test_a_missing_required_column_is_named(world):
    data = workbook_bytes([["Tỉnh", "Xã", "Tên thôn"], ["Quảng Trị", "Ba Tầng", "Thôn A"]])
    with pytest.raises(RosterFileError) as refused:
        validate("evaluations", data)
    assert str(refused.value) == "Thiếu cột bắt buộc: «Bộ tiêu chí», «Năm»."
    data = workbook_bytes(
        [
            ["Tỉnh", "Xã", "Bộ tiêu chí", "Năm", "Chỉ tiêu"],
            ["Quảng Trị", "Ba Tầng", "QD318-THU", 2024, "1.1"],
        ]
    )
    with pytest.raises(RosterFileError) as refused:
        validate("evaluations", data)
    assert str(refused.value) == "Cần cả hai cột «Chỉ tiêu» và «Giá trị»."


def test_a_file_over_the_size_or_row_limit_is_refused(world, settings):
    from ntm_portal.rosters import reading

    rows = [["Xã", "Tên thôn"]] + [["Ba Tầng", f"Thôn {n}"] for n in range(30)]
    with pytest.raises(RosterFileError) as refused:
        reading.read_table(
            io.BytesIO(workbook_bytes(rows)),
            filename="a.xlsx",
            columns=roster_for("villages").columns,
            max_rows=20,
        )
    assert str(refused.value) == "Tệp có hơn 20 dòng dữ liệu; hãy chia thành nhiều tệp."
    with pytest.raises(RosterFileError) as refused:
        validate("villages", b"Xa,Ten thon\n" + b"x" * (reading.MAX_BYTES + 1), "lon.csv")
    assert str(refused.value) == "Tệp vượt giới hạn 10 MB; hãy chia thành nhiều tệp nhỏ hơn."


def test_formulas_are_refused_cell_by_cell(world):
    data = workbook_bytes(
        [
            ["Xã", "Tên thôn", "Mã thôn"],
            ["Ba Tầng", "Thôn A", '=CONCAT("A",1)'],
            ["Ba Tầng", "=B3", ""],
        ]
    )
    validation = validate("villages", data)
    assert errors_of(validation) == [
        (
            4,
            "Mã thôn",
            '=CONCAT("A",1)',
            "Ô chứa công thức, không phải giá trị: hãy sao chép rồi “Dán giá trị”.",
        ),
        (
            5,
            "Tên thôn",
            "=B3",
            "Ô chứa công thức, không phải giá trị: hãy sao chép rồi “Dán giá trị”.",
        ),
    ]


def test_a_million_blank_trailing_rows_end_the_table_quickly(world):
    import time

    data = with_blank_rows(
        workbook_bytes([["Xã", "Tên thôn"], ["Ba Tầng", "Thôn A"], ["Ba Tầng", "Thôn B"]])
    )
    started = time.monotonic()
    validation = validate("villages", data)
    assert time.monotonic() - started < 5
    assert [o.row.values["name"] for o in validation.outcomes] == ["Thôn A", "Thôn B"]
    assert validation.table.notices == [
        "Bảng kết thúc ở dòng 5; các dòng trống phía sau được bỏ qua."
    ]


def test_a_csv_with_semicolons_and_a_bom_is_read(world):
    data = "\ufeffXã;Tên thôn;Loại\nBa Tầng;Thôn Mới;Thôn\n".encode()
    validation = validate("villages", data, "thon.csv")
    assert [(o.row.number, o.status, o.label) for o in validation.outcomes] == [
        (2, "new", "Thôn Mới – Xã Ba Tầng")
    ]


def test_command_line_checks_imports_and_writes_the_template(world, tmp_path, capsys):
    from django.core.management import call_command

    from ntm_portal.models import RosterImport

    bad = tmp_path / "thon.xlsx"
    bad.write_bytes(
        workbook_bytes([["Xã", "Tên thôn"], ["Ba Tầng", "Thôn Một"], ["Không Có", "Thôn Hai"]])
    )
    with pytest.raises(SystemExit) as exit_code:
        call_command("import_roster", "villages", str(bad))
    assert exit_code.value.code == 1
    output = capsys.readouterr().out.splitlines()
    assert output == [
        "Dòng 5, cột «Xã», giá trị «Không Có»: Không có xã «Không Có» trong danh mục đơn vị hành chính.",
        "Có lỗi: không ghi gì.",
        "new=1 updated=0 unchanged=0 errors=1",
    ]
    assert not Village.objects.filter(name="Thôn Một").exists()

    good = tmp_path / "thon-dung.xlsx"
    good.write_bytes(workbook_bytes([["Xã", "Tên thôn"], ["Ba Tầng", "Thôn Một"]]))
    call_command("import_roster", "villages", str(good), "--dry-run")
    assert capsys.readouterr().out.splitlines()[-2:] == [
        "Chạy thử: không ghi gì.",
        "new=1 updated=0 unchanged=0 errors=0",
    ]
    assert not Village.objects.filter(name="Thôn Một").exists()

    call_command("import_roster", "villages", str(good))
    assert capsys.readouterr().out.splitlines()[-1] == "new=1 updated=0 unchanged=0 errors=0"
    assert Village.objects.filter(name="Thôn Một", commune=world.commune_a1).exists()
    record = RosterImport.objects.get()
    assert (record.status, record.new_count, record.original_name) == (
        "imported",
        1,
        "thon-dung.xlsx",
    )

    template = tmp_path / "mau.xlsx"
    call_command("import_roster", "evaluations", "--template", str(template))
    assert template.read_bytes().startswith(b"PK")
    assert capsys.readouterr().out == f"template={template}\n"

    with pytest.raises(SystemExit):
        call_command("import_roster", "villages", str(tmp_path / "mau.xlsx"))
    assert capsys.readouterr().out.splitlines() == [
        "Thiếu cột bắt buộc: «Tên thôn».",
        "new=0 updated=0 unchanged=0 errors=1",
    ]


def test_agencies_new_updated_and_matched_by_former_name(world):
    from sponsorships.models import Agency, AgencyFormerName

    AgencyFormerName.objects.create(
        agency=world.agency_a, name="Sở KH&ĐT Quảng Trị", valid_to="2025-02-28"
    )
    data = workbook_bytes(
        [
            ["Tỉnh", "Tên cơ quan", "Tên viết tắt", "Loại"],
            [
                "Tỉnh Quảng Trị",
                nfd("Hội Cựu chiến binh tỉnh Quảng Trị"),
                "CCB",
                "Mặt trận, đoàn thể",
            ],
            ["quảng trị", "Sở KH&ĐT Quảng Trị", "SKHĐT", ""],
            ["Quảng Trị", "Hội Cựu chiến binh tỉnh Quảng Trị ", "", ""],
            ["Hà Tây", "Sở Xây dựng", "", "Bộ"],
        ]
    )
    validation = validate("agencies", data)
    assert [o.status for o in validation.outcomes] == ["new", "updated", "error", "error"]
    assert errors_of(validation) == [
        # A duplicate is the whole row's error, not one cell's.
        (6, "", "", "Trùng với dòng 4 trong tệp: mỗi đối tượng chỉ ghi một lần."),
        (
            7,
            "Loại",
            "Bộ",
            "Loại cơ quan không hợp lệ: chọn Sở, ban, ngành; Mặt trận, đoàn thể; Doanh nghiệp; Khác.",
        ),
        (7, "Tỉnh", "Hà Tây", "Không có tỉnh «Hà Tây» trong danh mục đơn vị hành chính."),
    ]
    validation.outcomes = validation.outcomes[:2]
    roster_for("agencies").apply(validation, actor=None)
    veterans = Agency.objects.get(name="Hội Cựu chiến binh tỉnh Quảng Trị")
    assert (veterans.province, veterans.kind, veterans.short_name) == (
        world.province_a,
        "doan_the",
        "CCB",
    )
    world.agency_a.refresh_from_db()
    assert (world.agency_a.name, world.agency_a.short_name) == (
        "Sở Kế hoạch và Đầu tư Quảng Trị",
        "SKHĐT",
    )


def test_users_get_role_and_scope_and_new_ones_an_invitation(
    world, personas, django_capture_on_commit_callbacks, mailoutbox, settings
):
    from django.core.cache import cache

    from ntm_portal.models import Role, User
    from ntm_portal.tasks import send_invitation_email

    header = [
        "Tên đăng nhập",
        "Họ tên",
        "Email",
        "Vai trò",
        "Tỉnh",
        "Huyện",
        "Mã xã",
        "Xã",
        "Cơ quan",
    ]
    data = workbook_bytes(
        [
            header,
            [
                "xa.batang",
                nfd("Hồ Văn Thanh"),
                "batang@example.vn",
                "Cán bộ xã",
                "Quảng Trị",
                "Hướng Hóa",
                "",
                "Ba Tầng",
                "",
            ],
            [
                "vpdp.qt",
                "Lê Thị Hoa",
                "hoa@example.vn",
                "Văn phòng Điều phối NTM tỉnh",
                "Tỉnh Quảng Trị",
                "",
                "",
                "",
                "",
            ],
            [
                "skhdt.member",
                "Trần Văn Nam",
                "nam@example.vn",
                "Thành viên cơ quan",
                "Quảng Trị",
                "",
                "",
                "",
                "Sở Kế hoạch và Đầu tư Quảng Trị",
            ],
            ["HUYEN_P", "", "", "Cán bộ huyện", "Quảng Trị", "Triệu Phong", "", "", ""],
            ["admin_p", "", "", "Cán bộ tỉnh", "Quảng Trị", "", "", "", ""],
            ["moi", "", "", "Cán bộ xã", "Quảng Trị", "", "", "Ba Tầng", ""],
            ["sep", "", "sep@example.vn", "Quản trị", "", "", "", "", ""],
            [
                "co.quan",
                "",
                "cq@example.vn",
                "Thành viên cơ quan",
                "Quảng Trị",
                "",
                "",
                "",
                "Sở Không Có",
            ],
        ]
    )
    validation = validate("users", data)
    assert errors_of(validation) == [
        (8, "Tên đăng nhập", "admin_p", "Tài khoản quản trị không được sửa qua tệp."),
        (9, "Email", "", "Người dùng mới cần email để nhận thư mời đặt mật khẩu."),
        (
            10,
            "Vai trò",
            "Quản trị",
            "Vai trò không hợp lệ: chọn Cán bộ tỉnh, Cán bộ huyện, Cán bộ xã hoặc Thành viên cơ quan.",
        ),
        (11, "Cơ quan", "Sở Không Có", "Không có cơ quan «Sở Không Có» trong tỉnh Quảng Trị."),
    ]
    assert [o.status for o in validation.outcomes[:4]] == ["new", "new", "new", "updated"]
    validation.outcomes = validation.outcomes[:4]
    cache.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        roster_for("users").apply(validation, actor=personas["admin"])
    assert len(callbacks) == 1

    official = User.objects.get(username="xa.batang")
    assert (official.role, official.commune, official.get_full_name()) == (
        Role.COMMUNE,
        world.commune_a1,
        "Hồ Văn Thanh",
    )
    assert not official.has_usable_password()
    assert User.objects.get(username="vpdp.qt").province == world.province_a
    assert User.objects.get(username="skhdt.member").agency == world.agency_a
    district_user = User.objects.get(username="huyen_p")
    assert (district_user.district, district_user.email) == (
        world.district_a2,
        "huyen_p@example.vn",
    )

    assert send_invitation_email(official.pk) is True
    assert send_invitation_email(official.pk) is False  # sent once
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["batang@example.vn"]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/tai-khoan/reset/" in line)
    assert link.startswith(settings.SITE_URL)


def test_assignments_with_their_decision_overlaps_refused(world):
    from sponsorships.models import Assignment, AssignmentDecision

    header = [
        "Số quyết định",
        "Ngày quyết định",
        "Cơ quan",
        "Tỉnh",
        "Huyện",
        "Xã",
        "Hình thức",
        "Từ ngày",
        "Đến ngày",
        "Mục tiêu",
        "Năm đạt mục tiêu",
    ]
    agency = "Sở Kế hoạch và Đầu tư Quảng Trị"
    data = workbook_bytes(
        [
            header,
            [
                "1841/QĐ-UBND",
                "14/07/2020",
                agency,
                "Quảng Trị",
                "Hướng Hóa",
                "Ba Tầng",
                "Đỡ đầu",
                "14/07/2020",
                "",
                "Nông thôn mới",
                "2025",
            ],
            [
                "1841/QĐ-UBND",
                "14/07/2020",
                agency,
                "Quảng Trị",
                "Triệu Phong",
                "Triệu Long",
                "Phụ trách",
                "01/01/2021",
                "31/12/2022",
                "",
                "",
            ],
            [
                "",
                "",
                agency,
                "Quảng Trị",
                "Triệu Phong",
                "Triệu Long",
                "Đỡ đầu",
                "01/06/2022",
                "",
                "",
                "",
            ],
            ["", "", agency, "Quảng Trị", "Hướng Hóa", "Thuận", "Đỡ đầu", "01/01/2024", "", "", ""],
            [
                "",
                "",
                agency,
                "Quảng Trị",
                "Hướng Hóa",
                "Ba Tầng",
                "Hỗ trợ",
                "32/01/2024",
                "01/01/2020",
                "",
                "",
            ],
        ]
    )
    validation = validate("assignments", data)
    assert errors_of(validation) == [
        (
            6,
            "Từ ngày",
            "01/06/2022",
            "Sở Kế hoạch và Đầu tư Quảng Trị đã được phân công Xã Triệu Long từ 01/01/2021: hai phân công không được trùng thời gian. (dòng 5)",
        ),
        (
            7,
            "Từ ngày",
            "01/01/2024",
            "Sở Kế hoạch và Đầu tư Quảng Trị đã được phân công Xã Thuận từ 14/07/2020: hai phân công không được trùng thời gian.",
        ),
        # The service's rules, as at every door: a sponsor already there is a second one.
        (
            7,
            "Hình thức",
            "Đỡ đầu",
            "Hình thức: Xã Thuận đã do Sở Kế hoạch và Đầu tư Quảng Trị đỡ đầu từ 14/07/2020; mỗi thời điểm chỉ một cơ quan đỡ đầu một xã (kết thúc hoặc chuyển phân công đó trước).",
        ),
        (8, "Hình thức", "Hỗ trợ", "Hình thức không hợp lệ: ghi Đỡ đầu hoặc Phụ trách."),
        (
            8,
            "Từ ngày",
            "32/01/2024",
            "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy (ví dụ 14/07/2020).",
        ),
    ]
    validation.outcomes = validation.outcomes[:2]
    roster_for("assignments").apply(validation, actor=None)
    decision = AssignmentDecision.objects.get()
    assert (decision.number, decision.date.isoformat(), decision.issuer) == (
        "1841/QĐ-UBND",
        "2020-07-14",
        "UBND tỉnh Quảng Trị",  # as people write it
    )
    sponsored = Assignment.objects.get(commune=world.commune_a1)
    assert (sponsored.kind, sponsored.decision, sponsored.target_level, sponsored.target_year) == (
        "do_dau",
        decision,
        "ntm",
        2025,
    )
    assert Assignment.objects.get(commune=world.commune_a3).end.isoformat() == "2022-12-31"
    assert validate("assignments", data).counts["unchanged"] == 2


def test_criteria_catalogue_indicators_and_general_thresholds(world):
    from criteria.models import Indicator

    header = [
        "Mã bộ tiêu chí",
        "Số tiêu chí",
        "Tên tiêu chí",
        "Số chỉ tiêu",
        "Tên chỉ tiêu",
        "Kiểu giá trị",
        "Đơn vị",
        "Chiều",
        "Ngưỡng",
    ]
    data = workbook_bytes(
        [
            header,
            [
                "QD318-THU",
                2,
                "Giao thông",
                "2.1",
                "Tỷ lệ đường được cứng hóa",
                "Tỷ lệ (%)",
                "%",
                "Tối thiểu",
                "75,5",
            ],
            ["qd318-thu", 2, "Giao thông", "2.2", "Tỷ lệ đường có đèn", "Tỷ lệ (%)", "%", "", "50"],
            [
                "QD318-THU",
                1,
                "Quy hoạch",
                "1.1",
                "Có quy hoạch được duyệt",
                "Đạt/Chưa đạt",
                "",
                "",
                "",
            ],
            ["QD318-THU", 2, "Giao thông nông thôn", "2.3", "Cầu", "Số lượng", "", "", "1"],
            ["KHONG-CO", 1, "X", "1.1", "Y", "Phần trăm", "", "Bằng", "a"],
        ]
    )
    validation = validate("criteria", data)
    assert errors_of(validation) == [
        (7, "Tên tiêu chí", "Giao thông nông thôn", "Khác tên tiêu chí 2 ở dòng 4."),
        (
            8,
            "Mã bộ tiêu chí",
            "KHONG-CO",
            "Không có bộ tiêu chí mang mã này: hãy tạo bộ trong trang quản trị trước.",
        ),
        (
            8,
            "Kiểu giá trị",
            "Phần trăm",
            "Kiểu giá trị không hợp lệ: Đạt/Chưa đạt, Tỷ lệ (%), Số lượng, Tiền, Diện tích, Số.",
        ),
        (8, "Chiều", "Bằng", "Chiều không hợp lệ: ghi Tối thiểu hoặc Tối đa."),
        (8, "Ngưỡng", "a", "Ngưỡng phải là số (ví dụ 61,5)."),
    ]
    assert [o.status for o in validation.outcomes[:3]] == ["updated", "new", "unchanged"]
    validation.outcomes = validation.outcomes[:3]
    roster_for("criteria").apply(validation, actor=None)
    paved = Indicator.objects.get(criterion__criteria_set=world.criteria_set, number="2.1")
    assert sorted((t.value, t.region) for t in paved.thresholds.all()) == [
        (Decimal("50.000"), "trung_du_mien_nui_phia_bac"),
        (Decimal("75.500"), ""),
    ]
    lights = Indicator.objects.get(criterion__criteria_set=world.criteria_set, number="2.2")
    assert (lights.kind, lights.position, [t.value for t in lights.thresholds.all()]) == (
        "percent",
        1,
        [Decimal("50.000")],
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [["Họ tên", "Ngày sinh"], ["A", "1/1/2000"]],
            "Không tìm thấy dòng tiêu đề của bảng (cần các cột «Tên thôn»); hãy dùng tệp mẫu.",
        ),
        ([["Xã", "Tên thôn"], [], []], "Bảng không có dòng dữ liệu nào dưới dòng tiêu đề."),
        (
            [["Xã", "Tên thôn", "Tên thôn"], ["Ba Tầng", "A", "B"]],
            "Cột «Tên thôn» xuất hiện hai lần trong dòng tiêu đề.",
        ),
    ],
    ids=["no-header", "no-rows", "header-twice"],
)
def test_a_table_without_header_or_rows_is_named(world, rows, message):
    with pytest.raises(RosterFileError) as refused:
        validate("villages", workbook_bytes(rows))
    assert str(refused.value) == message


def test_the_same_names_in_both_editions_resolve_by_district_or_to_the_current_edition(world):
    from communes.models import Edition

    from .factories import CommuneFactory, ProvinceFactory

    province_2025 = ProvinceFactory(
        edition=Edition.TWO_TIER_2025, short_name="Quảng Trị", name="Tỉnh Quảng Trị"
    )
    commune_2025 = CommuneFactory(
        district=None,
        province=province_2025,
        edition=Edition.TWO_TIER_2025,
        short_name="Ba Tầng",
        name="Xã Ba Tầng",
    )
    data = workbook_bytes(
        [
            ["Tỉnh", "Huyện", "Xã", "Tên thôn"],
            ["Quảng Trị", "Hướng Hóa", "Ba Tầng", "Thôn Một"],
            ["Quảng Trị", "", "Ba Tầng", "Thôn Hai"],
            ["Quảng Trị", "", "Thuận", "Thôn Ba"],
        ]
    )
    validation = validate("villages", data)
    assert errors_of(validation) == []
    assert [o.payload[0] for o in validation.outcomes] == [
        world.commune_a1.pk,
        commune_2025.pk,
        world.commune_a2.pk,
    ]


def test_an_exported_village_list_imports_back_unchanged(client, world, personas):
    from django.urls import reverse

    client.force_login(personas["commune"])
    exported = client.get(
        reverse("communes:commune_detail", args=[world.commune_a1.pk]), {"xuat": "xlsx"}
    )
    validation = validate("villages", exported.content, "thon.xlsx")
    assert validation.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}


def test_two_villages_of_a_commune_cannot_share_a_code_in_the_file(world):
    data = workbook_bytes(
        [["Xã", "Tên thôn", "Mã thôn"], ["Ba Tầng", "Thôn A", "T1"], ["Ba Tầng", "Thôn B", "T1"]]
    )
    assert errors_of(validate("villages", data)) == [
        (5, "Mã thôn", "T1", "Trùng với dòng 4 trong tệp: mỗi đối tượng chỉ ghi một lần.")
    ]
