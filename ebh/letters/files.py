"""Files of the letters domain: atomic writes, PDF conversion with LibreOffice, the batch print file.

Every file is written to a temporary name in its target folder, fsynced and renamed, and the folder is
fsynced too. A crash or a full disk therefore leaves either the old state or the complete file, and the
caller adds the log row only after the write returned.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from typing import Any

from ebh.letters import engine
from ebh.letters.engine import DOCUMENT_PART


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` durably: temp file, fsync, rename, fsync of the folder."""
    write_file(path, data, durable=True)


def write_file(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write via a temp file and rename. ``durable=False`` skips the fsyncs: the batch worker calls
    ``os.sync()`` once per chunk instead, before it commits the chunk's log rows."""
    with atomic_path(path, durable=durable) as tmp, open(tmp, "wb") as handle:
        handle.write(data)


@contextlib.contextmanager
def atomic_path(path: Path, *, durable: bool = True) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is fsynced and renamed to ``path``.
    On any error the temporary file is removed and ``path`` is untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield tmp
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if durable:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- batch rendering (runs in pool processes: no Flask, no database) ---------------------------------------

_TEMPLATES: dict[str, engine.CompiledTemplate] = {}


def render_task(task: tuple[int, str, str, dict[str, Any], str]) -> tuple[int, str, int, str]:
    """Render one letter to ``target`` without fsync (the batch worker syncs per chunk).
    ``task`` = (item id, template DOCX path, its sha256, context, target); returns (item id, sha256,
    size, German error or "")."""
    item_id, docx_path, sha256, context, target = task
    try:
        template = _TEMPLATES.get(sha256)
        if template is None:
            data = Path(docx_path).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha256:
                return item_id, "", 0, "Briefvorlage wurde während des Laufs geändert"
            template = _TEMPLATES[sha256] = engine.CompiledTemplate(data)
        docx = template.render(context)
        write_file(Path(target), docx, durable=False)
        return item_id, hashlib.sha256(docx).hexdigest(), len(docx), ""
    except Exception as exc:  # noqa: BLE001 - one broken letter goes to the error list, not the batch
        return item_id, "", 0, f"Brief konnte nicht erstellt werden: {type(exc).__name__}: {exc}"[:300]


# --- PDF -----------------------------------------------------------------------------------------------

class PdfUnavailable(RuntimeError):
    """No PDF can be made; the German message says why (shown in the UI)."""


def find_soffice(setting: str, mode: str = "auto") -> str | None:
    """The LibreOffice executable, or None if PDFs are switched off or LibreOffice is not installed."""
    if mode == "off":
        return None
    return shutil.which(setting)


def pdf_unavailable_reason(setting: str, mode: str) -> str:
    if mode == "off":
        return "PDF-Erzeugung ist in der Konfiguration abgeschaltet (EBH_LETTERS_PDF=off); es wird nur DOCX erzeugt."
    return (f"LibreOffice („{setting}“) ist auf dem Server nicht installiert; es wird nur DOCX erzeugt. "
            "Für PDF bitte das Paket libreoffice-writer installieren.")


def convert_to_pdf(soffice: str, docx_path: Path, timeout: int = 600) -> Path:
    """Convert with ``soffice --headless``; each conversion gets its own user profile so that parallel
    conversions do not block each other (LibreOffice bug 37531). Returns the PDF next to the DOCX."""
    with tempfile.TemporaryDirectory(prefix="ebh-lo-") as work:
        profile = Path(work) / f"lo-{uuid.uuid4().hex}"
        out_dir = Path(work) / "out"
        command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(out_dir), str(docx_path)]
        try:
            result = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"PDF-Umwandlung mit LibreOffice fehlgeschlagen: {exc}") from exc
        produced = out_dir / (docx_path.stem + ".pdf")
        if result.returncode != 0 or not produced.exists():
            raise PdfUnavailable("PDF-Umwandlung mit LibreOffice fehlgeschlagen (Exit-Code "
                                 f"{result.returncode}).")
        target = docx_path.with_suffix(".pdf")
        with atomic_path(target) as tmp:
            shutil.copyfile(produced, tmp)
        return target


# --- Batch print file (merged DOCX) ------------------------------------------------------------------

_PAGE_BREAK = '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def package_shell_key(docx_path: Path) -> str:
    """Hash of every part except the document body: letters with equal keys can share one package."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(docx_path) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            if info.filename == DOCUMENT_PART or info.filename.startswith("docProps/"):
                continue
            digest.update(info.filename.encode())
            digest.update(info.CRC.to_bytes(4, "little"))
    return digest.hexdigest()


def _split_document(xml: str) -> tuple[str, str, str]:
    """(head up to and including <w:body ...>, body content without the final sectPr, final sectPr + tail)."""
    body_open = xml.index("<w:body")
    body_start = xml.index(">", body_open) + 1
    sect = xml.rfind("<w:sectPr")
    body_end = xml.rindex("</w:body>")
    if sect < body_start:
        sect = body_end
    return xml[:body_start], xml[body_start:sect], xml[sect:]


def merge_docx(paths: Iterable[Path], target: Path) -> int:
    """Concatenate letters that share one package (see :func:`package_shell_key`) into one DOCX, each
    letter starting on a new page. Streams, so memory does not grow with the number of letters.
    Returns the number of letters merged."""
    paths = iter(paths)
    first = next(paths, None)
    if first is None:
        return 0
    count = 0
    with atomic_path(target) as tmp, zipfile.ZipFile(first) as template, \
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        head, _body, tail = _split_document(template.read(DOCUMENT_PART).decode("utf-8"))
        for info in template.infolist():
            if info.filename != DOCUMENT_PART:
                out.writestr(info, template.read(info.filename))
        with out.open(DOCUMENT_PART, "w", force_zip64=True) as stream:
            stream.write(head.encode("utf-8"))
            for path in [first, *paths]:
                with zipfile.ZipFile(path) as letter:
                    _head, body, _tail = _split_document(letter.read(DOCUMENT_PART).decode("utf-8"))
                if count:
                    stream.write(_PAGE_BREAK.encode("utf-8"))
                stream.write(body.encode("utf-8"))
                count += 1
            stream.write(tail.encode("utf-8"))
    return count
