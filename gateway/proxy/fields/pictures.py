"""What a picture carries besides what it shows, taken out before the provider receives it.

A phone's photo carries EXIF tags: where it was taken (GPS: an employee's home, a client's
premises), when, with which device and its serial number; editing software adds XMP. None
of it helps a model read the picture, all of it is personal data sent without anyone
seeing it. So a JPEG, PNG, WebP or GIF picture with EXIF or XMP metadata is sent without it:
a JPEG upright already is rewritten with its own quantization tables and subsampling (the
pixels are the same), one the EXIF tag shows turned is first turned as it says (its
orientation lives in the metadata being removed), and re-encoded.

A picture can also hold more than one: an animated GIF, PNG or WebP has frames after the
first that OCR never read (Tesseract reads the first: a NIR in the second frame went out
behind a harmless first one), and a phone's JPEG is often a multi-picture file (MPO: a
depth map or an HDR gain map after the photo, and the EXIF block Pillow then did not
rewrite). Such a picture is sent as its first frame alone, the one read, in its format (an
MPO as a plain JPEG): what leaves is what the gateway judged.
"""

from __future__ import annotations

import io
from typing import Any

# Beyond this the picture is left as it is (what OCR reads, gateway.text.ocr, is bounded
# the same way).
from gateway.text.ocr import MAX_PIXELS

_EXIF_ORIENTATION = 0x0112
_XMP_KEYS = ("xmp", "XML:com.adobe.xmp")
# What Pillow opens, and the format the picture is written back in.
_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF"}


def cleaned(data: bytes) -> bytes | None:
    """The picture as it may leave: its first frame alone, without EXIF and XMP metadata,
    shown as its EXIF orientation said; None when there is nothing to take out, when it is
    of another format or cannot be opened."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            kind = _FORMATS.get(opened.format or "")
            exif = opened.getexif()
            frames = getattr(opened, "n_frames", 1)
            if kind is None or opened.width * opened.height > MAX_PIXELS or (
                    frames == 1 and not exif
                    and not any(key in opened.info for key in _XMP_KEYS)):
                return None
            out = io.BytesIO()
            if exif.get(_EXIF_ORIENTATION, 1) == 1:
                # Without save_all, Pillow writes the current frame: the first.
                opened.save(out, format=kind, **_same_pixels(opened, kind))
            else:
                shown = ImageOps.exif_transpose(opened)
                shown.save(out, format=kind, **_quality(kind))
            return out.getvalue()
    except Exception:  # a parser of untrusted bytes: a picture it cannot open is left be
        return None


def _same_pixels(picture: Any, kind: str) -> dict[str, Any]:
    if kind == "JPEG":
        # What ``quality="keep"`` does, which Pillow refuses for an MPO's first picture.
        from PIL.JpegImagePlugin import get_sampling

        return {"qtables": picture.quantization, "subsampling": get_sampling(picture)}
    if kind == "WEBP":
        return {"lossless": True} if picture.info.get("lossless") else {"quality": 95}
    return {}


def _quality(kind: str) -> dict[str, Any]:
    return {"quality": 95} if kind in ("JPEG", "WEBP") else {}
