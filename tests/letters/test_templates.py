"""The shipped templates: every template in every language renders the text that matters, RTL settings,
escaping, identical output of the fast renderer and docxtpl, and ``ebh letters check``."""
from __future__ import annotations

import datetime as dt
import functools
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from ebh.letters import engine
from ebh.letters.fields import FIELDS, Recipient, Sender, build_context, catalogue_markdown
from ebh.letters.library import REQUIRED_LANGUAGES, check_library, load_library

ROOT = Path(__file__).resolve().parents[2]
LETTERS = ROOT / "letters"
LIBRARY = load_library(LETTERS)
CASES = [(t, lang) for t in sorted(LIBRARY) for lang in LIBRARY[t].languages]
NAME = 'Zeynep Öztürk & <Söhne> "Ali"'
#: A sentence of each translation that says the German text is binding.
BINDING = {"en": "Only the German text", "tr": "Almanca metin", "ar": "النص الألماني", "fa": "متن آلمانی",
           "ru": "немецком языке", "uk": "німецькою мовою"}
LEGAL_BASIS = {
    "naturalization_info": ["§ 10 des Staatsangehörigkeitsgesetzes (StAG)", "§ 38 Abs. 2 StAG"],
    "residence_info": ["(§ 25b AufenthG)", "(§ 25a AufenthG)"],
    "document_request": ["§ 34 Satz 2 StAG in Verbindung mit § 82 Abs. 1 AufenthG"],
    "acknowledgment": ["Einbürgerung nach § 10 StAG"],
    "ceremony_invitation": ["§ 16 Satz 3 StAG", "§ 16 Satz 1 StAG"],
}


@functools.cache
def compiled(template_id: str, language: str) -> engine.CompiledTemplate:
    return engine.CompiledTemplate(LIBRARY[template_id].docx_bytes(language))


def demo(language: str, letter_date: dt.date = dt.date(2027, 2, 26)) -> dict:
    sender = Sender("Stadt Köln – Einbürgerung", "Willy-Brandt-Platz 3", "50679", "Köln", "0221 221-0",
                    "einbuergerung@koeln.example", "NW", "M. Schneider")
    recipient = Recipient(
        person_id=7, given_names="Zeynep", family_name='Öztürk & <Söhne> "Ali"', sex="f",
        date_of_birth=dt.date(1990, 5, 17), street="Venloer Str. 12", postcode="50672", city="Köln",
        preferred_language=language, case_id=3, file_number="KOE-EB-2027-00042", case_type="stag_10",
        case_family="naturalization", received_on=dt.date(2027, 2, 1),
        missing_documents=[{"label": "Geburtsurkunde", "remark": "mit Übersetzung"}],
        eligibility={"earliest_date": "01.09.2027", "result": "voraussichtlich erfüllt", "rule": "stag_10"},
    )
    inputs = {"deadline.weeks": "4", "processing.months": "12", "ceremony.date": "28.05.2027",
              "ceremony.time": "11:00", "ceremony.place": "Historisches Rathaus, Hansasaal"}
    return build_context(sender, recipient, language=language, letter_date=letter_date, inputs=inputs)


def test_shipped_library_is_complete_and_passes_check():
    assert set(LIBRARY) == {"naturalization_info", "residence_info", "document_request", "acknowledgment",
                            "ceremony_invitation"}
    for template in LIBRARY.values():
        assert set(REQUIRED_LANGUAGES) <= set(template.languages)
    assert check_library(LETTERS) == []


