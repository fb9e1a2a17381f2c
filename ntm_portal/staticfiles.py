"""Which bundled static files are collected.

drf-spectacular-sidecar ships both Swagger UI and Redoc; the API docs use Swagger UI only
(`/api/v1/docs/`), and DRF's own static files serve its browsable renderer, which is off (the
API answers JSON only). Leaving them out keeps collectstatic (hashing and compressing every
file) quick: they were most of its bytes. Swagger UI's source maps stay (its bundle names
them, and the hashed storage insists on finding them) but are not compressed (settings).
"""

from django.contrib.staticfiles.finders import AppDirectoriesFinder

# Not "django.contrib.staticfiles" replaced by a trimmed AppConfig: pytest-django's live server
# (and other tools) look for that exact name in INSTALLED_APPS to serve static files.
LEFT_OUT = ["drf_spectacular_sidecar/redoc/*", "rest_framework/*"]


class PortalAppDirectoriesFinder(AppDirectoriesFinder):
    """The apps' static files, without those the portal never serves (above)."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *LEFT_OUT])
