"""Who issues a document: an agency, or the People's Committee of a commune, district or province.

The header, the place on the date line, the number series and the symbol ("KH-CCB",
"KH-UBND") all follow from the issuer, so each kind of issuer is described once here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from communes.models import Commune, District, Edition, Province
from ntm_portal.text import lower_first
from sponsorships.models import Agency

from .models import Document, area_field

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
    # The last day the body existed: district People's Committees ended on 30/06/2025.
    ended_on: date | None = None

    def issues_on(self, day: date) -> bool:
        """Whether the body can still issue a document dated that day."""
        return self.ended_on is None or day <= self.ended_on

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


def of_area(area: Commune | District | Province) -> Issuer:
    """The People's Committee of a commune, district or province."""
    field_name = area_field(area)
    return Issuer(
        series=f"{field_name}:{area.pk}",
        name=f"{PEOPLES_COMMITTEE} {lower_first(area.name)}",
        parent_body="",
        place=area.short_name,
        symbol="UBND",
        province=area if isinstance(area, Province) else area.province,
        fields={f"issuer_{field_name}": area},
        ended_on=Edition.validity(area.edition)[1] if isinstance(area, District) else None,
    )


def of_document(document: Document) -> Issuer:
    if document.issuer_id:
        return of_agency(document.issuer)
    return of_area(area_of(document))


def area_of(document: Document) -> Commune | District | Province | None:
    """The commune, district or province a People's Committee document is issued by."""
    return document.issuer_commune or document.issuer_district or document.issuer_province
