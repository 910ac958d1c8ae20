"""Build the shipped DOCX letter templates and their manifests from ``letters/texts.py``.

    .venv/bin/python letters/build.py           # (re)write letters/<id>/<lang>.docx and manifest.toml
    .venv/bin/python letters/build.py --check   # exit 1 if a committed file differs from a fresh build

The output is reproducible (fixed timestamps), so the template version hashes in the letter log change
only when a text really changes. Office staff may edit the built files in Word or LibreOffice afterwards;
``ebh letters check`` validates whatever is in the folder. Each Jinja tag is written inside one run.
Arabic and Persian paragraphs carry ``w:bidi``, their runs ``w:rtl`` and a complex-script font.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from texts import COMMON, TEMPLATES  # noqa: E402

from ebh.letters import engine  # noqa: E402
from ebh.letters.library import placeholder_references  # noqa: E402

LATIN_FONT = "Arial"  # LibreOffice substitutes the metric-compatible Liberation Sans
RTL_FONT = "Noto Naskh Arabic"  # Debian fonts-noto-core; covers Arabic and Persian
RTL_LANG = {"ar": "ar-SA", "fa": "fa-IR"}
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)

_PPR_AFTER_BIDI = ("w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                   "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                   "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                   "w:pPrChange")


class Writer:
    """Appends paragraphs to a document; ``rtl`` switches direction, font and language of what follows."""

    def __init__(self, doc, rtl_lang: str | None = None) -> None:
        self.doc = doc
        self.rtl_lang = rtl_lang

    def para(self, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
             after: float | None = None, rtl: bool = False):
        paragraph = self.doc.add_paragraph()
        if after is not None:
            paragraph.paragraph_format.space_after = Pt(after)
        if rtl:
            p_pr = paragraph._p.get_or_add_pPr()
            p_pr.insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None
            if size:
                run.font.size = Pt(size)
                _set_val(run._r.get_or_add_rPr(), "w:szCs", str(int(size * 2)))
            if rtl:
                self._make_rtl(run)
        return paragraph

    def _make_rtl(self, run) -> None:
        r_pr = run._r.get_or_add_rPr()
        r_pr.get_or_add_rFonts().set(qn("w:cs"), RTL_FONT)
        if run.bold:
            _set_flag(r_pr, "w:bCs")
        if run.italic:
            _set_flag(r_pr, "w:iCs")
        run.font.rtl = True
        lang = OxmlElement("w:lang")
        lang.set(qn("w:bidi"), self.rtl_lang or "ar-SA")
        _insert_rpr(r_pr, lang)

    def tag(self, text: str) -> None:
        """A docxtpl paragraph tag ({%p ... %}); the whole paragraph disappears when rendered."""
        self.para(text)

    def body(self, items, *, rtl: bool = False) -> None:
        for item in items:
            kind = item[0]
            if kind == "p":
                self.para(item[1], rtl=rtl)
            elif kind == "li":
                self.para(f"– {item[1]}", rtl=rtl, after=2)
            elif kind == "h":
                self.para(item[1], bold=True, rtl=rtl, after=3)
            elif kind == "kv":
                self.para(item[1], bold=True, rtl=rtl, after=3)
            elif kind == "if":
                self.tag(f"{{%p if {item[1]} %}}")
            elif kind == "for":
                self.tag(f"{{%p for {item[1]} in {item[2]} %}}")
            elif kind in ("endif", "endfor"):
                self.tag(f"{{%p {kind} %}}")
            else:
                raise ValueError(f"unknown item kind {kind!r}")


_RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
              "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs",
              "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
              "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")


def _insert_rpr(r_pr, element) -> None:
    """Insert a run property at its schema position (Word rejects out-of-order properties)."""
    tag = element.tag.split("}")[1]
    successors = _RPR_ORDER[_RPR_ORDER.index(f"w:{tag}") + 1:]
    r_pr.insert_element_before(element, *successors)


def _set_val(r_pr, tag: str, value: str) -> None:
    element = OxmlElement(tag)
    element.set(qn("w:val"), value)
    _insert_rpr(r_pr, element)


def _set_flag(r_pr, tag: str) -> None:
    _insert_rpr(r_pr, OxmlElement(tag))


def _setup(doc, title: str) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.8)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(10.5)
    r_pr = normal.element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:cs"), RTL_FONT)
    _set_val(r_pr, "w:szCs", "21")
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.space_before = Pt(0)
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = "ebh"
    props.subject = props.comments = props.keywords = props.category = ""
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    # Drop python-docx's default-template ballast: a thumbnail of an empty page and the 430 kB
    # Word 2010 "stylesWithEffects" part (every letter would carry it).
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            del doc.part.rels[rel_id]


def build_document(template_id: str, language: str) -> bytes:
    manifest, texts = TEMPLATES[template_id]
    de, common = texts["de"], COMMON["de"]
    doc = Document()
    _setup(doc, manifest["title"] + ("" if language == "de" else f" ({language})"))
    w = Writer(doc, RTL_LANG.get(language))
    rtl = language in RTL_LANG

    w.para("{{ office.name }}", bold=True, size=13, after=0)
    w.para("{{ office.street }} · {{ office.postcode }} {{ office.city }}", after=0)
    w.para(f"{{% if office.phone %}}{common['phone']} {{{{ office.phone }}}}{{% endif %}}"
           "{% if office.phone and office.email %} · {% endif %}"
           f"{{% if office.email %}}{common['email']} {{{{ office.email }}}}{{% endif %}}", after=24)
    w.para("{{ office.name }} · {{ office.street }} · {{ office.postcode }} {{ office.city }}", size=7, after=4)
    w.para("{{ address.name }}", after=0)
    w.para("{{ address.street }}", after=0)
    w.para("{{ address.postcode }} {{ address.city }}", after=30)
    w.tag("{%p if case.file_number %}")
    w.para(f"{common['file_number']}: {{{{ case.file_number }}}}", after=0)
    w.tag("{%p endif %}")
    w.para(f"{common['date']}: {{{{ letter.date }}}}", after=0)
    w.para(f"{common['caseworker']}: {{{{ letter.caseworker }}}}", after=18)
    w.para(de["subject"], bold=True, after=6)
    if language != "de":
        target = COMMON[language]
        w.para(f"Eine Übersetzung ins {target['adjective_de']} ist diesem Schreiben angefügt. Rechtlich verbindlich "
               "ist allein der deutsche Text.", italic=True, size=9, after=0)
        w.para(target["hint"], italic=True, size=9, rtl=rtl, after=6)
    w.para("{{ letter.salutation }}", after=6)
    w.body(de["body"])
    w.para(common["closing"], after=0)
    w.para(common["on_behalf"], after=0)
    w.para("{{ letter.caseworker }}")

    if language != "de":
        target, translated = COMMON[language], texts[language]
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        w.para(target["heading"], bold=True, size=12, rtl=rtl, after=2)
        w.para(f"Übersetzung ins {target['adjective_de']} – rechtlich verbindlich ist allein der deutsche Text.",
               italic=True, size=9, after=0)
        w.para(target["binding"], italic=True, size=9, rtl=rtl, after=12)
        w.para(translated["subject"], bold=True, rtl=rtl, after=6)
        w.para("{{ letter.salutation_translation }}", rtl=rtl)
        w.body(translated["body"], rtl=rtl)
        w.para(target["closing"], rtl=rtl, after=0)
        w.para(target["on_behalf"], rtl=rtl, after=0)
        w.para("{{ letter.caseworker }}", rtl=rtl)

    buffer = io.BytesIO()
    doc.save(buffer)
    return _normalize_zip(buffer.getvalue())


def _normalize_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps so that a rebuild is byte-identical."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def placeholders_of(docx_bytes: bytes) -> set[str]:
    env = engine.make_environment()
    names = set()
    for source in engine.template_sources(docx_bytes):
        names.update(name for name, _line in placeholder_references(env.parse(source.xml)))
    return names


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def manifest_text(template_id: str, languages: list[str], placeholders: set[str]) -> str:
    manifest, _texts = TEMPLATES[template_id]
    lines = [
        "# Generated by letters/build.py; edit the texts there (or edit the DOCX and this file by hand).",
        f"id = {_toml_string(template_id)}",
        f"title = {_toml_string(manifest['title'])}",
        f"letter_type = {_toml_string(manifest['letter_type'])}",
        f"legal_basis = {_toml_string(manifest['legal_basis'])}",
        f"requires_case = {'true' if manifest['requires_case'] else 'false'}",
        *([f"eligibility_basis = {_toml_string(manifest['eligibility_basis'])}"]
          if manifest.get("eligibility_basis") else []),
        "case_types = [" + ", ".join(_toml_string(c) for c in manifest["case_types"]) + "]",
        "languages = [" + ", ".join(_toml_string(lang) for lang in languages) + "]",
        "placeholders = [",
        *[f"    {_toml_string(name)}," for name in sorted(placeholders)],
        "]",
    ]
    return "\n".join(lines) + "\n"


def build_all() -> dict[Path, bytes]:
    files: dict[Path, bytes] = {}
    for template_id, (_manifest, texts) in TEMPLATES.items():
        languages = ["de", *[lang for lang in COMMON if lang != "de" and lang in texts]]
        names: set[str] = set()
        for language in languages:
            data = build_document(template_id, language)
            names |= placeholders_of(data)
            files[HERE / template_id / f"{language}.docx"] = data
        files[HERE / template_id / "manifest.toml"] = manifest_text(template_id, languages, names).encode("utf-8")
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the committed files")
    args = parser.parse_args()
    files = build_all()
    stale = [path for path, data in files.items() if not path.exists() or path.read_bytes() != data]
    if args.check:
        for path in stale:
            print(f"veraltet: {path.relative_to(HERE.parent)}")
        return 1 if stale else 0
    for path in stale:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[path])
        print(f"geschrieben: {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
