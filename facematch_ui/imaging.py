"""Every Pillow operation of the project: decode, resize, crop, encode.

Both the dashboard (thumbnails of remote frames, the analyst's source photo)
and the engine (decoding an uploaded photo, frame thumbnails) go through
here, so untrusted bytes are always opened the same guarded way:

- the header is read first and images above `max_pixels` are refused before
  any pixel is decoded (`ImageTooLarge`); Pillow's own bomb check is caught
  too, whatever the caller's limit;
- anything Pillow cannot read becomes `InvalidImage`, never a Pillow or OS
  error;
- EXIF orientation is applied, so a phone photo is upright and normalized
  boxes (0..1, top/left/width/height, as the face API sends them) refer to
  what the analyst sees.

What the engine will want, besides the JPEG helpers:
`load_image` / `decode_rgb_array` (an upright RGB numpy array for
detection), `encode_jpeg` (numpy frame or PIL image -> JPEG bytes),
`fit_image` and `crop_box` (PIL in, PIL out) and `image_size` (header only).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:
    import numpy as np

# Same default as settings.ENGINE_MAX_IMAGE_PIXELS; callers holding settings
# pass theirs. 40 MP covers any camera photo and 8K video frames.
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_QUALITY = 85

# EXIF orientations that swap width and height once applied.
_TRANSPOSING_ORIENTATIONS = frozenset({5, 6, 7, 8})
_EXIF_ORIENTATION = 0x0112


class ImagingError(ValueError):
    """Bytes we were handed are not an image we will work with."""


class InvalidImage(ImagingError):
    """Not an image, a truncated one, or a format Pillow cannot decode."""


class ImageTooLarge(ImagingError):
    """More pixels than we agree to decode (a decompression bomb, or just huge)."""


class NormalizedBox(Protocol):
    """A box as fractions of the image (faceapi BoundingBox fits this)."""

    @property
    def top(self) -> float: ...
    @property
    def left(self) -> float: ...
    @property
    def width(self) -> float: ...
    @property
    def height(self) -> float: ...


Box = tuple[float, float, float, float] | NormalizedBox  # (top, left, width, height)


def _box_values(box: Box) -> tuple[float, float, float, float]:
    if isinstance(box, tuple):
        return box
    return (box.top, box.left, box.width, box.height)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only), refusing what we would not decode."""
    try:
        image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as err:
        raise ImageTooLarge(f"The image is too large to process ({err}).") from err
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as err:
        raise InvalidImage("The file is not an image we can read (JPEG, PNG, WebP...).") from err
    width, height = image.size
    if width <= 0 or height <= 0:
        raise InvalidImage("The image has no pixels.")
    if width * height > max_pixels:
        raise ImageTooLarge(
            f"The image is {width}x{height} pixels; the limit is {max_pixels:,} pixels."
        )
    return image


def image_size(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[int, int]:
    """(width, height) as displayed (EXIF orientation applied), from the header only."""
    image = _open(data, max_pixels)
    width, height = image.size
    if _orientation(image) in _TRANSPOSING_ORIENTATIONS:
        return height, width
    return width, height


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_EXIF_ORIENTATION, 1))
    except (OSError, ValueError, TypeError):
        return 1


