"""Text written in pictures and scanned pages, read by Tesseract, through real HTTP.

Before this, a photo of a payslip or a scanned identity card went to the provider unread:
its NIR was forwarded where the same NIR typed in a message is refused, and only a trial
rule noted that the gateway could not read it. Now its words are read (Tesseract, when
installed: CI installs Debian's tesseract-ocr-fra), judged as text, and painted over in the
picture the provider receives when redaction replaces them.
"""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from gateway.text.ocr import Ocr
from tests.conftest import Databases, Gateway
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import post_fresh as _post
from tests.hardening._helpers import refusing_unreadable


def _tesseract_reads_french() -> bool:
    binary = shutil.which("tesseract")
    if binary is None:
        return False
    listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True,
                            check=False)
    return "fra" in listed.stdout.split()


pytestmark = pytest.mark.skipif(
    not _tesseract_reads_french(),
    reason="Tesseract with French is not installed (apt-get install tesseract-ocr-fra)")

PROSE = (
    "Entre la société Menuiseries de l'Authion, représentée par son gérant, et M. Jean-"
    "Baptiste Morel, demeurant 12 rue des Lilas à Angers, il est convenu ce qui suit. Le "
    "salarié exercera les fonctions de responsable d'atelier à compter du 1er mars 2027, "
    "pour une rémunération brute annuelle de 38 400 euros, versée en douze mensualités. "
)
NIR_CARD = ["Bulletin de paie - novembre 2026", "N° de sécurité sociale : 2 69 05 49 588 157 80"]
CONTRACT = ["Avenant au contrat de travail", "Salarié : Jean-Baptiste Morel",
            "Téléphone : 06 48 21 77 03", "Poste : responsable d'atelier"]


