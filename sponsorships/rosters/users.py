"""Officials and agency members, each with a role and its one scope. No passwords in files:
a new user gets an email inviting them to set their own (Django's password-reset token)."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.auth.hashers import make_password
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes.models import Commune
from communes.places import NotMatched, Places
from communes.rosters import PLACE_COLUMNS, commune_column, locate_commune
from ntm_portal import rosters
from ntm_portal.accounts import email_problem, username_problem
from ntm_portal.models import ROLE_SCOPE_FIELD, Role, User
from ntm_portal.queue import enqueue_after_commit
from ntm_portal.rosters.base import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    Progress,
    Roster,
    RowChecker,
    Validation,
    duplicate_check,
    report_progress,
)
from ntm_portal.rosters.reading import Column
from ntm_portal.text import fold
from sponsorships.models import Agency

from .agencies import AgencyIndex

# As officials write them (folded). Administrators are not made from a file: too much power
# for a spreadsheet cell.
ROLE_WORDS = {
    "van phong dieu phoi ntm tinh": Role.PROVINCE,
    "van phong dieu phoi": Role.PROVINCE,
    "vpdp": Role.PROVINCE,
    "can bo tinh": Role.PROVINCE,
    "tinh": Role.PROVINCE,
    "can bo huyen": Role.DISTRICT,
    "huyen": Role.DISTRICT,
    "can bo xa": Role.COMMUNE,
    "xa": Role.COMMUNE,
    "co quan do dau, phu trach": Role.AGENCY,
    "co quan do dau phu trach": Role.AGENCY,
    "thanh vien co quan": Role.AGENCY,
    "co quan": Role.AGENCY,
}
FIELDS = ["first_name", "last_name", "email", "role", "province", "district", "commune", "agency"]


@rosters.register
class UserRoster(Roster):
    kind = "users"
    label = gettext_lazy("Người dùng")
    position = 40
    office_may_use = True
    after = ("agencies",)
    title = gettext_lazy("Danh sách người dùng")
    columns = [
        Column(
            "username",
            "Tên đăng nhập",
            required=True,
            aliases=["Tài khoản"],
            example="xa.batang",
            help=gettext_lazy(
                "Chữ không dấu, số và @ . + - _ (xa.batang); người dùng đã có được nhận theo tên này."
            ),
        ),
        Column(
            "full_name",
            "Họ tên",
            aliases=["Họ và tên"],
            example="Hồ Văn Thanh",
            help=gettext_lazy("Họ và tên đầy đủ. Để trống: người dùng đã có giữ họ tên cũ."),
        ),
        Column(
            "email",
            "Email",
            aliases=["Thư điện tử"],
            example="batang@quangtri.gov.vn",
            help=gettext_lazy(
                "Cần cho người dùng mới (thư mời đặt mật khẩu). Để trống: người dùng đã có giữ email cũ."
            ),
        ),
        Column(
            "role",
            "Vai trò",
            required=True,
            example="Cán bộ xã",
            help=gettext_lazy(
                "Cán bộ tỉnh (hoặc Văn phòng Điều phối, VPĐP), Cán bộ huyện, Cán bộ xã, Thành viên cơ quan."
            ),
        ),
        *PLACE_COLUMNS,
        Column(
            "agency",
            "Cơ quan",
            aliases=["Tên cơ quan"],
            example="",
            help=gettext_lazy(
                "Cho thành viên cơ quan: tên đầy đủ, tên viết tắt hoặc tên cũ của cơ quan trong tỉnh đã ghi."
            ),
        ),
    ]
    instructions = [
        gettext_lazy(
            "Mỗi dòng là một người dùng. Tệp không chứa mật khẩu: người dùng mới nhận thư mời tự đặt mật khẩu."
        ),
        gettext_lazy(
            "Vai trò: Cán bộ tỉnh (Văn phòng Điều phối NTM tỉnh), Cán bộ huyện, Cán bộ xã, Thành viên cơ quan."
        ),
        gettext_lazy(
            "Phạm vi theo vai trò: cán bộ tỉnh ghi Tỉnh; cán bộ huyện ghi Huyện (và Tỉnh); cán bộ xã ghi Xã hoặc Mã xã; thành viên cơ quan ghi Cơ quan và Tỉnh."
        ),
        gettext_lazy(
            "Tỉnh và xã được tìm trong danh mục từ 01/07/2025; huyện, và tỉnh, xã chỉ có trước "
            "01/07/2025, trong danh mục cũ (tài khoản của đơn vị cũ)."
        ),
        gettext_lazy(
            "Người dùng đã có (cùng tên đăng nhập) được cập nhật họ tên, email, vai trò, phạm vi; ô để trống giữ giá trị đã có (cùng vai trò, không ghi địa bàn: giữ phạm vi cũ). Tài khoản quản trị không được tạo hay sửa qua tệp."
        ),
    ]
    examples = [
        [
            "xa.batang",
            "Hồ Văn Thanh",
            "batang@example.vn",
            "Cán bộ xã",
            "Tỉnh Quảng Trị",
            "Huyện Hướng Hóa",
            "",
            "Xã Ba Tầng",
            "",
        ],
        [
            "ccb.quangtri",
            "Lê Thị Hoa",
            "ccb@example.vn",
            "Thành viên cơ quan",
            "Tỉnh Quảng Trị",
            "",
            "",
            "",
            "Hội Cựu chiến binh tỉnh Quảng Trị",
        ],
    ]

    def validate_rows(
        self, rows: list[RowChecker], *, actor: User | None, progress: Progress
    ) -> None:
        places = Places()
        agencies = AgencyIndex()
        usernames = {row.value("username").lower() for row in rows}
        existing = {
            user.username.lower(): user
            for user in User.objects.annotate(lower_name=Lower("username"))
            .filter(lower_name__in=usernames)
            .only(*FIELDS, "username", "is_superuser")
        }
        keyed = []
        for index, row in enumerate(rows, start=1):
            report_progress(progress, index, len(rows))
            username = row.required("username")
            if username and (problem := username_problem(username)):
                row.fail("username", problem)
            email = row.value("email")
            if email and (problem := email_problem(email)):
                row.fail("email", problem)
            role = ROLE_WORDS.get(fold(row.value("role"))) if row.required("role") else None
            if row.value("role") and role is None:
                row.fail(
                    "role",
                    _(
                        "Vai trò không hợp lệ: chọn Cán bộ tỉnh, Cán bộ huyện, Cán bộ xã hoặc Thành viên cơ quan."
                    ),
                )
            current = existing.get(username.lower())
            if current is not None and role == current.role and not self._scope_written(row):
                # Blank place cells keep the scope an existing user has.
                scope = getattr(current, f"{ROLE_SCOPE_FIELD[role]}_id")
            else:
                scope = self._scope(row, role, places, agencies) if role else None
            if current is not None and (current.is_superuser or current.role == Role.ADMIN):
                row.fail("username", _("Tài khoản quản trị không được sửa qua tệp."))
            if current is None and not email and row.outcome.status != ERROR:
                row.fail("email", _("Người dùng mới cần email để nhận thư mời đặt mật khẩu."))
            if row.outcome.status == ERROR or scope is None:
                continue
            keyed.append((row, username.lower()))
            wanted = {
                # Vietnamese names are kept whole ("Hồ Văn Thanh"): family name first, given last.
                "first_name": row.value("full_name")[:150],
                "last_name": "",
                "email": email,
                "role": role,
                "province_id": None,
                "district_id": None,
                "commune_id": None,
                "agency_id": None,
                f"{ROLE_SCOPE_FIELD[role]}_id": scope,
            }
            if current is not None:
                # Blank cells keep what the portal has.
                if not wanted["first_name"]:
                    wanted["first_name"], wanted["last_name"] = (
                        current.first_name,
                        current.last_name,
                    )
                wanted["email"] = wanted["email"] or current.email
            row.outcome.label = f"{username} – {row.value('role')}"
            if current is None:
                row.outcome.status = NEW
            else:
                if wanted["first_name"] == current.get_full_name():
                    # The same name, however the admin split it in two: kept as it is.
                    wanted["first_name"], wanted["last_name"] = (
                        current.first_name,
                        current.last_name,
                    )
                changed = row.compare(
                    "full_name",
                    current.get_full_name(),
                    f"{wanted['first_name']} {wanted['last_name']}".strip(),
                )
                changed = row.compare("email", current.email, wanted["email"]) or changed
                changed = (
                    row.compare("role", current.role, wanted["role"], dict(Role.choices)) or changed
                )
                for field in ("province", "district", "commune", "agency"):
                    stored, scope_id = getattr(current, f"{field}_id"), wanted[f"{field}_id"]
                    if stored != scope_id:
                        name = self._scope_name
                        row.compare(
                            field,
                            name(places, agencies, field, stored),
                            name(places, agencies, field, scope_id),
                        )
                        changed = True
                row.outcome.status = UPDATED if changed else UNCHANGED
            row.outcome.payload = (current.pk if current else None, username, wanted)
        duplicate_check(keyed)

    @staticmethod
    def _scope_name(places: Places, agencies: AgencyIndex, field: str, pk: int | None) -> str:
        """A scope as the preview names it, read from what the check has loaded (no query)."""
        if pk is None:
            return ""
        found = {
            "province": places.province_by_pk,
            "district": places.district_by_pk,
            "commune": places.commune_by_pk,
            "agency": agencies.by_pk,
        }[field].get(pk)
        return found.name if found else str(pk)

    @staticmethod
    def _scope_written(row: RowChecker) -> bool:
        return any(
            row.value(key) for key in ("province", "district", "commune_code", "commune", "agency")
        )

    @staticmethod
    def _scope(row: RowChecker, role: str, places: Places, agencies: AgencyIndex) -> int | None:
        """The pk of the role's one scope, or None (with the row failed)."""
        try:
            province = places.province(name=row.value("province"))
            if role == Role.PROVINCE:
                if province is None:
                    row.fail("province", _("Cán bộ tỉnh cần ghi Tỉnh."), "")
                    return None
                row.matched("province", places.describe(province))
                return province.pk
            if role == Role.DISTRICT:
                district = places.district(name=row.value("district"), province=province)
                if district is None:
                    row.fail("district", _("Cán bộ huyện cần ghi Huyện."), "")
                    return None
                row.matched("district", places.describe(district))
                return district.pk
        except NotMatched as error:
            row.fail("district" if role == Role.DISTRICT else "province", str(error))
            return None
        if role == Role.COMMUNE:
            commune = locate_commune(row, places)
            return commune.pk if commune else None
        name = row.value("agency")
        if not name or province is None:
            row.fail("agency", _("Thành viên cơ quan cần ghi Cơ quan và Tỉnh."), name)
            return None
        agency = agencies.lookup(row, "agency", province.name)
        return agency.pk if agency else None

    # The accounts an office keeps for its province: its xã's officials and its agencies' members.
    OFFICE_ROLES = frozenset({Role.COMMUNE, Role.AGENCY})

    def office_rows(self, rows: list[RowChecker]) -> Iterator[tuple[RowChecker, str, int | None]]:
        """The province of the account as the file makes it, and as it is stored: an office
        neither gives another province an account nor takes over one (an administrator's, another
        office's)."""
        rows = [row for row in rows if row.outcome.payload]
        stored = {
            user.pk: user
            for user in User.objects.filter(
                pk__in={row.outcome.payload[0] for row in rows if row.outcome.payload[0]}
            ).only("pk", "role", "commune_id", "agency_id")
        }
        wanted = [row.outcome.payload[2] for row in rows]
        communes = {w["commune_id"] for w in wanted} | {u.commune_id for u in stored.values()}
        agencies = {w["agency_id"] for w in wanted} | {u.agency_id for u in stored.values()}
        commune_provinces = dict(
            Commune.objects.filter(pk__in=communes - {None}).values_list("pk", "province_id")
        )
        agency_provinces = dict(
            Agency.objects.filter(pk__in=agencies - {None}).values_list("pk", "province_id")
        )

        def province_of(role: str, commune_id: int | None, agency_id: int | None) -> int | None:
            if role == Role.COMMUNE:
                return commune_provinces.get(commune_id)
            if role == Role.AGENCY:
                return agency_provinces.get(agency_id)
            return None  # not an account an office keeps

        for row in rows:
            pk, _username, account = row.outcome.payload
            # The cell that places the account: its xã, its agency, or a role no office gives.
            column = {Role.COMMUNE: commune_column(row), Role.AGENCY: "agency"}.get(
                account["role"], "role"
            )
            yield (
                row,
                column,
                province_of(account["role"], account["commune_id"], account["agency_id"]),
            )
            if pk:
                user = stored[pk]
                yield row, "username", province_of(user.role, user.commune_id, user.agency_id)

    def apply(self, validation: Validation, *, actor: User | None, reason: str = "") -> None:
        new, changed = [], []
        for outcome in validation.outcomes:
            if outcome.status not in (NEW, UPDATED):
                continue
            pk, username, wanted = outcome.payload
            if pk:
                changed.append(User(pk=pk, username=username, **wanted))
            else:
                new.append(User(username=username, password=make_password(None), **wanted))
        created = User.objects.bulk_create(new, batch_size=1000)
        User.objects.bulk_update(
            changed,
            [*FIELDS[:3], "role", "province_id", "district_id", "commune_id", "agency_id"],
            batch_size=1000,
        )
        enqueue_after_commit(
            "ntm_portal.tasks.send_invitation_email", [user.pk for user in created]
        )
