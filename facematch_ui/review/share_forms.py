"""The "new share link" form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.http import QueryDict

from facematch_ui.review.forms import GalleryQueryForm
from facematch_ui.review.sharing import EXPIRY_CHOICES

EXPIRY_LABELS = {"1d": "1 day", "7d": "7 days", "30d": "30 days"}
# The gallery filters a frozen link keeps (sort and paging stay the visitor's).
FROZEN_FIELDS = ("threshold", "verdict", "min_face_px", "min_sharpness")
MAX_PASSWORD_LENGTH = 128


class ShareLinkForm(forms.Form):
    expires = forms.ChoiceField(
        label="Expires after",
        choices=[(key, EXPIRY_LABELS[key]) for key in EXPIRY_CHOICES],
        initial="7d",
    )
    password = forms.CharField(
        label="Password (optional)",
        required=False,
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    freeze = forms.BooleanField(
        label="Freeze to the current filters", required=False, initial=False
    )
    gallery_query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def expires_in(self) -> timedelta:
        return EXPIRY_CHOICES[self.cleaned_data["expires"]]

    def frozen_query(self) -> dict[str, Any] | None:
        """The gallery's filters to keep with the link, or None when not frozen.

        Parsed by the gallery's own form, so only valid values are kept.
        """
        if not self.cleaned_data.get("freeze"):
            return None
        query = GalleryQueryForm(QueryDict(self.cleaned_data.get("gallery_query", ""))).query()
        params = query.params()
        return {name: params[name] for name in FROZEN_FIELDS if name in params}
