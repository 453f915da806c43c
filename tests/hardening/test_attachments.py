"""Files a request carries (PDFs, pictures, files given by URL), through real HTTP.

Before this, a PDF went to the provider unread on every API shape (a payslip with its NIR
was forwarded where the same NIR typed in a message is refused), and the record kept every
file's base64 as sent: the payslip, an identity card's photo, in clear in the log. Now a
PDF's text is read and judged, redacted into a plain PDF when it holds personal data, the
record describes files instead of keeping them, and what the gateway cannot read is named
to the policies (``attachments: [unreadable]``).
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.conftest import Databases, Gateway
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import post_fresh as _post
from tests.hardening._helpers import refusing_unreadable

PAYSLIP = ("Bulletin de paie - novembre 2026\nSalarié : Jean-Baptiste Morel\n"
           "N° de sécurité sociale : 2 69 05 49 588 157 80\nNet à payer : 2 345,00 EUR")
CONTRACT = ("Avenant au contrat de travail\nEntre la société et M. Jean-Baptiste Morel,\n"
            "joignable au 06 48 21 77 03, il est convenu ce qui suit.")


def pdf_of(*pages: str) -> bytes:
    """A PDF with a text layer, one page per argument."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in pages:
        pdf.add_page()
        pdf.multi_cell(0, 5, page)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A PDF of a picture only (a scan): no text for the gateway to read."""
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(picture.getvalue()), w=80)
    return bytes(pdf.output())


def captioned_scan() -> bytes:
    """A scanned page under a short caption: a text layer, but the page is a picture."""
    picture = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(picture, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 5, "Annexe 3 : pièce d'identité")
    pdf.image(io.BytesIO(picture.getvalue()), x=10, y=20, w=80)
    return bytes(pdf.output())


def filled_form(value: str) -> bytes:
    """A one-page PDF form (a CERFA) whose text field holds ``value``: the value shows on
    the page but is not in the page's text."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of("Formulaire de demande"))))
    field = DictionaryObject({
        NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject("nir"),
        NameObject("/V"): TextStringObject(value), NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (50, 700, 300, 720)]),
    })
    reference = writer._add_object(field)
    writer.pages[0][NameObject("/Annots")] = ArrayObject([reference])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject([reference])})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(text: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_of(text))))
    writer.encrypt("mot-de-passe")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(picture, format="PNG")
    return picture.getvalue()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def office(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, xml in parts.items():
            archive.writestr(name, xml)
    return out.getvalue()


def docx(*paragraphs: str) -> bytes:
    """A Word document: a header line naming the employee, the paragraphs, then a table
    (« Poste | Responsable d'atelier ») as HR exports write."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"
                   for p in ("Salarié : M. Jean-Baptiste Morel", *paragraphs))
    table = ("<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Poste</w:t></w:r></w:p></w:tc><w:tc><w:p>"
             "<w:r><w:t>Responsable d'atelier</w:t></w:r></w:p></w:tc></w:tr></w:tbl>")
    return office({"word/document.xml": f"<w:document {W}><w:body>{body}{table}</w:body>"
                                        "</w:document>"})


def xlsx_payroll() -> bytes:
    """A payroll sheet whose NIR column holds numbers, not text."""
    strings = "".join(f"<si><t>{t}</t></si>" for t in ("Nom", "NIR", "Morel"))
    rows = ('<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
            '<row><c t="s"><v>2</v></c><c><v>269054958815780</v></c></row>')
    return office({"xl/workbook.xml": f"<workbook {S}/>",
                   "xl/sharedStrings.xml": f"<sst {S}>{strings}</sst>",
                   "xl/worksheets/sheet1.xml": f"<worksheet {S}><sheetData>{rows}</sheetData>"
                                               "</worksheet>"})


def responses_office(data: bytes, media: str, name: str) -> tuple[str, dict[str, Any]]:
    return "/v1/responses", {"model": "gpt-test", "input": [{"role": "user", "content": [
        {"type": "input_file", "filename": name,
         "file_data": f"data:{media};base64," + b64(data)},
        {"type": "input_text", "text": "Résume ce document"}]}]}


def chat_file(data: bytes) -> tuple[str, dict[str, Any]]:
    return "/v1/chat/completions", {"model": "gpt-test", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Résume ce document"},
        {"type": "file", "file": {"filename": "doc.pdf",
                                  "file_data": "data:application/pdf;base64," + b64(data)}}]}]}


def messages_document(data: bytes) -> tuple[str, dict[str, Any]]:
    return "/v1/messages", {"model": "claude-test", "max_tokens": 50, "messages": [
        {"role": "user", "content": [
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
                                            "data": b64(data)}},
            {"type": "text", "text": "Résume ce document"}]}]}


def responses_file(data: bytes) -> tuple[str, dict[str, Any]]:
    return "/v1/responses", {"model": "gpt-test", "input": [{"role": "user", "content": [
        {"type": "input_file", "filename": "doc.pdf",
         "file_data": "data:application/pdf;base64," + b64(data)},
        {"type": "input_text", "text": "Résume ce document"}]}]}


SHAPES = {"chat file part": chat_file, "Messages document": messages_document,
          "Responses input_file": responses_file}


def _sent(gw: Gateway) -> list[Any]:
    received = [*gw.fake.received, *(gw.fake_anthropic.received if gw.fake_anthropic else [])]
    return [r.body for r in received]


def _sent_pdf(body: dict[str, Any]) -> bytes:
    """The PDF a provider received, whatever the API shape (after translation)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and key in ("file_data", "data"):
                    found.append(item.split("base64,", 1)[-1])
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    assert len(found) == 1, body
    return base64.b64decode(found[0])


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_pdf_holding_a_nir_is_refused_and_its_record_keeps_no_file(
    gw: Gateway, http: httpx.Client, shape: str,
) -> None:
    data = pdf_of(PAYSLIP)
    path, body = SHAPES[shape](data)
    response = _post(gw, http, path, body)
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert _sent(gw) == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["pii_findings"].get("FR_NIR") == 1
    assert "588 157" not in record["prompt"] and "Morel" not in record["prompt"]
    assert b64(data)[:200] not in record["prompt"]
    assert "[application/pdf, " in record["prompt"]


DISGUISED = {
    "declared application/octet-stream": "data:application/octet-stream;base64,",
    "declared without a type": "data:;base64,",
    "declared as a picture": "data:image/png;base64,",
}


@pytest.mark.parametrize("case", list(DISGUISED))
def test_a_pdf_declared_as_another_type_is_read_all_the_same(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    path, body = chat_file(pdf_of(PAYSLIP))
    part = body["messages"][0]["content"][1]["file"]
    part["file_data"] = DISGUISED[case] + part["file_data"].split("base64,", 1)[1]
    response = _post(gw, http, path, body)
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert _sent(gw) == []


def test_a_nir_in_a_filled_form_field_is_refused(gw: Gateway, http: httpx.Client) -> None:
    data = filled_form("2 69 05 49 588 157 80")
    assert "588" not in text_of(data)  # not in the page's text: only in the form's field
    response = _post(gw, http, *chat_file(data))
    assert response.status_code == 403, response.text
    assert _sent(gw) == []


OFFICE = {
    "a Word document": lambda: responses_office(
        docx("Bulletin de paie", "N° de sécurité sociale : 2 69 05 49 588 157 80"), DOCX,
        "paie.docx"),
    "a spreadsheet, the NIR typed as a number": lambda: responses_office(
        xlsx_payroll(), XLSX, "paie.xlsx"),
    "a Word document declared as octet-stream": lambda: responses_office(
        docx("NIR : 2 69 05 49 588 157 80"), "application/octet-stream", "paie.docx"),
}


@pytest.mark.parametrize("case", list(OFFICE))
def test_a_nir_in_an_office_document_is_refused(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    response = _post(gw, http, *OFFICE[case]())
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert _sent(gw) == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert "588 157" not in record["prompt"] and "269054958815780" not in record["prompt"]


def test_an_office_document_to_redact_goes_out_as_a_pdf_of_its_redacted_text(
    gw: Gateway, http: httpx.Client,
) -> None:
    path, body = responses_office(docx("Avenant au contrat de travail", "Joignable au "
                                       "06 48 21 77 03."), DOCX, "avenant.docx")
    response = _post(gw, http, path, body)
    assert response.status_code == 200, response.text
    [sent] = _sent(gw)
    written = text_of(_sent_pdf(sent))
    assert "Morel" not in written and "06 48 21 77 03" not in written
    assert "Avenant au contrat de travail" in written and "Responsable d'atelier" in written
    assert "avenant.pdf" in str(sent) and "data:application/pdf;base64," in str(sent)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_names_in_a_pdf_are_pseudonymized_in_the_pdf_the_provider_receives(
    gw: Gateway, http: httpx.Client, shape: str,
) -> None:
    path, body = SHAPES[shape](pdf_of(CONTRACT, "Page 2 : signé à Lyon par Jean-Baptiste Morel."))
    response = _post(gw, http, path, body)
    assert response.status_code == 200, response.text
    [sent] = _sent(gw)
    pdf = _sent_pdf(sent)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2  # one page per page
    written = text_of(pdf)
    assert "Morel" not in written and "06 48 21 77 03" not in written
    assert "Avenant au contrat de travail" in written and "Lyon" in written
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "redacted"
    assert "Morel" not in record["prompt"] and "Avenant au contrat" in record["prompt"]
    assert f"sha256 {hashlib.sha256(pdf).hexdigest()}" in record["prompt"]


def test_a_pdf_without_personal_data_goes_out_as_it_came(gw: Gateway, http: httpx.Client) -> None:
    data = pdf_of("Ordre du jour du comité : budget 2027, locaux, calendrier.")
    response = _post(gw, http, *chat_file(data))
    assert response.status_code == 200, response.text
    assert _sent_pdf(_sent(gw)[0]) == data


@pytest.mark.parametrize("media, made", [
    ("image/png", png), ("application/octet-stream", lambda: bytes(range(256)) * 4),
], ids=["a picture", "bytes declared as octet-stream"])
def test_a_file_it_cannot_read_is_sent_whole_and_only_described_in_the_record(
    gw: Gateway, http: httpx.Client, media: str, made: Any,
) -> None:
    picture = made()
    url = f"data:{media};base64," + b64(picture)
    response = _post(gw, http, "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": [{"type": "text", "text": "Que montre cette photo ?"},
                                     {"type": "image_url", "image_url": {"url": url}}]}]})
    assert response.status_code == 200, response.text
    assert _sent(gw)[0]["messages"][0]["content"][1]["image_url"]["url"] == url
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert b64(picture) not in record["prompt"]
    expected = f"[{media}, {len(picture)} bytes, sha256 {hashlib.sha256(picture).hexdigest()}]"
    assert expected in record["prompt"]
    # The bundled trial rule reports what the gateway could not read, without acting.
    assert "shadow:pieces-jointes-non-lues" in record["rule_ids"]


