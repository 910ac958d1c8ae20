"""Rendering DOCX letter templates: docxtpl semantics, compiled once per template.

docxtpl renders a letter by opening the DOCX with python-docx, serialising the body to a string,
patching it (``patch_xml``: Jinja tags split over runs, ``{%p %}`` paragraph tags ...), rendering it with
Jinja, parsing it back and saving the whole package again. All of that except the Jinja rendering is
the same for every letter of a template, and saving re-serialises ~800 kB of unchanged styles.

:class:`CompiledTemplate` does the template-dependent work once: it runs docxtpl's own ``patch_xml`` on
every part docxtpl renders (body, headers, footers, footnotes) and compiles the result with the
sandboxed environment. Per letter it only renders those strings, applies docxtpl's post-processing and
writes a ZIP in which every unchanged part is copied as its already-compressed bytes. The text content
is identical to docxtpl's output (``tests/letters/test_engine.py`` compares both).

This module imports neither Flask nor the database, so batch worker processes stay small.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from typing import Any

from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"
DOCUMENT_PART = "word/document.xml"
_HEADER_FOOTER_RE = re.compile(r"^word/(header|footer|footnotes)\d*\.xml$")
_TAG_RE = re.compile(r"\{\{|\{%|\{#")
_XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment every letter is rendered with: sandboxed, autoescaped, strict."""
    return SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)


def _docxtpl():
    from docxtpl import DocxTemplate

    return DocxTemplate


@dataclasses.dataclass(frozen=True)
class TemplateSource:
    """The patched Jinja XML of one renderable part; ``line`` numbers are paragraph numbers."""

    part: str
    xml: str


def template_sources(docx_bytes: bytes) -> list[TemplateSource]:
    """The Jinja sources docxtpl would render for this DOCX, in docxtpl's exact preprocessing.

    The body is prefixed with a newline before each paragraph (as docxtpl's ``render_xml_part`` does),
    so a Jinja line number is the number of the paragraph in the part.
    """
    from docx.opc.oxml import parse_xml

    tpl = _docxtpl()(io.BytesIO(docx_bytes))
    tpl.init_docx()
    sources = [TemplateSource(DOCUMENT_PART, _mark_paragraphs(tpl.patch_xml(tpl.get_xml())))]
    package = tpl.docx.part.package
    for part in package.parts:
        name = str(part.partname).lstrip("/")
        if _HEADER_FOOTER_RE.match(name):
            xml = tpl.xml_to_string(parse_xml(part.blob))
            sources.append(TemplateSource(name, _mark_paragraphs(tpl.patch_xml(xml))))
    return sources


def _mark_paragraphs(xml: str) -> str:
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)


def _unmark(xml: str) -> str:
    """docxtpl's post-processing of a rendered part (``render_xml_part`` + ``resolve_listing``)."""
    xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if any(ch in xml for ch in "\t\a\n\f"):
        # Only then can resolve_listing change anything; it is a slow regex pass over every paragraph.
        xml = _docxtpl().resolve_listing(None, xml)
    return xml


class _RawEntry:
    """A ZIP member copied verbatim: local header + compressed data, and its central directory record."""

    __slots__ = ("local", "central_fields")

    def __init__(self, name: bytes, crc: int, compressed: bytes, size: int, method: int, dostime: int,
                 dosdate: int) -> None:
        self.local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, dostime, dosdate, crc,
                                 len(compressed), size, len(name), 0) + name + compressed
        self.central_fields = (name, crc, len(compressed), size, method, dostime, dosdate)


def _raw_entry(name: str, data: bytes, dostime: int, dosdate: int) -> _RawEntry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    compressed = compressor.compress(data) + compressor.flush()
    return _RawEntry(name.encode("ascii"), zlib.crc32(data) & 0xFFFFFFFF, compressed, len(data), 8, dostime,
                     dosdate)


def _write_zip(entries: Iterable[_RawEntry]) -> bytes:
    out = io.BytesIO()
    central = []
    for entry in entries:
        offset = out.tell()
        out.write(entry.local)
        name, crc, csize, size, method, dostime, dosdate = entry.central_fields
        central.append(struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, dostime, dosdate, crc,
                                   csize, size, len(name), 0, 0, 0, 0, 0, offset) + name)
    start = out.tell()
    for record in central:
        out.write(record)
    end = out.tell()
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


