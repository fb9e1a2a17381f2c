"""The suite runs on two workers that take tests in any order (README): what a test finds in the
database must not depend on whether a transactional test ran before it on the same worker."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from criteria.models import InheritanceRule, RecognitionProcedure


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_rows_the_migrations_seed():
    seeded = (InheritanceRule.objects.count(), RecognitionProcedure.objects.count())
    assert seeded[0] == 3
    assert seeded[1] >= 1
    # What pytest-django does when a transactional or live-server test ends.
    call_command("flush", interactive=False, verbosity=0)
    assert (InheritanceRule.objects.count(), RecognitionProcedure.objects.count()) == seeded
    procedure = RecognitionProcedure.objects.first()
    assert procedure.steps.count() > 0
