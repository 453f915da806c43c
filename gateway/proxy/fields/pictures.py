"""The metadata a camera writes into a picture, taken out before the provider receives it.

A phone's photo carries EXIF tags: where it was taken (GPS: an employee's home, a client's
premises), when, with which device and its serial number; editing software adds XMP. None
of it helps a model read the picture, all of it is personal data sent without anyone
seeing it. So a JPEG, PNG or WebP picture with EXIF or XMP metadata is sent without it:
a JPEG upright already is rewritten with its own quantization tables (``quality="keep"``:
the pixels are the same), one the EXIF tag shows turned is first turned as it says (its
orientation lives in the metadata being removed), and re-encoded.
"""

from __future__ import annotations

import io
from typing import Any

# Beyond this the picture is left as it is (what OCR reads, gateway.text.ocr, is bounded
# the same way).
from gateway.text.ocr import MAX_PIXELS

_EXIF_ORIENTATION = 0x0112
_XMP_KEYS = ("xmp", "XML:com.adobe.xmp")
_FORMATS = ("JPEG", "PNG", "WEBP")


def without_metadata(data: bytes) -> bytes | None:
    """The picture without its EXIF and XMP metadata, shown as its EXIF orientation said;
    None when it carries none, is of another format, or cannot be opened."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            exif = opened.getexif()
            if opened.format not in _FORMATS or opened.width * opened.height > MAX_PIXELS or (
                    not exif and not any(key in opened.info for key in _XMP_KEYS)):
                return None
            out = io.BytesIO()
            if exif.get(_EXIF_ORIENTATION, 1) == 1:
                opened.save(out, format=opened.format, **_same_pixels(opened))
            else:
                shown = ImageOps.exif_transpose(opened)
                shown.save(out, format=opened.format, **_quality(opened.format))
            return out.getvalue()
    except Exception:  # a parser of untrusted bytes: a picture it cannot open is left be
        return None


def _same_pixels(picture: Any) -> dict[str, Any]:
    if picture.format == "JPEG":
        return {"quality": "keep"}
    if picture.format == "WEBP":
        return {"lossless": True} if picture.info.get("lossless") else {"quality": 95}
    return {}


def _quality(kind: str) -> dict[str, Any]:
    return {"quality": 95} if kind in ("JPEG", "WEBP") else {}
