"""Who may read the security event log."""
from __future__ import annotations

from personnel.models import Unit
from personnel.roles import Role
from personnel.scoping import granted_units


def reads_security_log(user) -> bool:
    """Superusers and supervision granted on the General Administration (hq),
    the same readers as the access log's."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return granted_units(user, Role.SUPERVISION).filter(kind=Unit.Kind.HQ).exists()