@pytest.fixture(scope="module")
def strict(databases: Databases, _fake_openai_server: FakeOpenAIProvider,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """A gateway whose policies refuse what it cannot read."""
    with refusing_unreadable(databases, _fake_openai_server,
                             tmp_path_factory.mktemp("attachments"), "attachments") as gw:
        yield gw


def _image_url(url: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": [
        {"type": "image_url", "image_url": {"url": url}}]}]}


UNREADABLE = {
    "a picture": lambda: ("/v1/chat/completions", _image_url("data:image/png;base64," + b64(png()))),
    "a picture by URL": lambda: ("/v1/chat/completions",
                                 _image_url("https://intranet.exemple.fr/badge.jpg")),
    "a scanned PDF": lambda: chat_file(scanned_pdf()),
    "a scanned page under a caption": lambda: chat_file(captioned_scan()),
    "a password-protected PDF": lambda: chat_file(encrypted_pdf(PAYSLIP)),
    "a broken PDF": lambda: chat_file(b"%PDF-1.7\n" + b"\x00garbage" * 50),
    "a PDF by URL (Messages)": lambda: ("/v1/messages", {
        "model": "gpt-test", "max_tokens": 20, "messages": [{"role": "user", "content": [
            {"type": "document", "source": {"type": "url",
                                            "url": "https://exemple.fr/bulletin.pdf"}}]}]}),
    "a file id (Responses)": lambda: ("/v1/responses", {"model": "gpt-test", "input": [
        {"role": "user", "content": [{"type": "input_file", "file_id": "file-abc123"}]}]}),
    "a zip that is no office document": lambda: responses_office(
        office({"notes/readme.xml": "<a>Morel</a>"}), "application/zip", "archive.zip"),
    "a spreadsheet that does not open": lambda: ("/v1/chat/completions", {
        "model": "gpt-test", "messages": [{"role": "user", "content": [{"type": "file", "file": {
            "filename": "paie.xlsx", "file_data": "data:application/vnd.openxmlformats-"
            "officedocument.spreadsheetml.sheet;base64," + b64(b"PK\x03\x04" + bytes(256))}}]}]}),
    "sound (chat input_audio)": lambda: ("/v1/chat/completions", {
        "model": "gpt-test", "messages": [{"role": "user", "content": [
            {"type": "input_audio", "input_audio": {"data": b64(b"RIFF" + bytes(64)),
                                                    "format": "wav"}}]}]}),
}


