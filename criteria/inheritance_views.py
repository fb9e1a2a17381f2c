"""The province's page of what its 2025 communes inherit, and the decision on one of them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from communes.access import communes_visible_to, get_commune_or_404, get_province_or_404
from communes.models import Edition

from .access import can_decide_inheritance
from .inheritance import InheritanceRefused, inheritance_decide, inheritance_of
from .models import InheritanceRule, Recognition

PAGE_SIZE = 50


class DecisionForm(forms.Form):
    level = forms.ChoiceField(
        label=gettext_lazy("Mức công nhận"),
        choices=[("", gettext_lazy("Không kế thừa")), *Recognition.Level.choices],
        required=False,
    )
    decision_number = forms.CharField(label=gettext_lazy("Số quyết định"), max_length=50)
    decision_date = forms.DateField(
        label=gettext_lazy("Ngày quyết định"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "invalid": gettext_lazy("Ghi ngày theo dạng ngày/tháng/năm, ví dụ 15/08/2025.")
        },
    )
    reason = forms.CharField(label=gettext_lazy("Lý do"), max_length=1000, required=False)


def inheritance_list(request: HttpRequest, pk: int) -> HttpResponse:
    province = get_province_or_404(request.user, pk)
    if province.edition != Edition.TWO_TIER_2025:
        raise Http404
    communes = (
        communes_visible_to(request.user)
        .filter(province=province)
        .xa()
        .order_by("search_name", "code")
    )
    page = Paginator(communes, PAGE_SIZE).get_page(request.GET.get("page"))
    found = inheritance_of(page.object_list)
    return render(
        request,
        "criteria/inheritance_list.html",
        {
            "province": province,
            "page": page,
            "rows": [(commune, found[commune.pk]) for commune in page.object_list],
            "can_decide": can_decide_inheritance(request.user, province),
            "levels": Recognition.Level.choices,
            "rules": InheritanceRule.objects.order_by("pk"),
        },
    )


@require_POST
def inheritance_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    commune = get_commune_or_404(request.user, pk)
    if not can_decide_inheritance(request.user, commune.province):
        return render(request, "403.html", status=403)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{commune.name} – {label}: {' '.join(errors)}")
    else:
        try:
            inheritance_decide(commune=commune, actor=request.user, **form.cleaned_data)
        except InheritanceRefused as error:
            messages.error(request, f"{commune.name}: {error}")
        else:
            messages.success(
                request, _("Đã ghi quyết định kế thừa của %(name)s.") % {"name": commune.name}
            )
    return redirect("criteria:inheritance_list", pk=commune.province_id)
