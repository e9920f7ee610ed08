from django import template
from django.contrib import admin

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_sidebar(context):
    """The admin's sidebar, kept by the site (core/admin_site.py)."""
    return admin.site.nav_sidebar(context)
