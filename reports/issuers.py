"""Who issues a document: an agency, or the People's Committee of a commune, district or province.

The header, the place on the date line, the register and the symbol ("KH-CCB", "SKH-KTN",
"KH-UBND") come from the issuer's profile (IssuerProfile), entered by the people who issue its
documents; without one, the defaults below are proposed. Each kind of issuer is described once
here, and so is the rule that bodies which no longer exist issue nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy

from communes.models import Commune, District, Edition, Province
from ntm_portal.text import fold, place_in_text
from sponsorships.models import Agency

from .kinds.registry import kind_for
from .models import Document, IssuerProfile, area_field

PEOPLES_COMMITTEE = "Ủy ban nhân dân"
# District People's Committees ended with the three-tier map (Nghị quyết 202/2025/QH15).
DISTRICTS_ENDED = Edition.validity(Edition.THREE_TIER_2024)[1]


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
        """Nghị định 30 breaks a People's Committee's name after "Ủy ban nhân dân"; any other
        long name is broken between words where a drafter would ("SỞ NÔNG NGHIỆP / VÀ MÔI
        TRƯỜNG"), never inside a word pair the column happens to end in."""
        name = self.header_name
        if name.lower().startswith(PEOPLES_COMMITTEE.lower() + " "):
            return [PEOPLES_COMMITTEE, name[len(PEOPLES_COMMITTEE) + 1 :]]
        return header_break(name)

    def symbol(self, kind: str, unit: str = "") -> str:
        """The symbol after the number: "KH-CCB", "KH-SKH-KTN" or "SKH-KTN"."""
        Style = IssuerProfile.SymbolStyle
        prefix = kind_for(kind).type_symbol
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
                f"{absence.rstrip('.')}: {PEOPLES_COMMITTEE} {place_in_text(area.name)} không ban hành văn bản ngày {day:%d/%m/%Y}."
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


# The header's left column holds about this many capitals of Times 13pt on one line.
HEADER_LINE_CHARS = 26
# Where a body's name may be broken: before these words (folded, lower case), which start a
# phrase of their own ("và Môi trường", "tỉnh Lâm Đồng", "thành phố Huế").
BREAK_BEFORE = ("va", "tinh", "thanh pho", "huyen", "xa", "phuong", "dac khu", "cuu", "viet nam")


def header_break(name: str) -> list[str]:
    """A long body name in the header as one or two lines, broken before a word that opens a
    phrase, at the most balanced such place; a name with no such place stays whole (the
    stylesheet narrows the font of a long line rather than let it break mid-phrase)."""
    if len(name) <= HEADER_LINE_CHARS:
        return [name]
    words = name.split()
    best: tuple[int, int] | None = None
    for index in range(1, len(words)):
        rest = fold(" ".join(words[index:]))
        if not any(rest == w or rest.startswith(w + " ") for w in BREAK_BEFORE):
            continue
        longest = max(len(" ".join(words[:index])), len(" ".join(words[index:])))
        if best is None or longest < best[0]:
            best = (longest, index)
    if best is None:
        return [name]
    return [" ".join(words[: best[1]]), " ".join(words[best[1] :])]


def is_abbreviation(text: str) -> bool:
    """ "SNNMT", "STC", "UBND": a symbol, which the seeds use in "KH-SNNMT" and the Lưu line
    but never as the subject of a sentence."""
    words = text.replace("&", " ").replace("-", " ").split()
    return bool(words) and all(not any(ch.islower() for ch in word) for word in words)


def agency_in_text(agency: Agency, day: date | None = None) -> str:
    """The agency as running text names it: its full name, with its province when the name
    does not say it ("Sở Nông nghiệp và Môi trường tỉnh Lâm Đồng"); the short form only
    when it is itself words ("Hội CCB tỉnh", seed 000), never a bare abbreviation."""
    short = agency.short_name.strip()
    if short and not is_abbreviation(short):
        return short
    name = agency.name_on(day) if day else agency.name
    province = agency.province
    if fold(province.short_name) not in fold(name):
        name = f"{name} {place_in_text(province.name)}"
    return name


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
        "name_in_text": agency_in_text(agency),
        "place": agency.province.short_name,
        "abbreviation": derived_abbreviation(agency),
        "superior": f"UBND {place_in_text(agency.province.name)}" if department else "",
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
    name = f"{PEOPLES_COMMITTEE} {place_in_text(area.name)}"
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
        # A profile that gives the symbol as the name in text ("STC") would make every
        # opening read "STC xây dựng kế hoạch": the full name stands in running text.
        if is_abbreviation(values["name_in_text"]):
            values["name_in_text"] = defaults["name_in_text"]
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


# ---------------------------------------------------------------- who signs, in what capacity --


class Capacity:
    """The capacity in which THIS document is signed (Nghị định 30, Phụ lục I): chosen when it
    is issued and kept with it, because the same person signs one paper for the collective and
    another in the chairman's own name (issue 26: the Chủ tịch's decision printed "TM. ỦY BAN
    NHÂN DÂN / KT. CHỦ TỊCH", the line set once for the signer)."""

    HEAD = "head"  # the head: "TM. <BODY>" over the title, or the title alone
    DEPUTY = "deputy"  # "KT. <HEAD>" over the deputy's title
    ACTING = "acting"  # "Q. <HEAD>"
    BY_ORDER = "by_order"  # "TL. <HEAD>" over the signer's title
    BY_AUTHORISATION = "by_authorisation"  # "TUQ. <HEAD>" over the signer's title

    CHOICES = (
        (HEAD, gettext_lazy("Người đứng đầu ký (TM. tập thể / chức danh)")),
        (DEPUTY, gettext_lazy("Cấp phó ký thay người đứng đầu (KT.)")),
        (ACTING, gettext_lazy("Quyền người đứng đầu (Q.)")),
        (BY_ORDER, gettext_lazy("Thừa lệnh (TL.)")),
        (BY_AUTHORISATION, gettext_lazy("Thừa ủy quyền (TUQ.)")),
    )
    VALUES = tuple(value for value, _label in CHOICES)


# Kinds signed in the chairman's own name ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH … QUYẾT ĐỊNH"), not
# for the collective: no "TM." line.
_MARKS = {"KT.": Capacity.DEPUTY, "Q.": Capacity.ACTING, "TL.": Capacity.BY_ORDER}


def default_capacity(signatory) -> str:
    """What the signer usually signs as, read from their title and their usual authority line:
    a "Phó …" signs KT., a "Quyền …" Q., a line starting TL./TUQ. says so; else the head."""
    if signatory is None:
        return Capacity.HEAD
    lines = [line.strip() for line in (signatory.authority or "").splitlines() if line.strip()]
    for line in lines:
        if line.upper().startswith("TUQ."):
            return Capacity.BY_AUTHORISATION
        for mark, capacity in _MARKS.items():
            if line.upper().startswith(mark) and capacity != Capacity.DEPUTY:
                return capacity
    title = fold(signatory.title or "")
    if title.startswith("pho "):
        return Capacity.DEPUTY
    if title.startswith("quyen "):
        return Capacity.ACTING
    return Capacity.HEAD


def signature_block(
    kind: str, issuer: Issuer, signatory, capacity: str = ""
) -> tuple[list[str], str]:
    """(authority lines, title line) for this document signed by `signatory` in `capacity`:
    the head of a People's Committee → "TM. Ủy ban nhân dân" / "Chủ tịch"; its deputy →
    "TM. Ủy ban nhân dân" / "KT. Chủ tịch" / "Phó Chủ tịch"; the chairman's own decision →
    "Chủ tịch", or "KT. Chủ tịch" / "Phó Chủ tịch"; a Sở's director → "Giám đốc"."""
    if signatory is None:
        return [], ""
    capacity = capacity if capacity in Capacity.VALUES else default_capacity(signatory)
    usual = [line.strip() for line in (signatory.authority or "").splitlines() if line.strip()]
    title = signatory.title.strip()
    collective = ""
    if not kind_for(kind).own_name:
        if issuer.area is not None:
            collective = f"TM. {PEOPLES_COMMITTEE}"
        else:
            collective = next((line for line in usual if line.upper().startswith("TM.")), "")
    # The head's title: a People's Committee's is Chủ tịch; else the one the signer's usual line
    # names after KT./Q./TL./TUQ., else the signer's own title without "Phó"/"Quyền".
    marked = next(
        (
            line.split(".", 1)[1].strip()
            for line in usual
            if line.split(".", 1)[0].upper() in ("KT", "Q", "TL", "TUQ") and "." in line
        ),
        "",
    )
    head = "Chủ tịch" if issuer.area is not None else marked or _without_rank(title)
    lines = [collective] if collective else []
    match capacity:
        case Capacity.DEPUTY:
            return [*lines, f"KT. {head}"], title
        case Capacity.ACTING:
            return [*lines, f"Q. {head}"], ""
        case Capacity.BY_ORDER:
            return [*lines, f"TL. {head}"], title
        case Capacity.BY_AUTHORISATION:
            return [f"TUQ. {head}"], title
    return lines, title


def _without_rank(title: str) -> str:
    for rank in ("Phó ", "Quyền ", "phó ", "quyền "):
        if title.startswith(rank):
            rest = title[len(rank) :]
            return rest[:1].upper() + rest[1:]
    return title