def test_built_templates_are_reproducible():
    """The committed DOCX files and manifests are exactly what letters/build.py produces."""
    result = subprocess.run([sys.executable, str(LETTERS / "build.py"), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("template_id", "language"), CASES)
def test_every_template_renders_what_matters(template_id, language):
    data = compiled(template_id, language).render(demo(language))
    document = docx.Document(io.BytesIO(data))  # a valid DOCX that python-docx opens
    text = "\n".join(p.text for p in document.paragraphs)
    assert NAME in text  # escaped on the way in, plain text on the way out
    assert "Venloer Str. 12" in text and "50672 Köln" in text
    assert "KOE-EB-2027-00042" in text
    assert "Datum: 26.02.2027" in text
    assert "{{" not in text and "{%" not in text
    for citation in LEGAL_BASIS[template_id]:
        assert citation in text, citation
    if template_id == "document_request":
        # 26.02.2027 + 4 weeks = Good Friday 26.03.2027; Easter Monday follows: the Frist ends Tuesday.
        assert "bis spätestens 30.03.2027" in text
        assert "– Geburtsurkunde – mit Übersetzung" in text
    if template_id == "ceremony_invitation":
        assert "Datum: 28.05.2027" in text and "Uhrzeit: 11:00 Uhr" in text
    if template_id in ("naturalization_info", "residence_info"):
        assert "ab dem 01.09.2027" in text
    if language == "de":
        assert "Rechtlich verbindlich ist allein" not in text
    else:
        assert BINDING[language] in text
        if template_id == "document_request":
            assert text.count("30.03.2027") == 2  # the deadline in the German text and in the translation


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_rtl_letters_carry_bidi_and_a_script_font(language):
    for template in LIBRARY.values():
        data = compiled(template.id, language).render(demo(language))
        root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
        ns = {"w": engine.W_NS}
        rtl_paragraphs = root.xpath("//w:p[w:pPr/w:bidi]", namespaces=ns)
        assert len(rtl_paragraphs) >= 8
        for paragraph in rtl_paragraphs:
            runs = paragraph.xpath("w:r", namespaces=ns)
            assert runs, "an RTL paragraph without text"
            for run in runs:
                assert run.find("w:rPr/w:rtl", ns) is not None
                assert run.find("w:rPr/w:rFonts", ns).get(f"{{{engine.W_NS}}}cs") == "Noto Naskh Arabic"
                assert run.find("w:rPr/w:lang", ns).get(f"{{{engine.W_NS}}}bidi").startswith(language)
        # The German part stays left to right.
        german = root.xpath("//w:p[not(w:pPr/w:bidi)]//w:t/text()", namespaces=ns)
        assert any("Mit freundlichen Grüßen" in t for t in german)


@pytest.mark.parametrize(("template_id", "language"), CASES)
def test_fast_renderer_matches_docxtpl(template_id, language):
    """Byte-identical text content (canonical XML of the document part) to a fresh docxtpl render."""
    data = LIBRARY[template_id].docx_bytes(language)
    context = demo(language)
    fast = compiled(template_id, language).render(context)
    reference = engine.render_docxtpl(data, context)

    def canonical(blob: bytes) -> bytes:
        return etree.tostring(etree.fromstring(zipfile.ZipFile(io.BytesIO(blob)).read("word/document.xml")),
                              method="c14n")

    assert canonical(fast) == canonical(reference)
    assert engine.document_text(fast) == engine.document_text(reference)


def test_escaping_never_breaks_the_document():
    template = LIBRARY["acknowledgment"]
    context = demo("en")
    hostile = '</w:t></w:r><w:r><w:t>X & Y < Z > "Q" \'R\' ]]> {{ 7*7 }}'
    context["person"]["full_name"] = context["address"]["name"] = hostile
    data = engine.CompiledTemplate(template.docx_bytes("en")).render(context)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert hostile in text
    assert "49" not in text.replace("2027", "")  # data is never evaluated as a template


def test_sandbox_blocks_unsafe_attribute_access():
    from jinja2.exceptions import SecurityError

    template = engine.make_environment().from_string("{{ x.__class__.__mro__ }}")
    with pytest.raises(SecurityError):
        template.render(x="a")


def _library_copy(tmp_path: Path, template_id: str = "acknowledgment") -> Path:
    target = tmp_path / "letters"
    shutil.copytree(LETTERS / template_id, target / template_id)
    return target


def _broken_docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_check_reports_syntax_error_with_file_and_line(tmp_path):
    letters = _library_copy(tmp_path)
    (letters / "acknowledgment" / "en.docx").write_bytes(
        _broken_docx(["{{ office.name }}", "Guten Tag", "{% if case.file_number %}Aktenzeichen"]))
    problems = check_library(letters)
    assert any(p.file == "acknowledgment/en.docx" and p.line == 3 and "Syntaxfehler" in p.message
               for p in problems), problems


def test_check_reports_unknown_and_undeclared_placeholders(tmp_path):
    letters = _library_copy(tmp_path)
    (letters / "acknowledgment" / "tr.docx").write_bytes(
        _broken_docx(["{{ office.name }}", "{{ person.passport_number }}", "{{ deadline.date }}",
                      "{{ doc.label|safe }}"]))
    problems = {(p.file, p.line, p.message) for p in check_library(letters)}
    assert ("acknowledgment/tr.docx", 2, "Platzhalter „person.passport_number“ steht nicht im Feldkatalog.") in problems
    assert ("acknowledgment/tr.docx", 3, "Platzhalter „deadline.date“ ist im Manifest nicht deklariert.") in problems
    assert any(line == 4 and "safe" in message for _f, line, message in problems)


def test_check_reports_missing_language_versions(tmp_path):
    letters = _library_copy(tmp_path)
    (letters / "acknowledgment" / "fa.docx").unlink()
    manifest = letters / "acknowledgment" / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(', "uk"]', "]"), encoding="utf-8")
    messages = [str(p) for p in check_library(letters)]
    assert any("acknowledgment/fa.docx" in m and "fehlt" in m for m in messages)
    assert any("„uk“" in m and "fehlt im Manifest" in m for m in messages)
    assert any("uk.docx" in m and "keiner Sprache" in m for m in messages)


def test_check_command_exit_codes(app, tmp_path):
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["letters", "check"])
    assert ok.exit_code == 0, ok.output
    letters = _library_copy(tmp_path)
    (letters / "acknowledgment" / "de.docx").write_bytes(_broken_docx(["{{ person.full_name"]))
    app.config["LETTERS_DIR"] = str(letters)
    bad = runner.invoke(args=["letters", "check"])
    assert bad.exit_code == 1
    assert "acknowledgment/de.docx:1: Jinja-Syntaxfehler" in bad.output


def test_field_catalogue_documented():
    markdown = catalogue_markdown()
    docs = (ROOT / "docs" / "letters.md").read_text(encoding="utf-8")
    for field in FIELDS:
        assert f"`{{{{ {field.name} }}}}`" in markdown
    assert markdown.strip() in docs, "docs/letters.md is out of date: ebh letters fields > section"