def load_image(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    draft_size: tuple[int, int] | None = None,
) -> Image.Image:
    """Decode untrusted bytes into an upright RGB image.

    `draft_size` lets JPEG decoding skip detail we would throw away: the
    decoder scales by 1/2, 1/4 or 1/8 while staying at least that size,
    which makes thumbnails of large frames several times cheaper.
    """
    image = _open(data, max_pixels)
    try:
        if draft_size is not None and image.format == "JPEG":
            if _orientation(image) in _TRANSPOSING_ORIENTATIONS:
                draft_size = (draft_size[1], draft_size[0])
            image.draft("RGB", (max(1, draft_size[0]), max(1, draft_size[1])))
        image.load()
        upright = ImageOps.exif_transpose(image) or image
        if upright.mode != "RGB":
            upright = _flatten_to_rgb(upright)
        return upright
    except Image.DecompressionBombError as err:
        raise ImageTooLarge(f"The image is too large to process ({err}).") from err
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as err:
        raise InvalidImage("The image is damaged or truncated.") from err


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    """RGB, with transparency laid over white (not the black Pillow would give)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def decode_rgb_array(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """An upright HxWx3 uint8 RGB array (what face detectors take)."""
    import numpy as np

    return np.asarray(load_image(data, max_pixels=max_pixels))


def encode_jpeg(image: Image.Image | np.ndarray, *, quality: int = DEFAULT_QUALITY) -> bytes:
    """JPEG bytes of a PIL image or an HxWx3 (RGB) / HxW (grey) uint8 array."""
    if not isinstance(image, Image.Image):
        image = Image.fromarray(image)
    if image.mode != "RGB":
        image = _flatten_to_rgb(image)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=False)
    return buffer.getvalue()


def fit_image(image: Image.Image, max_size: tuple[int, int]) -> Image.Image:
    """A copy no larger than `max_size`, aspect kept; never enlarged."""
    fitted = image.copy()
    # reducing_gap: a fast box reduction first, then a good filter on the rest.
    fitted.thumbnail(max_size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    return fitted


def fit_jpeg(data: bytes, max_size: tuple[int, int], quality: int = DEFAULT_QUALITY) -> bytes:
    """Untrusted image bytes -> an upright JPEG no larger than `max_size`."""
    image = load_image(data, draft_size=max_size)
    return encode_jpeg(fit_image(image, max_size), quality=quality)


def crop_region(
    frame_size: tuple[int, int],
    box: Box,
    *,
    margin: float = 0.35,
    aspect: float = 1.0,
) -> tuple[int, int, int, int]:
    """Pixel region (left, top, right, bottom) around a normalized box.

    The region is centred on the box, grown by `margin` (a fraction of the
    box's larger side) on every side, shaped to `aspect` (width / height) so
    the crop is not distorted, and shifted (then, if needed, shrunk) to stay
    inside the image.
    """
    width, height = frame_size
    top, left, box_w, box_h = (max(0.0, min(1.0, v)) for v in _box_values(box))
    centre_x = (left + box_w / 2) * width
    centre_y = (top + box_h / 2) * height
    side = max(box_w * width, box_h * height, 1.0) * (1 + 2 * margin)
    region_w, region_h = (side, side / aspect) if aspect >= 1 else (side * aspect, side)
    # Shrink first (keeping the aspect), so the shift below can always fit it.
    scale = min(1.0, width / region_w, height / region_h)
    region_w, region_h = region_w * scale, region_h * scale
    x0 = min(max(centre_x - region_w / 2, 0.0), width - region_w)
    y0 = min(max(centre_y - region_h / 2, 0.0), height - region_h)
    x1, y1 = x0 + region_w, y0 + region_h
    return (
        round(x0),
        round(y0),
        max(round(x1), round(x0) + 1),
        max(round(y1), round(y0) + 1),
    )


def crop_box(
    image: Image.Image,
    box: Box,
    *,
    margin: float = 0.35,
    size: tuple[int, int] = (160, 160),
) -> Image.Image:
    """A zoomed crop of `box` (normalized) with `margin`, resized to exactly `size`."""
    region = crop_region(image.size, box, margin=margin, aspect=size[0] / size[1])
    return image.resize(size, Image.Resampling.LANCZOS, box=region, reducing_gap=2.0)


def crop_box_jpeg(
    data: bytes,
    box: Box,
    *,
    margin: float = 0.35,
    size: tuple[int, int] = (160, 160),
    quality: int = DEFAULT_QUALITY,
) -> bytes:
    """Untrusted image bytes -> a JPEG of the face in `box`, `size` pixels."""
    _, _, box_w, box_h = _box_values(box)
    # Decode only as much detail as the crop needs: the region spans about
    # box*(1+2*margin) of the image and must come out at `size`.
    span = max(box_w, box_h, 0.01) * (1 + 2 * margin)
    draft = (int(size[0] / min(span, 1.0)) + 1, int(size[1] / min(span, 1.0)) + 1)
    image = load_image(data, draft_size=draft)
    return encode_jpeg(crop_box(image, box, margin=margin, size=size), quality=quality)


def draw_boxes(
    image: Image.Image,
    boxes: Sequence[Box],
    *,
    colour: tuple[int, int, int] = (255, 196, 0),
) -> Image.Image:
    """A copy with each normalized box outlined (for contact sheets, debugging)."""
    marked = image.copy()
    draw = ImageDraw.Draw(marked)
    width, height = marked.size
    line = max(2, round(min(width, height) / 200))
    for box in boxes:
        top, left, box_w, box_h = _box_values(box)
        draw.rectangle(
            (left * width, top * height, (left + box_w) * width, (top + box_h) * height),
            outline=colour,
            width=line,
        )
    return marked


def placeholder_jpeg(
    size: tuple[int, int], text: str | None = None, *, quality: int = DEFAULT_QUALITY
) -> bytes:
    """A neutral grey JPEG of `size`, with `text` centred if given."""
    image = Image.new("RGB", size, (222, 224, 228))
    if text:
        draw = ImageDraw.Draw(image)
        draw.text(
            (size[0] / 2, size[1] / 2),
            text,
            fill=(90, 94, 102),
            anchor="mm",
            font_size=max(10, min(size) // 8),
        )
    return encode_jpeg(image, quality=quality)


# =============================================================================
# Triage additions (review.quality, review.exports): face crops for quality
# cues and contact sheets. Kept apart so edits above and below do not collide.
# =============================================================================

SHEET_BACKGROUND = (255, 255, 255)
SHEET_INK = (32, 34, 40)
SHEET_MUTED = (90, 94, 102)


def face_gray_array(
    data: bytes, box: Box, *, size: tuple[int, int] = (64, 64)
) -> tuple[np.ndarray, tuple[int, int]]:
    """The face in `box` exactly (no margin), grey, resized to `size`; and the image size.

    The fixed `size` makes sharpness scores of large and small faces
    comparable; the image size lets callers turn the box into pixels.
    """
    import numpy as np

    image = load_image(data)
    region = crop_region(image.size, box, margin=0.0, aspect=size[0] / size[1])
    grey = image.convert("L").resize(size, Image.Resampling.BILINEAR, box=region)
    return np.asarray(grey, dtype=np.uint8), image.size


def _tile_image(data: bytes | None, boxes: Sequence[Box], size: tuple[int, int]) -> Image.Image:
    """A frame with its boxes drawn, fitted and centred on a `size` canvas."""
    try:
        if data is None:
            raise InvalidImage("No image.")
        image = fit_image(draw_boxes(load_image(data), boxes), size)
    except ImagingError:
        image = load_image(placeholder_jpeg(size, "No image"))
    canvas = Image.new("RGB", size, (240, 241, 244))
    canvas.paste(image, ((size[0] - image.width) // 2, (size[1] - image.height) // 2))
    return canvas


def contact_sheet_png(
    tiles: Sequence[tuple[bytes | None, Sequence[Box], str]],
    *,
    title: str,
    columns: int = 4,
    tile_size: tuple[int, int] = (320, 180),
    gap: int = 12,
    title_height: int = 48,
    caption_height: int = 24,
) -> bytes:
    """A PNG grid of frames (image bytes or None, boxes, caption) under a title.

    Size: width = gap + columns * (tile width + gap); height = title_height +
    rows * (tile height + caption_height + gap) + gap, with at least one row
    (which says "Nothing to show" when there are no tiles).
    """
    columns = max(1, columns)
    rows = max(1, -(-len(tiles) // columns))
    tile_w, tile_h = tile_size
    cell_h = tile_h + caption_height + gap
    sheet = Image.new(
        "RGB",
        (gap + columns * (tile_w + gap), title_height + rows * cell_h + gap),
        SHEET_BACKGROUND,
    )
    draw = ImageDraw.Draw(sheet)
    draw.text((gap, title_height / 2), title, fill=SHEET_INK, anchor="lm", font_size=20)
    if not tiles:
        draw.text(
            (gap, title_height + tile_h / 2), "Nothing to show", fill=SHEET_MUTED, anchor="lm"
        )
    for index, (data, boxes, caption) in enumerate(tiles):
        x = gap + (index % columns) * (tile_w + gap)
        y = title_height + (index // columns) * cell_h
        sheet.paste(_tile_image(data, boxes, tile_size), (x, y))
        draw.text(
            (x, y + tile_h + caption_height / 2),
            caption,
            fill=SHEET_MUTED,
            anchor="lm",
            font_size=14,
        )
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()
