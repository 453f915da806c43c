"""What a base64 file is taken for (gateway/proxy/fields/encoded.payload_type): the kind
the policies read, and whether the gateway opens it as an office document. Its first bytes
say PDF whatever its declared type; the HTTP tests are in tests/hardening/test_attachments."""

from __future__ import annotations

import base64

import pytest

from gateway.proxy.fields.encoded import payload_type


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


PDF, ZIP, PNG = _b64(b"%PDF-1.7\n..."), _b64(b"PK\x03\x04" + bytes(20)), _b64(b"\x89PNG....")


@pytest.mark.parametrize("media, data, expected", [
    ("application/pdf", PDF, ("pdf", False)),
    ("application/pdf", PNG, ("pdf", False)),
    ("image/png", PDF, ("pdf", False)),
    ("", "\n  " + PDF, ("pdf", False)),
    ("application/octet-stream", ZIP, ("file", True)),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP,
     ("file", True)),
    ("IMAGE/PNG", PNG, ("image", False)),
    ("image/png", ZIP, ("image", True)),
    ("audio/wav", _b64(b"RIFF" + bytes(8)), ("audio", False)),
    ("video/mp4", PNG, ("video", False)),
    ("", PNG, ("file", False)),
], ids=["pdf", "pdf declared, other bytes", "pdf declared as an image", "pdf after spaces",
        "zip", "docx", "image, upper case", "zip declared as an image", "audio", "video",
        "no type"])
def test_a_payload_is_taken_for_what_it_is(media: str, data: str,
                                            expected: tuple[str, bool]) -> None:
    assert payload_type(media, data) == expected
