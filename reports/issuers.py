"""Who issues a document: an agency, or the People's Committee of a commune, district or province.

The header, the place on the date line, the number series and the symbol ("KH-CCB",
"KH-UBND") all follow from the issuer, so each kind of issuer is described once here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from communes.models import Commune, District, Province
from sponsorships.models import Agency

from .models import Document

PEOPLES_COMMITTEE = "Ủy ban nhân dân"


@dataclass(frozen=True)
class Issuer:
    series: str
    name: str  # the issuing body, printed upper case and bold
    parent_body: str  # the line above it; People's Committees have none
    place: str  # the date line's place name
    symbol: str  # "CCB" in "05/KH-CCB"
    province: Province
    # The Document fields that record this issuer.
    fields: dict = field(default_factory=dict, compare=False)

    @property
    def header_lines(self) -> list[str]:
        """Nghị định 30 breaks a People's Committee's name after "Ủy ban nhân dân"."""
        if self.name.startswith(PEOPLES_COMMITTEE + " "):
            return [PEOPLES_COMMITTEE, self.name[len(PEOPLES_COMMITTEE) + 1 :]]
        return [self.name]


def of_agency(agency: Agency) -> Issuer:
    words = [w for w in (agency.short_name or agency.name).replace("&", "").split() if w.isupper()]
    return Issuer(
        series=f"agency:{agency.pk}",
        name=agency.name,
        parent_body=f"UBND {agency.province.name.upper()}",
        place=agency.province.short_name,
        symbol="".join(words) or "NTM",
        province=agency.province,
        fields={"issuer": agency},
    )


def of_commune(commune: Commune) -> Issuer:
    return Issuer(
        series=f"commune:{commune.pk}",
        name=f"{PEOPLES_COMMITTEE} {_lower_first(commune.name)}",
        parent_body="",
        place=commune.short_name,
        symbol="UBND",
        province=commune.province,
        fields={"issuer_commune": commune},
    )


def of_district(district: District) -> Issuer:
    return Issuer(
        series=f"district:{district.pk}",
        name=f"{PEOPLES_COMMITTEE} {_lower_first(district.name)}",
        parent_body="",
        place=district.short_name,
        symbol="UBND",
        province=district.province,
        fields={"issuer_district": district},
    )


def of_province(province: Province) -> Issuer:
    return Issuer(
        series=f"province:{province.pk}",
        name=f"{PEOPLES_COMMITTEE} {_lower_first(province.name)}",
        parent_body="",
        place=province.short_name,
        symbol="UBND",
        province=province,
        fields={"issuer_province": province},
    )


def of_document(document: Document) -> Issuer:
    if document.issuer_id:
        return of_agency(document.issuer)
    if document.issuer_commune_id:
        return of_commune(document.issuer_commune)
    if document.issuer_district_id:
        return of_district(document.issuer_district)
    return of_province(document.issuer_province)


def area_of(document: Document) -> Commune | District | Province | None:
    """The commune, district or province a People's Committee document is issued by."""
    return document.issuer_commune or document.issuer_district or document.issuer_province


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
