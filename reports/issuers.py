"""Who issues a document: an agency, or the People's Committee of a commune, district or province.

The header, the place on the date line, the register and the symbol ("KH-CCB", "SKH-KTN",
"KH-UBND") come from the issuer's profile (IssuerProfile), entered by the people who issue its
documents; without one, the defaults below are proposed. Each kind of issuer is described once
here, and so is the rule that bodies which no longer exist issue nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from communes.models import Commune, District, Edition, Province
from ntm_portal.text import lower_first
from sponsorships.models import Agency

from .models import Document, IssuerProfile, area_field

PEOPLES_COMMITTEE = "Ủy ban nhân dân"
# District People's Committees ended with the three-tier map (Nghị quyết 202/2025/QH15).
DISTRICTS_ENDED = Edition.validity(Edition.THREE_TIER_2024)[1]
SYMBOL_PREFIX = {
    Document.Kind.SPONSORSHIP_PLAN: "KH",
    Document.Kind.INSPECTION_REPORT: "BC",
    Document.Kind.INSPECTION_PLAN: "KH",
    Document.Kind.AGENCY_REPORT: "BC",
    Document.Kind.COMMUNE_PLAN: "KH",
    Document.Kind.VILLAGE_PLAN: "KH",
    Document.Kind.ADVANCED_PLAN: "KH",
    Document.Kind.AREA_PLAN: "KH",
    Document.Kind.CAMPAIGN_PLAN: "KH",
    Document.Kind.RECOGNITION_REQUEST: "TTr",
    Document.Kind.RECOGNITION_RESULTS: "BC",
    Document.Kind.RECOGNITION_COMMENTS: "BC",
    Document.Kind.RECOGNITION_COMMUNE_MINUTES: "BB",
    Document.Kind.RECOGNITION_REVIEW: "BC",
    Document.Kind.RECOGNITION_COUNCIL_MINUTES: "BB",
    Document.Kind.RECOGNITION_APPRAISAL: "BC",
    Document.Kind.RECOGNITION_DECISION: "QĐ",
}


@dataclass(frozen=True)
class Issuer:
    series: str
    name: str  # the body's official name
    header_name: str  # the issuing body in the header, printed upper case and bold
    parent_body: str  # the line above it; People's Committees have none
    name_in_text: str  # "Hội CCB tỉnh xây dựng kế hoạch …"
    place: str  # the date line's place name
    abbreviation: str  # "CCB" in "05/KH-CCB"
    symbol_style: str
    register_per_type: bool
    superior: str  # reported to: "UBND tỉnh (b/c)"
    coordination_office: str
    standing_recipients: list[str]
    province: Province
    agency: Agency | None = None
    area: Commune | District | Province | None = None
    profile: IssuerProfile | None = field(default=None, compare=False)
    # The Document fields that record this issuer.
    fields: dict = field(default_factory=dict, compare=False)

    @property
    def header_lines(self) -> list[str]:
        """Nghị định 30 breaks a People's Committee's name after "Ủy ban nhân dân"."""
        name = self.header_name
        if name.lower().startswith(PEOPLES_COMMITTEE.lower() + " "):
            return [PEOPLES_COMMITTEE, name[len(PEOPLES_COMMITTEE) + 1 :]]
        return [name]

    def symbol(self, kind: str, unit: str = "") -> str:
        """The symbol after the number: "KH-CCB", "KH-SKH-KTN" or "SKH-KTN"."""
        Style = IssuerProfile.SymbolStyle
        prefix = SYMBOL_PREFIX[kind]
        match self.symbol_style:
            case Style.TYPE_ISSUER_UNIT if unit:
                return f"{prefix}-{self.abbreviation}-{unit}"
            case Style.ISSUER_UNIT if unit:
                return f"{self.abbreviation}-{unit}"
        return f"{prefix}-{self.abbreviation}"

    @property
    def needs_unit(self) -> bool:
        return self.symbol_style != IssuerProfile.SymbolStyle.TYPE_ISSUER

    def register_for(self, kind: str) -> str:
        """ "" for the one register shared by the issuer's documents, else the kind's own."""
        return kind if self.register_per_type else ""

    def cannot_issue_on(self, day: date) -> str | None:
        """Why this body cannot issue a document dated `day` (it did not exist then), or None."""
        area = self.area
        if area is None:
            return None
        if isinstance(area, District) and day > DISTRICTS_ENDED:
            return (
                f"Từ 01/07/2025 không còn Ủy ban nhân dân cấp huyện: {area.name} không ban hành "
                f"văn bản ngày {day:%d/%m/%Y}; văn bản do UBND tỉnh hoặc xã ban hành."
            )
        if isinstance(area, Commune):
            # The one rule of whether a unit exists on a date (and what it went into).
            absence = area.absence_on(day)
            return (
                f"{absence.rstrip('.')}: {PEOPLES_COMMITTEE} {lower_first(area.name)} không ban hành văn bản ngày {day:%d/%m/%Y}."
                if absence
                else None
            )
        if area.valid_to and day > area.valid_to:
            return (
                f"{area.name} (danh mục trước 01/07/2025) không còn từ sau ngày "
                f"{area.valid_to:%d/%m/%Y}: văn bản ngày {day:%d/%m/%Y} do đơn vị hành chính mới "
                "ban hành."
            )
        if area.valid_from and day < area.valid_from:
            return f"{area.name} chỉ có từ ngày {area.valid_from:%d/%m/%Y}."
        return None


def derived_abbreviation(agency: Agency) -> str:
    """A proposal only ("Hội CCB tỉnh" → "CCB"): the symbol comes from the issuer's profile."""
    words = [w for w in (agency.short_name or agency.name).replace("&", "").split() if w.isupper()]
    return "".join(words) or "NTM"


