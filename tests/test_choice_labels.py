"""get_FOO_display through ntm_portal.choices: Django's answer, in the active language."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from criteria.models import Evaluation
from ntm_portal.choices import ChoiceLabels
from sponsorships.models import Inspection


def test_every_model_of_the_portal_shows_its_choices_through_choice_labels():
    portal = {"ntm_portal", "communes", "criteria", "sponsorships", "reports"}
    ours = [model for model in apps.get_models() if model._meta.app_label in portal]
    assert ours
    assert [model for model in ours if not issubclass(model, ChoiceLabels)] == []


@pytest.mark.parametrize("language", ["vi", "en"])
def test_each_label_is_djangos_own_in_the_active_language(language):
    with translation.override(language):
        for model in (Evaluation, Inspection):
            for field in model._meta.concrete_fields:
                if not field.choices:
                    continue
                for value, _label in field.flatchoices:
                    instance = model(**{field.attname: value})
                    ours = getattr(instance, f"get_{field.name}_display")()
                    assert ours == models.Model._get_FIELD_display(instance, field)
                    assert isinstance(ours, str)


def test_labels_follow_the_language_and_an_unknown_value_is_shown_as_itself():
    evaluation = Evaluation(status=Evaluation.Status.SUBMITTED)
    with translation.override("vi"):
        assert evaluation.get_status_display() == "Chờ thẩm định"
    with translation.override("en"):
        assert evaluation.get_status_display() == "Awaiting review"
    with translation.override("vi"):
        assert evaluation.get_status_display() == "Chờ thẩm định"
    evaluation.status = "khong-co"
    assert evaluation.get_status_display() == "khong-co"
