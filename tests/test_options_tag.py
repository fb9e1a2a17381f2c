"""{% options %}: a <select>'s options in one piece, the same HTML the template loop made."""

from __future__ import annotations

import pytest
from django.template import engines

from communes.models import Province
from sponsorships.models import Agency

LOOP = engines["django"].from_string(
    '{% for item in items %}<option value="{{ item.pk }}"{% if item == chosen %} selected'
    "{% endif %}>{{ item.name }}</option>{% endfor %}"
)
TAG = engines["django"].from_string("{% load options %}{% options items chosen %}")


@pytest.mark.django_db
def test_model_options_are_the_loops_own_html_with_the_chosen_one_selected():
    province = Province.objects.create(edition=2025, code="99", name='Tỉnh <Thử> & "Một"')
    agencies = [
        Agency.objects.create(name=name, province=province)
        for name in ("Sở Tài chính", "Hội Cựu chiến binh <tỉnh>", "Ban 'Dân tộc'")
    ]
    for chosen in (None, agencies[1], ""):
        context = {"items": agencies, "chosen": chosen}
        assert TAG.render(context) == LOOP.render(context)
    html = TAG.render({"items": agencies, "chosen": agencies[1]})
    assert html.count(" selected") == 1
    assert (
        f'<option value="{agencies[1].pk}" selected>Hội Cựu chiến binh &lt;tỉnh&gt;</option>'
        in html
    )


def test_pairs_a_chosen_value_and_a_label_with_its_fallback():
    template = engines["django"].from_string(
        '{% load options %}{% options pairs 2024 %}|{% options agencies 7 label="short_name" %}'
    )
    agencies = [
        Agency(pk=7, name="Sở Nông nghiệp", short_name=""),
        Agency(pk=8, name="x", short_name="SNN"),
    ]
    html = template.render({"pairs": [(2024, "Ba cấp"), (2025, "Hai cấp")], "agencies": agencies})
    assert html == (
        '<option value="2024" selected>Ba cấp</option><option value="2025">Hai cấp</option>|'
        '<option value="7" selected>Sở Nông nghiệp</option><option value="8">SNN</option>'
    )
