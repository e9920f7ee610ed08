import os

from django.core.wsgi import get_wsgi_application

from config.datastack import with_room

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
_django = get_wsgi_application()


def application(environ, start_response):
    """Django's WSGI application, called with room on CPython's frame stack
    (config/datastack.py)."""
    return with_room(_django, environ, start_response)
