"""The lockout check in the authentication chain."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check on every login that comes with a request,
    which is every login through a page. A login without one (a management
    command, the test client's ``login``) is made by code on the server, not
    by someone guessing passwords, and axes would refuse it with an error;
    it is left to the next backend."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
