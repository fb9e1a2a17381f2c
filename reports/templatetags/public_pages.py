from django import template

from reports.public import published_provinces

register = template.Library()


@register.simple_tag
def published_province_pages():
    """The provinces whose public results page is published (for the sign-in page)."""
    return list(published_provinces().only("pk", "name"))