def profile_of(**issuer) -> IssuerProfile | None:
    return IssuerProfile.objects.filter(**issuer).first()


def of_agency(agency: Agency, profile: IssuerProfile | None = None) -> Issuer:
    profile = profile or profile_of(agency=agency)
    department = agency.kind == Agency.Kind.DEPARTMENT
    defaults = {
        "header_name": agency.name,
        "parent_body": f"UBND {agency.province.name.upper()}" if department else "",
        "name_in_text": agency.short_name or agency.name,
        "place": agency.province.short_name,
        "abbreviation": derived_abbreviation(agency),
        "superior": f"UBND {lower_first(agency.province.name)}" if department else "",
        "coordination_office": "Văn phòng Điều phối nông thôn mới tỉnh",
    }
    return _issuer(
        series=f"agency:{agency.pk}",
        name=agency.name,
        defaults=defaults,
        profile=profile,
        province=agency.province,
        agency=agency,
        fields={"issuer": agency},
    )


def of_area(area: Commune | District | Province, profile: IssuerProfile | None = None) -> Issuer:
    """The People's Committee of a commune, district or province."""
    field_name = area_field(area)
    profile = profile or profile_of(**{field_name: area})
    name = f"{PEOPLES_COMMITTEE} {lower_first(area.name)}"
    coordination = {
        "commune": "Ban Chỉ đạo các Chương trình MTQG cấp trên",
        "district": "Văn phòng Điều phối nông thôn mới tỉnh",
        "province": "Văn phòng Điều phối nông thôn mới Trung ương",
    }[field_name]
    defaults = {
        "header_name": name,
        "parent_body": "",
        "name_in_text": name,
        "place": area.short_name,
        "abbreviation": "UBND",
        "superior": "",
        "coordination_office": coordination,
    }
    return _issuer(
        series=f"{field_name}:{area.pk}",
        name=name,
        defaults=defaults,
        profile=profile,
        province=area if isinstance(area, Province) else area.province,
        area=area,
        fields={f"issuer_{field_name}": area},
    )


def _issuer(*, series: str, name: str, defaults: dict, profile: IssuerProfile | None, **rest):
    values = dict(defaults)
    if profile is not None:
        for key in defaults:
            if getattr(profile, key):
                values[key] = getattr(profile, key)
    return Issuer(
        series=series,
        name=name,
        symbol_style=profile.symbol_style if profile else IssuerProfile.SymbolStyle.TYPE_ISSUER,
        register_per_type=profile.register_per_type if profile else False,
        standing_recipients=profile.standing_recipient_lines if profile else [],
        profile=profile,
        **values,
        **rest,
    )


def of_document(document: Document) -> Issuer:
    if document.issuer_id:
        return of_agency(document.issuer)
    return of_area(area_of(document))


def area_of(document: Document) -> Commune | District | Province | None:
    """The commune, district or province a People's Committee document is issued by."""
    return document.issuer_commune or document.issuer_district or document.issuer_province


def profile_keys(issuer: Issuer) -> dict:
    """The IssuerProfile fields that name this issuer."""
    if issuer.agency is not None:
        return {"agency": issuer.agency}
    return {area_field(issuer.area): issuer.area}
