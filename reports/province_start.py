""" "Bắt đầu với tỉnh": what a province's office has set up in the portal and what is missing,
as numbered steps in the order to do them (issue 25).

Each floor counts its own data (communes.province_start, criteria.province_start,
sponsorships.province_start, and the issuer figures here); this top floor only puts them in
order, words them and links each to the page or roster that fills it. Every figure is an
aggregate in SQL: the page asks the same number of queries for 5 xã as for 150.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from communes.models import Province
from communes.province_start import commune_figures
from criteria.province_start import criteria_figures
from ntm_portal.access import can_import_rosters
from ntm_portal.models import User
from sponsorships.province_start import sponsorship_figures

from .models import DocumentCounter, IssuerProfile


@dataclass(frozen=True)
class IssuerFigures:
    has_profile: bool
    signatories: int  # still signing
    register_entered: bool  # this year's last number used on paper was entered
    last_number: int  # the last number the register gave this year (0: none yet)


def issuer_figures(province: Province, year: int) -> IssuerFigures:
    """The People's Committee of the province as an issuer: two queries."""
    profile = (
        IssuerProfile.objects.filter(province=province)
        .annotate(signing=Count("signatories", filter=Q(signatories__is_active=True)))
        .values("signing")
        .first()
    )
    register = DocumentCounter.objects.filter(
        series=f"province:{province.pk}", year=year
    ).aggregate(last=Max("last_number"), entered=Count("pk", filter=Q(entered_last__isnull=False)))
    return IssuerFigures(
        has_profile=profile is not None,
        signatories=profile["signing"] if profile else 0,
        register_entered=bool(register["entered"]),
        last_number=register["last"] or 0,
    )


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class StartStep:
    title: str
    figure: str  # "62/69 xã chưa có tài khoản"
    done: bool
    links: list[Link]
    hint: str = ""


def start_steps(province: Province, user: User, today: date) -> list[StartStep]:
    """The steps in the order to take them: who signs and the register first (every decision
    after them is numbered), then the places and people, then the decisions that rest on them
    (agencies before their assignments, groups before the first evaluation, since QĐ 51's
    thresholds depend on the group)."""
    issuer = issuer_figures(province, today.year)
    places = commune_figures(province)
    criteria = criteria_figures(province, today)
    sponsorship = sponsorship_figures(province)
    # Rosters fill hundreds of rows at once; offered to whoever may import them.
    rosters = can_import_rosters(user)

    def roster(kind_label: str) -> list[Link]:
        if not rosters:
            return []
        return [
            Link(
                _("Nhập danh sách «%(kind)s»") % {"kind": kind_label},
                reverse("rosters:import_list"),
            )
        ]

    settings_url = reverse("reports:province_settings", args=[province.pk])
    xa = places.xa
    steps = [
        StartStep(
            title=_("Thông tin Ủy ban nhân dân tỉnh và người ký"),
            figure=(
                _("%(count)s người ký") % {"count": issuer.signatories}
                if issuer.has_profile
                else _("Chưa có thông tin cơ quan ban hành")
            ),
            done=issuer.has_profile and issuer.signatories > 0,
            links=[Link(_("Thông tin ban hành văn bản"), settings_url)],
        ),
        StartStep(
            title=_("Sổ đăng ký văn bản năm %(year)s") % {"year": today.year},
            figure=(
                _("Số cuối đã dùng: %(number)02d") % {"number": issuer.last_number}
                if issuer.register_entered or issuer.last_number
                else _("Chưa nhập số cuối đã dùng trên giấy")
            ),
            done=issuer.register_entered or issuer.last_number > 0,
            links=[Link(_("Nhập số đã dùng"), settings_url)],
            hint=_("Văn bản ban hành trên cổng được lấy số tiếp theo số này."),
        ),
        StartStep(
            title=_("Thôn, bản của các xã"),
            figure=_("%(missing)s/%(total)s xã chưa có thôn · %(villages)s thôn đã nhập")
            % {"missing": places.without_villages, "total": xa, "villages": places.villages},
            done=xa > 0 and places.without_villages == 0,
            links=roster(_("Thôn, bản")),
            hint="" if rosters else _("Quản trị hệ thống nhập danh sách thôn, bản cho tỉnh."),
        ),
        StartStep(
            title=_("Tài khoản cán bộ xã"),
            figure=_("%(missing)s/%(total)s xã chưa có tài khoản")
            % {"missing": places.without_official, "total": xa},
            done=xa > 0 and places.without_official == 0,
            links=roster(_("Người dùng")),
            hint=" ".join(
                [
                    _("Chỉ cán bộ xã mới mở được hồ sơ xét công nhận của xã mình."),
                    ""
                    if rosters
                    else _("Quản trị hệ thống tạo tài khoản theo danh sách tỉnh gửi."),
                ]
            ).strip(),
        ),
        StartStep(
            title=_("Cơ quan đỡ đầu, phụ trách và tài khoản thành viên"),
            figure=_("%(count)s cơ quan · %(missing)s cơ quan chưa có tài khoản thành viên")
            % {"count": sponsorship.agencies, "missing": sponsorship.without_members},
            done=sponsorship.agencies > 0 and sponsorship.without_members == 0,
            links=[Link(_("Cơ quan"), reverse("sponsorships:agency_list")), *roster(_("Cơ quan"))],
        ),
        StartStep(
            title=_("Quyết định phân công đỡ đầu, phụ trách"),
            figure=_("%(count)s quyết định") % {"count": sponsorship.decisions},
            done=sponsorship.decisions > 0,
            links=[
                Link(
                    _("Quyết định phân công"),
                    reverse("sponsorships:decision_list", args=[province.pk]),
                ),
                *roster(_("Quyết định và phân công")),
            ],
        ),
    ]
    if criteria.groups_apply:
        steps.append(
            StartStep(
                title=_("Quyết định phân nhóm xã (QĐ 51/2025/QĐ-TTg)"),
                figure=_("%(missing)s/%(total)s xã chưa có nhóm")
                % {"missing": criteria.without_group, "total": criteria.xa},
                done=criteria.xa > 0 and criteria.without_group == 0,
                links=[
                    Link(_("Nhóm xã"), reverse("criteria:commune_groups", args=[province.pk])),
                    # The whole province in one file: a select per xã on the page otherwise.
                    *roster(_("Nhóm xã")),
                ],
                hint=_("Ngưỡng của nhiều chỉ tiêu tùy theo nhóm xã."),
            )
        )
    steps += [
        StartStep(
            title=_("Quyết định công nhận đã có"),
            figure=_("%(count)s/%(total)s xã đang được công nhận")
            % {"count": criteria.recognised, "total": criteria.xa},
            # Nothing says how many a province should have: done once one is entered.
            done=criteria.recognised > 0,
            links=[
                Link(_("Công nhận"), reverse("criteria:recognitions", args=[province.pk])),
                *roster(_("Quyết định công nhận xã đạt chuẩn ban hành trên giấy")),
            ],
        ),
        StartStep(
            title=_("Kỳ đánh giá đầu tiên theo bộ tiêu chí hiện hành"),
            figure=_("%(count)s/%(total)s xã đã có đánh giá")
            % {"count": criteria.evaluated, "total": criteria.xa},
            done=criteria.xa > 0 and criteria.evaluated == criteria.xa,
            links=[
                Link(_("Thẩm định"), reverse("criteria:review_queue")),
                *roster(_("Kết quả đánh giá tiêu chí")),
            ],
        ),
    ]
    return steps
