"""The source face: the largest face of the analyst's photo, embedded."""

from __future__ import annotations

from facematch_ui import imaging

from .faces import detect, embed
from .types import InvalidMedia, NoFaceFound, SourceFace


def find_source_face(
    image_bytes: bytes,
    *,
    detector: str = "hog",
    max_pixels: int = imaging.DEFAULT_MAX_PIXELS,
) -> SourceFace:
    """Embed the largest face of an image (EXIF orientation applied).

    Raises InvalidMedia for bytes that are not an image or exceed max_pixels
    (pass settings.ENGINE_MAX_IMAGE_PIXELS), NoFaceFound when no face shows.
    """
    try:
        image = imaging.decode_rgb_array(image_bytes, max_pixels=max_pixels)
    except imaging.ImageTooLarge as err:
        raise InvalidMedia(f"The image is too large: {err}") from err
    except imaging.ImagingError as err:
        raise InvalidMedia(f"Not a readable image: {err}") from err
    height, width = image.shape[:2]
    faces = detect(image, detector)
    if not faces:
        raise NoFaceFound(
            "No face was found in the source image. Use a photo where the face is "
            "upright, unobstructed and at least about 80 pixels wide."
        )
    largest = max(faces, key=lambda found: found.area)
    return SourceFace(box=largest.box(width, height), embedding=embed(image, [largest])[0])
