"""Administrative geography: province → district → commune → village.

Two editions of the official units coexist. Until 30/06/2025 the country had three tiers
(63 provinces, 696 districts, 10,051 communes); from 01/07/2025 it has two (34 provinces,
3,321 communes, no districts). Codes are unique only within an edition: the same number can
name different units in the two editions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ntm_portal.choices import ChoiceLabels
from ntm_portal.text import fold, lower_first


class Edition(models.IntegerChoices):
    THREE_TIER_2024 = 2024, _("Trước 01/07/2025 (tỉnh – huyện – xã)")
    TWO_TIER_2025 = 2025, _("Từ 01/07/2025 (tỉnh – xã)")

    @classmethod
    def validity(cls, edition: int) -> tuple[date | None, date | None]:
        """The dates between which an edition's units are the legal ones."""
        return {
            cls.THREE_TIER_2024: (None, date(2025, 6, 30)),
            cls.TWO_TIER_2025: (date(2025, 7, 1), None),
        }[edition]

    @classmethod
    def current(cls) -> Edition:
        return cls.TWO_TIER_2025

    @classmethod
    def on(cls, day: date) -> Edition:
        """The edition whose units are the legal ones on that day."""
        three_tier_end = cls.validity(cls.THREE_TIER_2024)[1]
        return cls.THREE_TIER_2024 if day <= three_tier_end else cls.TWO_TIER_2025

    @classmethod
    def last_day(cls, edition: int, today: date) -> date:
        """Today, or the edition's last day if it has ended: "now" as seen from that edition."""
        end = cls.validity(edition)[1]
        return min(today, end) if end else today


class Region(models.TextChoices):
    """The seven socio-economic regions whose thresholds differ in the criteria sets."""

    NORTHERN_MIDLANDS_MOUNTAINS = "trung_du_mien_nui_phia_bac", _("Trung du và miền núi phía Bắc")
    RED_RIVER_DELTA = "dong_bang_song_hong", _("Đồng bằng sông Hồng")
    NORTH_CENTRAL = "bac_trung_bo", _("Bắc Trung Bộ")
    SOUTH_CENTRAL_COAST = "duyen_hai_nam_trung_bo", _("Duyên hải Nam Trung Bộ")
    CENTRAL_HIGHLANDS = "tay_nguyen", _("Tây Nguyên")
    SOUTHEAST = "dong_nam_bo", _("Đông Nam Bộ")
    MEKONG_DELTA = "dong_bang_song_cuu_long", _("Đồng bằng sông Cửu Long")


class CommuneGroup(models.IntegerChoices):
    """Groups of communes from 2026 (QĐ 51/2025/QĐ-TTg), each with its own thresholds."""

    GROUP_1 = 1, _("Nhóm 1")
    GROUP_2 = 2, _("Nhóm 2")
    GROUP_3 = 3, _("Nhóm 3")


class AdministrativeUnit(ChoiceLabels, models.Model):
    """What every official unit has: an edition, a statistics-office code, a name and a kind."""

    edition = models.PositiveSmallIntegerField(_("phiên bản"), choices=Edition.choices)
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=100)
    short_name = models.CharField(_("tên ngắn"), max_length=100)
    search_name = models.CharField(
        max_length=100, editable=False, db_index=True, verbose_name=_("tên để tìm")
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["edition", "code"]

    def __str__(self) -> str:
        return self.name

    def refresh_search_name(self) -> None:
        self.search_name = fold(self.name)

    def choice_label(self) -> str:
        """How the unit is told apart in a list of choices of both editions, where names repeat
        ("Tỉnh Nghệ An (2025)", "Xã An Châu – Tỉnh Nghệ An (2025)"): its parents and edition.
        A district or commune needs its parents selected with it."""
        parents = [unit.name for unit in self.choice_parents() if unit is not None]
        return f"{' – '.join([self.name, *parents])} ({self.edition})"

    def choice_parents(self) -> list[AdministrativeUnit | None]:
        return []


class ProvinceQuerySet(models.QuerySet):
    def of_edition(self, edition: int) -> ProvinceQuerySet:
        return self.filter(edition=edition)


class Province(AdministrativeUnit):
    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("Tỉnh")
        CITY = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    region = models.CharField(_("vùng"), max_length=30, choices=Region.choices, blank=True)

    objects = ProvinceQuerySet.as_manager()

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("tỉnh/thành phố")
        verbose_name_plural = _("tỉnh/thành phố")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="province_code_per_edition")
        ]

    def name_beside(self, other: Province) -> str:
        """The name, told apart from a province of the other edition named alike: the 2024
        Tỉnh Quảng Trị and the 2025 one (it took in Quảng Bình) share the name."""
        if self.name == other.name and self.edition != other.edition:
            if self.edition == Edition.THREE_TIER_2024:
                return gettext("%(name)s (trước 01/07/2025)") % {"name": self.name}
            return gettext("%(name)s (từ 01/07/2025)") % {"name": self.name}
        return self.name

    def predecessors(self) -> ProvinceQuerySet:
        """The 2024 provinces this 2025 province was formed from (Quảng Bình, Quảng Trị → Quảng Trị)."""
        return Province.objects.filter(successions__successor=self)

    def successors(self) -> ProvinceQuerySet:
        return Province.objects.filter(origins__predecessor=self)


