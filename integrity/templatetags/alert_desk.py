"""Template helpers of the alert desk."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def officer_link(officer):
    """The officer's name linked to the one page about the officer (the
    officer's file); every page of the desk that names an officer links here."""
    url = reverse("people:officer_file", args=[officer.staff_no])
    return format_html('<a class="officer-link" href="{}">{}</a>', url, officer.name)
