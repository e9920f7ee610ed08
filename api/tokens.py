"""The page where a user creates and revokes their own API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from .models import ApiToken
from .services import token_create, token_revoke

MAX_DAYS = 365


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. the learning platform."),
    )
    days = forms.IntegerField(label=gettext_lazy("valid for (days)"), min_value=1, max_value=MAX_DAYS, initial=90)
    read_only = forms.BooleanField(
        label=gettext_lazy("read only"),
        required=False,
        help_text=gettext_lazy("A read-only token is refused on every write."),
    )


@login_required
def token_list(request):
    form = TokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        _token, raw = token_create(
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            read_only=form.cleaned_data["read_only"],
            acting_user=request.user,
            request=request,
        )
        form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "title": _("API tokens"),
            "form": form,
            "raw": raw,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )


@login_required
@require_POST
def token_revoke_view(request, pk):
    # Another user's token answers 404 like one that does not exist.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token, acting_user=request.user, request=request)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api:tokens")
