"""Template helpers of the alert desk."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def officer_link(officer):
    """The officer's name linked to the one page about the officer (their
    record page); every page of the desk that names an officer links here."""
    url = reverse("admin:personnel_officer_change", args=[officer.pk])
    return format_html('<a class="officer-link" href="{}">{}</a>', url, officer.name)