class CompiledTemplate:
    """A DOCX template prepared for fast rendering; see the module docstring."""

    def __init__(self, docx_bytes: bytes, env: SandboxedEnvironment | None = None) -> None:
        self.docx_bytes = docx_bytes
        self.sha256 = hashlib.sha256(docx_bytes).hexdigest()
        env = env or make_environment()
        sources = {s.part: s.xml for s in template_sources(docx_bytes)}
        # A fixed timestamp keeps the output a pure function of template and data.
        dostime, dosdate = 0, (2020 - 1980) << 9 | 1 << 5 | 1
        self._stamp = (dostime, dosdate)
        self._parts: list[tuple[str, Any]] = []  # (name, _RawEntry | (prefix, template, suffix))
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
            for info in archive.infolist():
                data = archive.read(info.filename)
                source = sources.get(info.filename)
                if source is None or not _TAG_RE.search(source):
                    self._parts.append((info.filename, _raw_entry(info.filename, data, dostime, dosdate)))
                    continue
                if info.filename == DOCUMENT_PART:
                    text = data.decode("utf-8")
                    start = text.index("<w:body")
                    end = text.rindex("</w:body>") + len("</w:body>")
                    prefix, suffix = text[:start], text[end:]
                else:
                    prefix, suffix = _XML_DECLARATION, ""
                self._parts.append((info.filename, (prefix, env.from_string(source), suffix)))
        self._has_tables = "<w:tbl" in sources[DOCUMENT_PART]
        self._has_drawings = "docPr" in sources[DOCUMENT_PART]

    def render_parts(self, context: dict[str, Any]) -> dict[str, str]:
        """The rendered XML of each part that has placeholders (for previews and tests)."""
        rendered = {}
        for name, part in self._parts:
            if isinstance(part, tuple):
                prefix, template, suffix = part
                body = _unmark(template.render(context))
                if name == DOCUMENT_PART and (self._has_tables or self._has_drawings):
                    body = self._fix_tree(body)
                rendered[name] = prefix + body + suffix
        return rendered

    def render(self, context: dict[str, Any]) -> bytes:
        """Render one letter and return the DOCX bytes."""
        rendered = self.render_parts(context)
        dostime, dosdate = self._stamp
        entries = [
            part if isinstance(part, _RawEntry) else _raw_entry(name, rendered[name].encode("utf-8"), dostime,
                                                                dosdate)
            for name, part in self._parts
        ]
        return _write_zip(entries)

    @staticmethod
    def _fix_tree(body: str) -> str:
        """docxtpl's table-grid and drawing-id fixes, needed only when the body has tables or drawings."""
        tpl = _docxtpl()
        tree = tpl.fix_tables(None, body)
        counter = tpl.__new__(tpl)
        counter.docx_ids_index = 1000
        tpl.fix_docpr_ids(counter, tree)
        return etree.tostring(tree, encoding="unicode")


def render_docxtpl(docx_bytes: bytes, context: dict[str, Any]) -> bytes:
    """The reference rendering: a new docxtpl ``DocxTemplate`` per letter (the benchmark's baseline)."""
    tpl = _docxtpl()(io.BytesIO(docx_bytes))
    tpl.render(context, make_environment(), autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


@dataclasses.dataclass(frozen=True)
class PreviewParagraph:
    text: str
    rtl: bool
    bold: bool
    page_break: bool


def paragraphs(docx_bytes: bytes) -> list[PreviewParagraph]:
    """The paragraphs of a rendered letter with direction, for the HTML preview and the tests."""
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
        root = etree.fromstring(archive.read(DOCUMENT_PART))
    result = []
    for p in root.iter(f"{_W}p"):
        texts, bold = [], False
        page_break = False
        for node in p.iter(f"{_W}t", f"{_W}br", f"{_W}tab", f"{_W}b"):
            if node.tag == f"{_W}t":
                texts.append(node.text or "")
            elif node.tag == f"{_W}br":
                if node.get(f"{_W}type") == "page":
                    page_break = True
                else:
                    texts.append("\n")
            elif node.tag == f"{_W}tab":
                texts.append("\t")
            elif node.tag == f"{_W}b" and node.get(f"{_W}val") not in ("0", "false"):
                bold = True
        result.append(PreviewParagraph("".join(texts), p.find(f"{_W}pPr/{_W}bidi") is not None, bold, page_break))
    return result


def document_text(docx_bytes: bytes) -> str:
    return "\n".join(p.text for p in paragraphs(docx_bytes))