class District(AdministrativeUnit):
    class Kind(models.TextChoices):
        RURAL_DISTRICT = "huyen", _("Huyện")
        URBAN_DISTRICT = "quan", _("Quận")
        TOWN = "thi_xa", _("Thị xã")
        CITY = "thanh_pho", _("Thành phố thuộc tỉnh")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("tỉnh")
    )

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="district_code_per_edition")
        ]

    def choice_parents(self) -> list[AdministrativeUnit | None]:
        return [self.province]


class CommuneQuerySet(models.QuerySet):
    def xa(self) -> CommuneQuerySet:
        """Rural communes: the units scored against the NTM criteria."""
        return self.filter(kind=Commune.Kind.RURAL)

    def of_edition(self, edition: int) -> CommuneQuerySet:
        return self.filter(edition=edition)

    def in_force_on(self, day: date) -> CommuneQuerySet:
        """The units that exist on `day`: Commune.absence_on's rule, in SQL, for a list."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def search(self, query: str) -> CommuneQuerySet:
        """Match any part of the name, without diacritics, or the exact official code."""
        query = query.strip()
        if not query:
            return self
        return self.filter(Q(search_name__contains=fold(query)) | Q(code=query))

    def search_including_former(self, query: str) -> CommuneQuerySet:
        """`search`, and also the 2025 units formed from a 2024 unit of that name or code.

        Each unit found through a former unit carries `former_name` (the first such name), so
        that a list can say "tên cũ: …"; `found_by_own_name` tells whether it would have been
        found anyway (then the old name is not worth saying).
        """
        query = query.strip()
        if not query:
            return self
        folded = fold(query)
        former = CommuneLineage.objects.filter(
            successor=OuterRef("pk"), predecessor__isnull=False
        ).filter(Q(predecessor__search_name__contains=folded) | Q(predecessor__code=query))
        own = Q(search_name__contains=folded) | Q(code=query)
        return self.annotate(
            former_name=Subquery(
                former.order_by("predecessor__search_name").values("predecessor__name")[:1]
            ),
            found_by_own_name=ExpressionWrapper(own, output_field=models.BooleanField()),
        ).filter(own | Exists(former))

    def with_places(self) -> CommuneQuerySet:
        return self.select_related("province", "district")

    def with_village_count(self) -> CommuneQuerySet:
        villages = Village.objects.filter(commune=OuterRef("pk")).order_by().values("commune")
        return self.annotate(
            village_total=Coalesce(
                Subquery(villages.annotate(n=models.Count("pk")).values("n")[:1]), 0
            )
        )


class Commune(AdministrativeUnit):
    """A commune-level unit: xã, phường, thị trấn or đặc khu."""

    class Kind(models.TextChoices):
        RURAL = "xa", _("Xã")
        WARD = "phuong", _("Phường")
        TOWNSHIP = "thi_tran", _("Thị trấn")
        SPECIAL_ZONE = "dac_khu", _("Đặc khu")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("tỉnh")
    )
    # Empty from 01/07/2025: the two-tier government has no districts.
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        related_name="communes",
        null=True,
        blank=True,
        verbose_name=_("huyện"),
    )
    # Especially difficult communes are scored on the northern-mountain thresholds, whatever
    # their province's region.
    region_override = models.CharField(
        _("vùng áp dụng tiêu chí (nếu khác vùng của tỉnh)"),
        max_length=30,
        choices=Region.choices,
        blank=True,
    )

    objects = CommuneQuerySet.as_manager()

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("xã/phường")
        verbose_name_plural = _("xã/phường")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="commune_code_per_edition")
        ]
        indexes = [models.Index(fields=["province", "kind"])]

    def choice_parents(self) -> list[AdministrativeUnit | None]:
        # District names repeat across provinces too: a 2024 commune names both.
        return [self.district, self.province]

    @property
    def region(self) -> str:
        """The region whose thresholds apply: the override, else the province's."""
        return self.region_override or self.province.region

    @property
    def is_rural(self) -> bool:
        return self.kind == self.Kind.RURAL

    def place_label(self, on: date | None = None) -> str:
        """How the plans write it: "Xã Ba Tầng - huyện Hướng Hóa". A text dated after
        30/06/2025 names no district (there are none any more): "Xã Ba Tầng - tỉnh Quảng Trị"."""
        district = self.district if on is None or Edition.on(on) == self.edition else None
        parent = district or self.province
        return f"{self.name} - {lower_first(parent.name)}"

    def predecessors(self) -> CommuneQuerySet:
        """The 2024 units this 2025 unit was formed from (wholly or in part)."""
        return Commune.objects.filter(successions__successor=self)

    def successors(self) -> CommuneQuerySet:
        """The 2025 unit(s) this 2024 unit went into from 01/07/2025."""
        return Commune.objects.filter(origins__predecessor=self)

    def absence_on(self, day: date, *, successors: Iterable[Commune] | None = None) -> str:
        """Why nothing can be assigned to or evaluated for this unit on `day`, in the words shown
        to the user ("Xã Ba Tầng đã sáp nhập vào Xã Lìa từ 01/07/2025"); "" when it existed.

        The one place that says whether a unit exists on a date: its validity dates, which the
        loaded editions carry (2024 units end 30/06/2025, 2025 units start 01/07/2025).
        `successors` spares the query when the caller has them already.
        """
        if self.valid_to is not None and day > self.valid_to:
            since = f"{self.valid_to + timedelta(days=1):%d/%m/%Y}"
            names = sorted(
                (c.name for c in (self.successors() if successors is None else successors)),
                key=fold,
            )
            if not names:
                return gettext(
                    "%(unit)s không còn từ %(since)s (chưa xác định đơn vị kế tiếp)."
                ) % {"unit": self.name, "since": since}
            if names == [self.name]:
                # Kept as it was (giữ nguyên): the 2025 edition has its own row of that name.
                return gettext(
                    "%(unit)s từ %(since)s là đơn vị cùng tên của phiên bản hai cấp: hãy chọn "
                    "đơn vị đó."
                ) % {"unit": self.name, "since": since}
            return gettext("%(unit)s đã sáp nhập vào %(successors)s từ %(since)s") % {
                "unit": self.name,
                "successors": ", ".join(names),
                "since": since,
            }
        if self.valid_from is not None and day < self.valid_from:
            return gettext("%(unit)s chỉ có từ %(since)s.") % {
                "unit": self.name,
                "since": f"{self.valid_from:%d/%m/%Y}",
            }
        return ""