@pytest.mark.parametrize("case", list(UNREADABLE))
def test_what_the_gateway_cannot_read_is_named_to_the_policies(
    strict: Gateway, case: str,
) -> None:
    path, body = UNREADABLE[case]()
    with httpx.Client(base_url=strict.url, headers={"User-Agent": "curl/8.5.0"}) as http:
        response = _post(strict, http, path, body)
    assert response.status_code == 403, response.text
    assert "pieces-jointes-illisibles" in response.text
    assert strict.fake.received == []


@pytest.mark.parametrize("request_of", [
    lambda: chat_file(pdf_of("Compte rendu de réunion.")),
    lambda: ("/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": "Compte rendu de réunion."}]}),
], ids=["a readable PDF", "no file"])
def test_what_the_gateway_reads_is_not_unreadable(strict: Gateway, request_of: Any) -> None:
    with httpx.Client(base_url=strict.url, headers={"User-Agent": "curl/8.5.0"}) as http:
        response = _post(strict, http, *request_of())
    assert response.status_code == 200, response.text


def photo_with_gps(kind: str = "JPEG") -> bytes:
    """A phone's photo: EXIF with the maker, the time and where it was taken (GPS); as a
    multi-picture JPEG (``MPO``), a second picture after it, as phones store a depth map
    or an HDR gain map."""
    tags = Image.Exif()
    tags[0x010F], tags[0x0132] = "Apple", "2026:12:07 09:14:02"
    gps = tags.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (48.0, 51.0, 24.0), "E", (2.0, 21.0, 7.0)
    out = io.BytesIO()
    after = [Image.new("RGB", (320, 240), "gray")] if kind == "MPO" else []
    Image.new("RGB", (320, 240), "green").save(out, format=kind, quality=90, exif=tags,
                                               save_all=bool(after), append_images=after)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["JPEG", "MPO"])
