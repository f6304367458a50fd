"""Forms of the dashboard: its query strings, and the "New face match" form.

Query parameters come from URLs people copy and edit by hand, so a bad value
never fails the page: each field falls back to its default (listed in
`GalleryQuery`) and the page renders. The "open by id" and "new face match"
forms report errors, because there the analyst typed the values on purpose.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Literal

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile as DjangoUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from facematch_ui import imaging
from facematch_ui.faceapi.types import UploadedFile
from facematch_ui.review.models import JobStatus
from facematch_ui.review.new_match import (
    DEFAULT_FPS,
    MAX_FPS,
    MIN_FPS,
    NewMatchRequest,
    VideoUpload,
)

Sort = Literal["similarity", "time"]
PAGE_SIZES = (25, 50, 100)
SORT_CHOICES = [("similarity", "Similarity (highest first)"), ("time", "Time in video")]
# "" shows every match; the others are review.verdict_queries.VERDICT_FILTERS.
VERDICT_CHOICES = [
    ("", "All verdicts"),
    ("unreviewed", "Not reviewed"),
    ("confirmed", "Confirmed"),
    ("rejected", "Rejected"),
    ("unsure", "Unsure"),
]
MAX_FACE_PX = 10_000
MAX_SHARPNESS = 1_000_000.0


@dataclass(frozen=True, slots=True)
class GalleryQuery:
    """The gallery's view state, as it appears in the URL."""

    threshold: float = 0.0
    sort: Sort = "similarity"
    page: int = 1
    page_size: int = 50
    verdict: str = ""  # "" = every match
    min_face_px: int | None = None
    min_sharpness: float | None = None

    @property
    def threshold_text(self) -> str:
        return _format_threshold(self.threshold)

    @property
    def has_quality_filter(self) -> bool:
        return self.min_face_px is not None or self.min_sharpness is not None

    def params(self, **changes: object) -> dict[str, object]:
        """Query parameters of this state with `changes` applied (for links).

        Filters left at "any" are omitted, so everyday URLs stay short.
        """
        values: dict[str, object] = {
            "threshold": _format_threshold(self.threshold),
            "sort": self.sort,
            "page": self.page,
            "page_size": self.page_size,
        }
        if self.verdict:
            values["verdict"] = self.verdict
        if self.min_face_px is not None:
            values["min_face_px"] = self.min_face_px
        if self.min_sharpness is not None:
            values["min_sharpness"] = _format_threshold(self.min_sharpness)
        values.update(changes)
        return {key: value for key, value in values.items() if value not in (None, "")}


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
    verdict = forms.ChoiceField(choices=VERDICT_CHOICES, required=False)
    min_face_px = forms.IntegerField(min_value=0, max_value=MAX_FACE_PX, required=False)
    min_sharpness = forms.FloatField(min_value=0, max_value=MAX_SHARPNESS, required=False)

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
            verdict=str(value("verdict", defaults.verdict)),
            min_face_px=value("min_face_px", None),  # type: ignore[arg-type]
            min_sharpness=value("min_sharpness", None),  # type: ignore[arg-type]
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


# --- New face match ---------------------------------------------------------------

MAX_PHOTO_BYTES = 25 * 1024**2
FILE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
FILES_NOT_KEPT = "Choose the files again: a browser cannot keep them after the form is sent."


def video_label(video: UploadedFile) -> str:
    """ "lobby.mp4 · 0:42 · 2024-05-01 12:00", for the "already uploaded" list."""
    parts = [video.filename or video.id]
    duration = video.media_info.duration_seconds if video.media_info else None
    if duration is not None:
        minutes, seconds = divmod(round(duration), 60)
        hours, minutes = divmod(minutes, 60)
        parts.append(
            f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"
        )
    if video.created_at is not None:
        parts.append(timezone.localtime(video.created_at).strftime("%Y-%m-%d %H:%M"))
    return " · ".join(parts)


class NewMatchForm(forms.Form):
    video = forms.FileField(
        label="Upload a video",
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/*"}),
    )
    file_id = forms.CharField(
        label="Pick one already uploaded",
        required=False,
        widget=forms.Select(choices=[("", "—")]),
    )
    photo = forms.FileField(
        label="Photo of the face",
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        error_messages={"required": "Choose a photo of the face to look for."},
    )
    frames_per_second = forms.FloatField(
        label="Frames per second to analyse",
        required=False,
        min_value=MIN_FPS,
        max_value=MAX_FPS,
        initial=DEFAULT_FPS,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
        help_text=(
            "More frames catch brief appearances but take longer. 0.1 to 10; 1 suits most videos."
        ),
    )

    def set_videos(self, videos: list[UploadedFile]) -> None:
        """Offer `videos` in the "already uploaded" list."""
        choices = [("", "— Choose a video —"), *((v.id, video_label(v)) for v in videos)]
        self.fields["file_id"].widget.choices = choices  # type: ignore[attr-defined]

    def clean_video(self) -> DjangoUploadedFile | None:
        video = self.cleaned_data.get("video")
        if video and video.size > settings.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                "The video is %(size)s; the limit is %(limit)s.",
                params={
                    "size": filesizeformat(video.size),
                    "limit": filesizeformat(settings.MAX_UPLOAD_BYTES),
                },
            )
        return video or None

    def clean_file_id(self) -> str:
        file_id = self.cleaned_data.get("file_id", "").strip()
        if file_id and not FILE_ID_PATTERN.match(file_id):
            raise forms.ValidationError("That is not the id of an uploaded video.")
        return file_id

    def clean_photo(self) -> bytes:
        photo = self.cleaned_data["photo"]
        if photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(
                "The photo is %(size)s; the limit is %(limit)s.",
                params={
                    "size": filesizeformat(photo.size),
                    "limit": filesizeformat(MAX_PHOTO_BYTES),
                },
            )
        data = photo.read()
        try:
            imaging.image_size(data, max_pixels=settings.ENGINE_MAX_IMAGE_PIXELS)
        except imaging.ImagingError as err:
            raise forms.ValidationError(str(err)) from err
        return data

    def clean_frames_per_second(self) -> float:
        value = self.cleaned_data.get("frames_per_second")
        return DEFAULT_FPS if value is None else value

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        video, file_id = cleaned.get("video"), cleaned.get("file_id")
        if "video" in self.errors or "file_id" in self.errors:
            return cleaned
        if video and file_id:
            self.add_error("video", "Upload a new video or pick an uploaded one, not both.")
        elif not video and not file_id:
            self.add_error("video", "Choose a video: upload one, or pick one already uploaded.")
        return cleaned

    def match_request(self) -> NewMatchRequest:
        """The valid form as what start_face_match takes; the video is streamed, not read."""
        data = self.cleaned_data
        video = data["video"]
        upload = None
        if video is not None:
            video.seek(0)
            upload = VideoUpload(
                name=video.name,
                content=video.file,
                content_type=video.content_type or "application/octet-stream",
            )
        return NewMatchRequest(
            photo=data["photo"],
            frames_per_second=data["frames_per_second"],
            video=upload,
            file_id=data["file_id"] or None,
        )