class Village(ChoiceLabels, models.Model):
    """A village (thôn, bản, ấp, tổ dân phố). No package lists them: they come from rosters."""

    class Kind(models.TextChoices):
        """The words people use for a village, kept as they write them: "Xóm" in the north,
        "Buôn" and "Bon" in the Central Highlands, "Phum" and "Sóc" in the Khmer south, …"""

        THON = "thon", _("Thôn")
        BAN = "ban", _("Bản")
        AP = "ap", _("Ấp")
        LANG = "lang", _("Làng")
        XOM = "xom", _("Xóm")
        BUON = "buon", _("Buôn")
        BON = "bon", _("Bon")
        PLEI = "plei", _("Plei")
        PHUM = "phum", _("Phum")
        SOC = "soc", _("Sóc")
        KHOM = "khom", _("Khóm")
        KHU = "khu", _("Khu")
        TO = "to", _("Tổ")
        RESIDENTIAL_GROUP = "to_dan_pho", _("Tổ dân phố")
        QUARTER = "khu_pho", _("Khu phố")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="villages", verbose_name=_("xã")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.THON)
    name = models.CharField(_("tên"), max_length=100)
    code = models.CharField(_("mã"), max_length=20, blank=True)
    search_name = models.CharField(
        max_length=100, editable=False, db_index=True, verbose_name=_("tên để tìm")
    )
    # The 2024 village this one continues, in the 2025 commune its commune went into wholly
    # (communes.services.villages_carry_over); the 2024 row keeps its history.
    formed_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="carried_to",
        verbose_name=_("thôn trước 01/07/2025"),
    )

    class Meta:
        verbose_name = _("thôn/bản")
        verbose_name_plural = _("thôn/bản")
        ordering = ["commune", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="village_name_per_commune"),
            models.UniqueConstraint(
                fields=["commune", "code"],
                condition=~Q(code=""),
                name="village_code_per_commune",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def refresh_search_name(self) -> None:
        self.search_name = fold(self.name)


class LineageKind(models.TextChoices):
    """How a unit went into its successor, in the words of the conversion table."""

    WHOLE = "whole", _("Nhập toàn bộ")
    PART = "part", _("Nhập một phần")
    UNCHANGED = "unchanged", _("Giữ nguyên")


class CommuneLineageQuerySet(models.QuerySet):
    def with_places(self) -> CommuneLineageQuerySet:
        return self.select_related(
            "predecessor__district",
            "predecessor__province",
            "predecessor_district__province",
            "successor__province",
        )

    def successors_of(self, commune_ids: Iterable[int]) -> dict[int, list[Commune]]:
        """Each 2024 unit's 2025 successors, for many units in one query."""
        found: dict[int, list[Commune]] = {}
        for link in self.filter(predecessor__in=list(commune_ids)).select_related("successor"):
            found.setdefault(link.predecessor_id, []).append(link.successor)
        return found


class CommuneLineage(ChoiceLabels, models.Model):
    """A 2024 commune-level unit → a 2025 one (01/07/2025). A split unit has several rows.

    The five island districts that had no communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn,
    Côn Đảo) became special zones: their row names the district instead. Units our January
    2025 snapshot still lists but that were merged earlier in 2025 go through the unit that
    absorbed them (`intermediate_*`), which is not always a unit of our 2024 edition.
    Loaded from fixtures/divisions/lineage-2025.json by `load_lineage`.
    """

    predecessor = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="successions",
        verbose_name=_("đơn vị trước"),
    )
    predecessor_district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="successions",
        verbose_name=_("huyện trước (không có xã)"),
    )
    successor = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="origins", verbose_name=_("đơn vị sau")
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=LineageKind.choices)
    effective_on = models.DateField(_("hiệu lực từ"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200, blank=True)
    intermediate_code = models.CharField(_("mã đơn vị trung gian"), max_length=5, blank=True)
    intermediate_name = models.CharField(_("đơn vị trung gian"), max_length=100, blank=True)
    source = models.CharField(_("nguồn"), max_length=30)
    note = models.TextField(_("ghi chú"), blank=True)
    needs_review = models.BooleanField(_("cần rà soát"), default=False)

    objects = CommuneLineageQuerySet.as_manager()

    class Meta:
        verbose_name = _("nguồn gốc đơn vị cấp xã")
        verbose_name_plural = _("nguồn gốc đơn vị cấp xã")
        ordering = ["successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                condition=Q(predecessor__isnull=False),
                name="commune_lineage_once",
            ),
            models.UniqueConstraint(
                fields=["predecessor_district", "successor"],
                condition=Q(predecessor_district__isnull=False),
                name="district_lineage_once",
            ),
            models.CheckConstraint(
                condition=Q(predecessor__isnull=False, predecessor_district__isnull=True)
                | Q(predecessor__isnull=True, predecessor_district__isnull=False),
                name="commune_lineage_one_predecessor",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor or self.predecessor_district} → {self.successor}"


class ProvinceLineage(ChoiceLabels, models.Model):
    """A 2024 province → its 2025 province (63 → 34 from 01/07/2025)."""

    predecessor = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="successions", verbose_name=_("tỉnh trước")
    )
    successor = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="origins", verbose_name=_("tỉnh sau")
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=LineageKind.choices)
    effective_on = models.DateField(_("hiệu lực từ"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("nguồn gốc tỉnh")
        verbose_name_plural = _("nguồn gốc tỉnh")
        ordering = ["successor", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="province_lineage_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class DivisionCorrection(ChoiceLabels, models.Model):
    """One unit corrected in place by `load_divisions` (e.g. a draft 2025 code made official).

    The row was kept (so evaluations, assignments, users and documents still point at it) and
    its code, name or kind changed; this is the record of what it was.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh")
        DISTRICT = "district", _("Huyện")
        COMMUNE = "commune", _("Xã")

    edition = models.PositiveSmallIntegerField(_("phiên bản"), choices=Edition.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    unit_id = models.PositiveBigIntegerField(_("mã bản ghi"))
    old_code = models.CharField(_("mã cũ"), max_length=5)
    new_code = models.CharField(_("mã mới"), max_length=5)
    old_name = models.CharField(_("tên cũ"), max_length=100)
    new_name = models.CharField(_("tên mới"), max_length=100)
    old_kind = models.CharField(_("loại cũ"), max_length=20)
    new_kind = models.CharField(_("loại mới"), max_length=20)
    source = models.CharField(_("nguồn"), max_length=200)
    corrected_at = models.DateTimeField(_("lúc sửa"), auto_now_add=True)

    class Meta:
        verbose_name = _("đính chính đơn vị hành chính")
        verbose_name_plural = _("đính chính đơn vị hành chính")
        ordering = ["-corrected_at", "level", "new_code"]

    def __str__(self) -> str:
        return f"{self.old_code} {self.old_name} → {self.new_code} {self.new_name}"
