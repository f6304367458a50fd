"""Thumbnails: a JPEG of the whole sampled frame, at most max_width wide."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

from facematch_ui import imaging


def frame_thumbnail(image: npt.NDArray[np.uint8], max_width: int) -> bytes:
    """JPEG bytes of an RGB frame, downscaled (never enlarged) to max_width."""
    height, width = image.shape[:2]
    if width <= max_width:
        return imaging.encode_jpeg(image)
    # imaging works on PIL images; an array becomes one here only.
    return imaging.encode_jpeg(imaging.fit_image(Image.fromarray(image), (max_width, height)))
