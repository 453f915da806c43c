"""The register entry, DPIA starter and staff notice say what the configuration does."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from gateway.catalogue import load_catalogue
from gateway.gdpr import facts, register
from gateway.policies import load_policy_set
from gateway.settings import Settings
from tests.admin._helpers import admin_client
from tests.conftest import Gateway
from tests.support import REPO
from tests.support.processes import run_cli

CATALOGUE = {"models": [
    {"name": "gpt-4o", "provider": "openai", "hosting": "us", "api_key_env": "OPENAI_KEY"},
    {"name": "mistral-large", "provider": "mistral", "hosting": "eu",
     "api_key_env": "MISTRAL_KEY"},
    {"name": "llama-local", "provider": "ollama", "hosting": "on_prem",
     "base_url": "http://10.0.0.5:11434"},
]}


def _facts(tmp_path: Path, **settings: object) -> facts.Facts:
    models = tmp_path / "models.yaml"
    models.write_text(yaml.safe_dump(CATALOGUE))
    config = Settings(models_file=models, policies_dir=REPO / "policies", **settings)  # type: ignore[arg-type]
    catalogue = load_catalogue(models)
    return facts.gather(config, catalogue,
                        load_policy_set(REPO / "policies", catalogue.for_policies()))


def test_a_us_model_is_a_transfer_and_every_provider_a_recipient(tmp_path: Path) -> None:
    known = _facts(tmp_path, retention_content_days=120, retention_raw_content_days=30)
    entry = register.register(known)
    transfers = entry.split("## Transferts hors de l'Union européenne")[1].split("\n## ")[0]
    assert "OpenAI" in transfers and "gpt-4o" in transfers
    assert "Mistral" not in transfers and "llama-local" not in transfers
    recipients = entry.split("## Destinataires")[1].split("\n## ")[0]
    for name in ("OpenAI", "Mistral AI", "Ollama", "10.0.0.5"):
        assert name in recipients
    # The bundled policies pseudonymize what goes to EU and US models, not on-site ones.
    us_line = next(line for line in recipients.splitlines() if line.startswith("| OpenAI"))
    assert "pseudonymisation-hors-site" in us_line
    # Retention per field, from the settings.
    periods = entry.split("## Durées de conservation")[1].split("\n## ")[0]
    assert "120 jours" in periods and "30 jours" in periods and "1 an (365 jours)" in periods
    assert "GATEWAY_RETENTION_ACCESS_LOG_DAYS" in periods
    # Purposes follow the policies: the bundled set holds and budgets.
    assert "Validation humaine" in entry and "budgets" in entry
    assert "Tiers cités dans les demandes" in entry


def test_without_us_models_no_transfer_and_the_notice_says_so(tmp_path: Path) -> None:
    eu_only = {"models": [m for m in CATALOGUE["models"] if m["hosting"] != "us"]}
    models = tmp_path / "eu.yaml"
    models.write_text(yaml.safe_dump(eu_only))
    catalogue = load_catalogue(models)
    known = facts.gather(Settings(models_file=models), catalogue,
                         load_policy_set(REPO / "policies", catalogue.for_policies()))
    assert known.transfers == ()
    assert "Aucun : aucun modèle du catalogue" in register.register(known)
    notice = register.notice(known)
    assert "Aucun modèle n'est hébergé hors de l'Union européenne" in notice
    assert "6 mois (180 jours)" in notice and "CSE" in notice
    dpia = register.dpia(known)
    assert "## 3. Risques et mesures" in dpia and "sans objet" in dpia


def test_register_by_the_cli_and_the_api(gw: Gateway) -> None:
    # The test gateway's catalogue has a US-hosted model, gpt-us.
    out = run_cli("gdpr", "register", "--document", "register", env=gw.env).stdout
    transfers = out.split("## Transferts hors de l'Union européenne")[1].split("\n## ")[0]
    assert "gpt-us" in transfers and "gpt-test" not in transfers
    everything = run_cli("gdpr", "register", env=gw.env).stdout
    assert everything.count("\n---\n") == 2 and "Note d'information" in everything
    with admin_client(gw, "auditor") as auditor:
        page = auditor.get("/admin/api/gdpr/register", params={"document": "notice"})
        assert page.status_code == 200 and "gpt-us" in page.text
        assert page.headers["content-type"].startswith("text/markdown")
        data = auditor.get("/admin/api/gdpr/register", params={"format": "json"}).json()
        us = [r for r in data["recipients"] if "gpt-us" in r["models"]]
        assert us and us[0]["transfer_outside_eu"] is True
        bad = auditor.get("/admin/api/gdpr/register", params={"document": "x"})
        assert bad.status_code == 400
    with admin_client(gw, "employee") as employee:
        assert employee.get("/admin/api/gdpr/register").status_code == 403


def pdf_text(data: bytes) -> str:
    """The text a PDF draws (its compressed content streams, inflated)."""
    import re
    import zlib

    drawn = []
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream.group(1))
        except zlib.error:
            continue  # a font or an image
        drawn += re.findall(rb"\((.*?)\) ?Tj", content)
    return b" ".join(drawn).decode("latin-1").replace("\\(", "(").replace("\\)", ")")


def test_pdf_by_the_cli_and_the_api(gw: Gateway, tmp_path: Path) -> None:
    target = tmp_path / "note.pdf"
    run_cli("gdpr", "register", "--document", "notice", "--format", "pdf", "-o", str(target),
            env=gw.env)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and data.count(b"/Type /Page\n") == 1  # one page
    text = pdf_text(data)
    assert "Note d'information" in text and "gpt-us" in text and "6 mois (180 jours)" in text
    with admin_client(gw, "auditor") as auditor:
        response = auditor.get("/admin/api/gdpr/register",
                               params={"document": "register", "format": "pdf"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Transferts hors de l'Union europ" in text and "gpt-us" in text


def test_the_measures_say_whether_pictures_are_read(tmp_path: Path) -> None:
    """Compliance answers « is a photo of a payslip checked? » from the register itself."""
    off = " ".join(m[0] for m in _facts(tmp_path, ocr="off").measures)
    assert "ne sont pas lues (OCR absent)" in off and "attachments: [unreadable]" in off
    english = " ".join(m[1] for m in _facts(tmp_path, ocr="off").measures)
    assert "pictures and scanned pages are not read" in english
    if shutil.which("tesseract") is not None:
        on = " ".join(m[0] for m in _facts(tmp_path).measures)
        assert "lues par OCR (Tesseract" in on