def picture(lines: list[str], kind: str = "PNG", size: int = 30) -> bytes:
    """A screenshot of ``lines``: black text on white, as a scan or a capture shows it."""
    font = ImageFont.load_default(size=size)
    image = Image.new("RGB", (size * 37, 2 * size + 2 * size * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        draw.text((size, size + 2 * size * row), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


def sideways(data: bytes, exif: bool, degrees: int = 90) -> bytes:
    """The picture stored turned a quarter (a phone's photo; a page scanned sideways) or
    more: with an EXIF tag saying how to show it upright, or without (a scanner says
    nothing)."""
    stored = Image.open(io.BytesIO(data)).rotate(degrees, expand=True)
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x0112] = 6  # shown turned 90 degrees clockwise
        stored.save(out, format="JPEG", quality=95, exif=tags)
    else:
        stored.save(out, format="PNG")
    return out.getvalue()


def scan_pdf(lines: list[str]) -> bytes:
    """A PDF whose one page is a picture of ``lines``: no text layer at all."""
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(picture(lines)), x=5, y=5, w=200)
    return bytes(pdf.output())


LETTER = ("Madame, Monsieur, suite à notre échange de ce matin, vous trouverez ci-dessous la "
          "copie du document demandé pour la constitution du dossier de mutuelle. Je reste "
          "à votre disposition pour tout complément d'information. Bien cordialement.")


def letter_with_a_scan(lines: list[str]) -> bytes:
    """A page of typed text (a text layer: not a scan) with a document's picture pasted in."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 5, LETTER)
    pdf.image(io.BytesIO(picture(lines)), x=5, y=60, w=200)
    return bytes(pdf.output())


def docx_with_a_picture(lines: list[str]) -> bytes:
    """A Word letter whose only mention of the NIR is a pasted picture (word/media)."""
    out = io.BytesIO()
    body = ('<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            'main"><w:body><w:p><w:r><w:t>Ci-joint la copie demandée.</w:t></w:r></w:p>'
            '</w:body></w:document>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
        archive.writestr("word/media/image1.png", picture(lines))
    return out.getvalue()


def read(data: bytes) -> str:
    ocr = Ocr.from_settings("auto", "fra+eng", 30)
    assert ocr is not None
    return ocr.read(data).text


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def chat_picture(data: bytes, media: str = "image/png") -> tuple[str, dict[str, Any]]:
    return "/v1/chat/completions", {"model": "gpt-test", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Que dit ce document ?"},
        {"type": "image_url", "image_url": {"url": f"data:{media};base64," + b64(data)}}]}]}


def messages_picture(data: bytes, media: str = "image/png") -> tuple[str, dict[str, Any]]:
    return "/v1/messages", {"model": "claude-test", "max_tokens": 50, "messages": [
        {"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": media,
                                         "data": b64(data)}},
            {"type": "text", "text": "Que dit ce document ?"}]}]}


def responses_picture(data: bytes, media: str = "image/png") -> tuple[str, dict[str, Any]]:
    return "/v1/responses", {"model": "gpt-test", "input": [{"role": "user", "content": [
        {"type": "input_image", "image_url": f"data:{media};base64," + b64(data)},
        {"type": "input_text", "text": "Que dit ce document ?"}]}]}


def chat_pdf(data: bytes) -> tuple[str, dict[str, Any]]:
    return "/v1/chat/completions", {"model": "gpt-test", "messages": [{"role": "user", "content": [
        {"type": "text", "text": "Résume ce document"},
        {"type": "file", "file": {"filename": "scan.pdf",
                                  "file_data": "data:application/pdf;base64," + b64(data)}}]}]}


SHAPES = {"chat image_url": chat_picture, "Messages image block": messages_picture,
          "Responses input_image": responses_picture}


def _sent_file(gw: Gateway) -> tuple[str, bytes]:
    """The one file a provider received (after translation): its media type and bytes."""
    received = [*gw.fake.received, *(gw.fake_anthropic.received if gw.fake_anthropic else [])]
    assert len(received) == 1
    found: list[tuple[str, str]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("data"), str) and "media_type" in value:
                found.append((value["media_type"], value["data"]))
            for item in value.values():
                if isinstance(item, str) and item.startswith("data:"):
                    head, data = item.split(";base64,", 1)
                    found.append((head[5:], data))
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(received[0].body)
    assert len(found) == 1, received[0].body
    return found[0][0], base64.b64decode(found[0][1])


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_nir_written_in_a_picture_is_refused_as_if_typed(
    gw: Gateway, http: httpx.Client, shape: str,
) -> None:
    response = _post(gw, http, *SHAPES[shape](picture(NIR_CARD)))
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["pii_findings"].get("FR_NIR") == 1
    assert "588 157" not in record["prompt"] and "[image/png, " in record["prompt"]


@pytest.mark.parametrize("shape", list(SHAPES))
def test_names_and_phones_in_a_picture_are_painted_over_before_the_provider(
    gw: Gateway, http: httpx.Client, shape: str,
) -> None:
    original = picture(CONTRACT)
    response = _post(gw, http, *SHAPES[shape](original))
    assert response.status_code == 200, response.text
    media, sent = _sent_file(gw)
    assert media == "image/png" and sent != original
    assert Image.open(io.BytesIO(sent)).size == Image.open(io.BytesIO(original)).size
    seen = read(sent)
    assert "Morel" not in seen and "77 03" not in seen
    assert "Avenant au contrat" in seen and "atelier" in seen  # the rest left as it was
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "redacted"
    assert "Morel" not in record["prompt"] and "Avenant au contrat" in record["prompt"]


def test_a_screenshot_of_a_sheet_in_small_type_is_read_at_twice_its_size(
    gw: Gateway, http: httpx.Client,
) -> None:
    """11-pixel type, as a spreadsheet shows it: read as it is, the card's « 9932 » came
    out « 8932 » (no longer a card number) and it went out."""
    sheet = picture(["Client;Carte;Expire;Montant", "Diallo;5132 8560 0421 9932;11/27;1 250,00",
                     "Morel;virement;09/28;480,00"], size=11)
    response = _post(gw, http, *chat_picture(sheet))
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


def test_a_jpeg_photo_stays_a_jpeg(gw: Gateway, http: httpx.Client) -> None:
    response = _post(gw, http, *chat_picture(picture(CONTRACT, "JPEG"), "image/jpeg"))
    assert response.status_code == 200, response.text
    media, sent = _sent_file(gw)
    assert media == "image/jpeg" and Image.open(io.BytesIO(sent)).format == "JPEG"
    assert "Morel" not in read(sent)


@pytest.mark.parametrize(("exif", "degrees"), [(True, 90), (False, 90), (False, 180)],
                         ids=["photo with EXIF", "scanned sideways", "scanned upside down"])
def test_a_nir_in_a_turned_picture_is_refused(
    gw: Gateway, http: httpx.Client, exif: bool, degrees: int,
) -> None:
    media = "image/jpeg" if exif else "image/png"
    data = sideways(picture([*NIR_CARD, "Merci de vérifier ce document avant envoi."]), exif,
                    degrees)
    response = _post(gw, http, *chat_picture(data, media))
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


def test_an_upright_page_the_orientation_detection_takes_for_upside_down_is_read_upright(
) -> None:
    """A page of prose scaled to 1,000 pixels: Tesseract's detection says « turn it 180° »
    (sure at 1.87); read that way, the NIR on it was missed. (Read through the OCR itself:
    the page is larger than the test gateway's 64 KiB body limit.)"""
    image = Image.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=24)
    for index in range(40):
        start = (index * 60) % (len(PROSE) - 60)
        line = PROSE[start:start + 60] if index != 20 else NIR_CARD[1]
        draw.text((40, 30 + 40 * index), line, fill="black", font=font)
    out = io.BytesIO()
    image.resize((707, 1000), Image.Resampling.LANCZOS).save(out, format="PNG")
    ocr = Ocr.from_settings("auto", "fra+eng", 60)
    assert ocr is not None
    if ocr._orientation(out.getvalue()) != 180:
        pytest.skip("this Tesseract's orientation detection reads the page right")
    reading = ocr.read(out.getvalue())
    assert "2 69 05 49 588 157 80" in reading.text and reading.turn == 0


def animated(first: list[str], second: list[str], kind: str) -> bytes:
    """Two frames: a harmless screenshot first, ``second`` after it."""
    frames = [Image.open(io.BytesIO(picture(lines))).convert("RGB") for lines in (first, second)]
    frames[1] = frames[1].resize(frames[0].size)
    if kind == "GIF":
        frames = [frame.convert("P") for frame in frames]
    out = io.BytesIO()
    frames[0].save(out, format=kind, save_all=True, append_images=frames[1:], duration=800,
                   loop=0, **({"lossless": True} if kind == "WEBP" else {}))
    return out.getvalue()


@pytest.mark.parametrize("kind", ["GIF", "PNG", "WEBP"])
def test_an_animated_picture_goes_out_as_the_frame_that_was_read(
    gw: Gateway, http: httpx.Client, kind: str,
) -> None:
    """Tesseract reads the first frame: a NIR in the second went out behind it."""
    data = animated(["Capture du tableau de bord", "Aucune anomalie ce matin"], NIR_CARD, kind)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2
    media = f"image/{kind.lower()}"
    response = _post(gw, http, *chat_picture(data, media))
    assert response.status_code == 200, response.text
    sent_media, sent = _sent_file(gw)
    shown = Image.open(io.BytesIO(sent))
    assert sent_media == media and shown.format == kind
    assert getattr(shown, "n_frames", 1) == 1
    assert "tableau de bord" in read(sent) and "588" not in read(sent)
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert "tableau de bord" in record["prompt"]


def test_a_sideways_photo_is_painted_over_where_its_words_are(
    gw: Gateway, http: httpx.Client,
) -> None:
    response = _post(gw, http, *chat_picture(sideways(picture(CONTRACT), True), "image/jpeg"))
    assert response.status_code == 200, response.text
    media, sent = _sent_file(gw)
    shown = Image.open(io.BytesIO(sent))
    assert media == "image/jpeg" and shown.width > shown.height  # sent upright
    assert 0x0112 not in shown.getexif()  # and without the photo's metadata
    seen = read(sent)
    assert "Morel" not in seen and "77 03" not in seen and "Avenant au contrat" in seen


def test_a_picture_without_personal_data_goes_out_as_it_came_and_counts_as_read(
    gw: Gateway, http: httpx.Client,
) -> None:
    original = picture(["Ordre du jour du comité", "Budget 2027, locaux, calendrier"])
    response = _post(gw, http, *chat_picture(original))
    assert response.status_code == 200, response.text
    assert _sent_file(gw)[1] == original
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert "Ordre du jour" in record["prompt"]  # the text read, beside the description
    assert "shadow:pieces-jointes-non-lues" not in record["rule_ids"]


def test_a_scanned_pdf_is_read_and_refused_for_its_nir(gw: Gateway, http: httpx.Client) -> None:
    data = scan_pdf(NIR_CARD)
    assert not "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    response = _post(gw, http, *chat_pdf(data))
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


def test_a_scan_pasted_in_a_typed_letter_is_read_too(gw: Gateway, http: httpx.Client) -> None:
    data = letter_with_a_scan(NIR_CARD)
    assert "588" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    response = _post(gw, http, *chat_pdf(data))
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


def test_a_picture_pasted_in_a_word_document_is_read(gw: Gateway, http: httpx.Client) -> None:
    docx = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response = _post(gw, http, "/v1/responses", {"model": "gpt-test", "input": [
        {"role": "user", "content": [
            {"type": "input_file", "filename": "courrier.docx",
             "file_data": f"data:{docx};base64," + b64(docx_with_a_picture(NIR_CARD))},
            {"type": "input_text", "text": "Résume ce courrier"}]}]})
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


def test_a_scanned_pdf_with_a_name_goes_out_as_a_pdf_of_its_redacted_text(
    gw: Gateway, http: httpx.Client,
) -> None:
    response = _post(gw, http, *chat_pdf(scan_pdf(CONTRACT)))
    assert response.status_code == 200, response.text
    media, sent = _sent_file(gw)
    assert media == "application/pdf"
    written = "".join(page.extract_text() for page in PdfReader(io.BytesIO(sent)).pages)
    assert "Avenant au contrat" in written
    assert "Morel" not in written and "77 03" not in written


def test_a_picture_claiming_too_many_pixels_is_left_unread(
    gw: Gateway, http: httpx.Client,
) -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000), 1).save(out, format="PNG")  # 50 MP, ~10 KB
    response = _post(gw, http, *chat_picture(out.getvalue()))
    assert response.status_code == 200, response.text
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert "shadow:pieces-jointes-non-lues" in record["rule_ids"]


@pytest.fixture(scope="module")
def no_ocr(databases: Databases, _fake_openai_server: FakeOpenAIProvider,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """GATEWAY_OCR=off, under a policy refusing what the gateway cannot read."""
    with refusing_unreadable(databases, _fake_openai_server,
                             tmp_path_factory.mktemp("no-ocr"), "no-ocr", ocr="off") as gw:
        yield gw


def test_with_ocr_off_a_picture_is_unreadable_to_the_policies(no_ocr: Gateway) -> None:
    with httpx.Client(base_url=no_ocr.url, headers={"User-Agent": "curl/8.5.0"}) as http:
        response = _post(no_ocr, http, *chat_picture(picture(CONTRACT)))
    assert response.status_code == 403, response.text
    assert "pieces-jointes-illisibles" in response.text
    assert no_ocr.fake.received == []
