"""LibreOffice: one letter per language converted to PDF; pdftotext shows the text. CI installs
LibreOffice; without it these tests are skipped with the reason."""
from __future__ import annotations

import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa

from ebh.extensions import db as _db
from ebh.letters import engine, files, service, worker
from ebh.letters.models import Letter
from tests.letters.test_templates import LIBRARY, demo

SOFFICE = shutil.which("soffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) ist nicht installiert"),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) ist nicht installiert"),
]
EXPECTED = {"de": "Sehr geehrte Frau", "en": "Dear Ms", "tr": "Sayın Zeynep", "ar": "الترجمة العربية",
            "fa": "ترجمهٔ فارسی", "ru": "Уважаемая госпожа", "uk": "Шановна пані"}


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_every_language_converts_to_pdf_in_parallel(tmp_path):
    """All seven conversions run at the same time, each with its own LibreOffice profile."""
    template = LIBRARY["document_request"]
    paths = []
    for language in EXPECTED:
        path = tmp_path / f"{language}.docx"
        path.write_bytes(engine.CompiledTemplate(template.docx_bytes(language)).render(demo(language)))
        paths.append(path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        pdfs = list(pool.map(lambda p: files.convert_to_pdf(SOFFICE, p, timeout=180), paths))
    for language, pdf in zip(EXPECTED, pdfs, strict=True):
        text = _pdf_text(pdf)
        assert "KOE-EB-2027-00042" in text, language
        assert "30.03.2027" in text, language
        assert "Öztürk & <Söhne>" in text, language
        assert "§ 82 Abs. 1 AufenthG" in text, language
        if language in ("ar", "fa"):
            # pdftotext returns Arabic script in visual order; compare without spaces and direction marks.
            squeezed = "".join(text.split())
            assert "".join(EXPECTED[language].split()) in squeezed or \
                "".join(reversed(EXPECTED[language].replace(" ", ""))) in squeezed, language
        else:
            assert EXPECTED[language] in text, language


def test_generated_letter_gets_a_pdf(client, login, caseworker, letter_case, app):
    app.config["LETTERS_PDF"] = "auto"
    login(caseworker)
    page = client.get(f"/cases/{letter_case.id}").get_data(as_text=True)
    assert 'data-testid="pdf-reason"' not in page
    from tests.conftest import csrf_token

    response = client.post(f"/cases/{letter_case.id}/letters", data={
        "csrf_token": csrf_token(client, f"/cases/{letter_case.id}"), "template": "acknowledgment", "language": "uk"})
    assert response.status_code == 302
    _db.session.rollback()
    [letter] = _db.session.scalars(sa.select(Letter))
    assert letter.pdf_path.endswith(".pdf") and len(letter.pdf_sha256) == 64
    pdf = client.get(f"/letters/{letter.id}/download?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    target = Path(app.config["DATA_DIR"]) / letter.pdf_path
    text = _pdf_text(target)
    assert "KOE-EB-2027-00042" in text and "Підтвердження отримання" in text


def test_batch_print_file_is_a_pdf(db, caseworker, letter_case, app):
    app.config["LETTERS_PDF"] = "auto"
    batch = service.create_batch(caseworker, "acknowledgment", service.Selection(case_ids=[letter_case.id]),
                                 language="ru")
    _db.session.commit()
    result = worker.run_batch(batch.id, pool_size=0)
    assert [Path(p).suffix for p in result.print_paths] == [".pdf"]
    text = _pdf_text(Path(app.config["DATA_DIR"]) / result.print_paths[0])
    assert "Подтверждение получения" in text
