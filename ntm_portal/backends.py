"""The sign-in backend: Django's ModelBackend, with the user's place read in the same query.

Nearly every page asks the access module about the signed-in user's province, district, commune
or agency, and each was a query of its own after the user's (the province dashboard: 16 queries
cold, one over the budget of 15). Here the session's user comes with all four, joined.
"""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import User

PLACES = ("province", "district", "commune", "agency")


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related(*PLACES).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