@pytest.mark.parametrize("shape", ["chat image_url", "Messages image block"])
def test_a_photo_goes_out_without_where_and_when_it_was_taken(
    gw: Gateway, http: httpx.Client, shape: str, kind: str,
) -> None:
    data = photo_with_gps(kind)
    assert Image.open(io.BytesIO(data)).format == kind
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    if shape == "chat image_url":
        path, body = "/v1/chat/completions", _image_url("data:image/jpeg;base64," + b64(data))
    else:
        path, body = "/v1/messages", {"model": "claude-test", "max_tokens": 20, "messages": [
            {"role": "user", "content": [{"type": "image", "source": {
                "type": "base64", "media_type": "image/jpeg", "data": b64(data)}}]}]}
    response = _post(gw, http, path, body)
    assert response.status_code == 200, response.text
    [sent] = _sent(gw)
    encoded = str(sent).split("base64,", 1)[1] if shape == "chat image_url" else \
        next(part["source"]["data"] for message in sent["messages"]
             for part in message["content"] if part.get("type") == "image")
    received = base64.b64decode(encoded.split("'", 1)[0])
    picture = Image.open(io.BytesIO(received))
    assert picture.format == "JPEG" and picture.size == (320, 240)  # one picture: the photo
    assert picture.getpixel((10, 10))[1] > 100  # green
    assert not picture.getexif() and b"Apple" not in received
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert f"sha256 {hashlib.sha256(received).hexdigest()}" in record["prompt"]
