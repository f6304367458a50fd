"""Forms that validate the dashboard's query strings.

Query parameters come from URLs people copy and edit by hand, so a bad value
never fails the page: each field falls back to its default (listed in
`GalleryQuery`) and the page renders. Only the "open by id" form reports an
error, because there the analyst typed the value on purpose.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from django import forms

from facematch_ui.review.models import JobStatus

Sort = Literal["similarity", "time"]
PAGE_SIZES = (25, 50, 100)
SORT_CHOICES = [("similarity", "Similarity (highest first)"), ("time", "Time in video")]


@dataclass(frozen=True, slots=True)
class GalleryQuery:
    """The gallery's view state, as it appears in the URL."""

    threshold: float = 0.0
    sort: Sort = "similarity"
    page: int = 1
    page_size: int = 50

    @property
    def threshold_text(self) -> str:
        return _format_threshold(self.threshold)

    def params(self, **changes: object) -> dict[str, object]:
        """Query parameters of this state with `changes` applied (for links)."""
        values: dict[str, object] = {
            "threshold": _format_threshold(self.threshold),
            "sort": self.sort,
            "page": self.page,
            "page_size": self.page_size,
        }
        values.update(changes)
        return values


def _format_threshold(value: float) -> str:
    # "40" rather than "40.0" keeps copied URLs tidy; fractions stay exact.
    return str(int(value)) if float(value).is_integer() else str(value)


class GalleryQueryForm(forms.Form):
    threshold = forms.FloatField(min_value=0, max_value=100, required=False)
    sort = forms.ChoiceField(
        choices=SORT_CHOICES,
        required=False,
    )
    page = forms.IntegerField(min_value=1, required=False)
    page_size = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in PAGE_SIZES], coerce=int, required=False
    )

    def query(self) -> GalleryQuery:
        """The valid values, each invalid or missing one replaced by its default."""
        self.is_valid()
        defaults = GalleryQuery()
        cleaned = getattr(self, "cleaned_data", {})

        def value(name: str, default: object) -> object:
            found = cleaned.get(name)
            return default if name in self.errors or found in (None, "") else found

        return GalleryQuery(
            threshold=float(value("threshold", defaults.threshold)),  # type: ignore[arg-type]
            sort=value("sort", defaults.sort),  # type: ignore[arg-type]
            page=int(value("page", defaults.page)),  # type: ignore[call-overload]
            page_size=int(value("page_size", defaults.page_size)),  # type: ignore[call-overload]
        )


class JobFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All statuses"), *JobStatus.choices], required=False, label="Status"
    )

    def status_value(self) -> str:
        """The chosen status, or "" (all) when missing or unknown."""
        if not self.is_valid():
            return ""
        return str(self.cleaned_data.get("status") or "")


class OpenJobForm(forms.Form):
    id = forms.CharField(
        label="Open a face match by id",
        max_length=64,
        strip=True,
        widget=forms.TextInput(
            attrs={"placeholder": "e.g. 3f2b8c1e-…", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_id(self) -> str:
        raw = self.cleaned_data["id"]
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise forms.ValidationError(
                "“%(value)s” is not a face match id: ids look like "
                "3f2b8c1e-7d4a-4c55-9a0e-1b2c3d4e5f60.",
                params={"value": raw[:64]},
            ) from None
