from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def inbox(request):
    """``inbox_unread`` for the navigation bar, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(user))}
