"""The template library in ``letters/``: one folder per template with ``manifest.toml`` and one DOCX per
language (``de.docx`` German only, ``en.docx`` German binding + English translation, ...).

:func:`check_library` is what ``ebh letters check`` runs and what every batch runs before it starts:
Jinja syntax (file and paragraph line), placeholders outside the catalogue, placeholders the manifest does
not declare, missing language versions, RTL settings and a test render with the catalogue's examples.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import io
import re
import tomllib
import zipfile
from pathlib import Path

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import TemplateError

from ebh.letters import engine
from ebh.letters.fields import BY_NAME, INPUT_FIELDS, LANGUAGES, RTL_LANGUAGES, demo_context, input_names

LETTER_TYPES = {
    "information": "Information (Kampagne)",
    "duty_to_inform": "Hinweis (Hinweispflicht)",
    "document_request": "Anforderung von Unterlagen",
    "acknowledgment": "Eingangsbestätigung",
    "invitation": "Einladung",
}
#: Language versions every shipped template must have.
REQUIRED_LANGUAGES = ("de", "en", "tr", "ar", "fa", "ru", "uk")
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,48}$")


@dataclasses.dataclass(frozen=True)
class Problem:
    """A template problem; ``line`` is the number of the paragraph in the DOCX part (1 = first)."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclasses.dataclass(frozen=True)
class LetterTemplate:
    id: str
    title: str
    letter_type: str
    languages: tuple[str, ...]
    placeholders: frozenset[str]
    legal_basis: str
    case_types: tuple[str, ...]
    requires_case: bool
    folder: Path
    #: Rule id whose result fills the eligibility.* fields (else the case's own legal basis).
    eligibility_basis: str | None = None

    def path(self, language: str) -> Path:
        return self.folder / f"{language}.docx"

    def docx_bytes(self, language: str) -> bytes:
        return self.path(language).read_bytes()

    def version(self, language: str) -> str:
        """sha256 over the DOCX of the language and the manifest: the version recorded in the letter log."""
        digest = hashlib.sha256(self.docx_bytes(language))
        digest.update(b"\0")
        digest.update((self.folder / "manifest.toml").read_bytes())
        return digest.hexdigest()

    @property
    def input_fields(self) -> list:
        return [f for f in INPUT_FIELDS if f.name in input_names(self.placeholders)]

    def applies_to(self, case_type: str | None) -> bool:
        if case_type is None:
            return not self.requires_case
        return not self.case_types or case_type in self.case_types


class TemplateNotFound(LookupError):
    pass


def _load_manifest(folder: Path) -> tuple[LetterTemplate | None, list[Problem]]:
    path = folder / "manifest.toml"
    rel = f"{folder.name}/manifest.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return None, [Problem(rel, None, f"Manifest nicht lesbar: {exc}")]
    problems = []
    for key in ("id", "title", "letter_type", "languages", "placeholders"):
        if key not in data:
            problems.append(Problem(rel, None, f"Pflichtangabe „{key}“ fehlt."))
    if problems:
        return None, problems
    if data["id"] != folder.name or not _ID_RE.match(str(data["id"])):
        problems.append(Problem(rel, None, f"id „{data['id']}“ muss dem Ordnernamen „{folder.name}“ entsprechen "
                                           "(Kleinbuchstaben, Ziffern, _)."))
    if data["letter_type"] not in LETTER_TYPES:
        problems.append(Problem(rel, None, f"Unbekannter letter_type „{data['letter_type']}“ "
                                           f"(erlaubt: {', '.join(LETTER_TYPES)})."))
    for language in data["languages"]:
        if language not in LANGUAGES:
            problems.append(Problem(rel, None, f"Unbekannte Sprache „{language}“."))
    for name in data["placeholders"]:
        if name not in BY_NAME:
            problems.append(Problem(rel, None, f"Platzhalter „{name}“ steht nicht im Feldkatalog."))
    template = LetterTemplate(
        id=str(data["id"]), title=str(data["title"]), letter_type=str(data["letter_type"]),
        languages=tuple(data["languages"]), placeholders=frozenset(data["placeholders"]),
        legal_basis=str(data.get("legal_basis", "")), case_types=tuple(data.get("case_types", ())),
        requires_case=bool(data.get("requires_case", False)), folder=folder,
        eligibility_basis=data.get("eligibility_basis") or None,
    )
    return template, problems


def load_library(letters_dir: str | Path) -> dict[str, LetterTemplate]:
    """All templates whose manifest loads (problems are reported by :func:`check_library`)."""
    result = {}
    for folder in sorted(Path(letters_dir).iterdir()):
        if folder.is_dir() and (folder / "manifest.toml").exists():
            template, _ = _load_manifest(folder)
            if template is not None:
                result[template.id] = template
    return result


def get_template(letters_dir: str | Path, template_id: str) -> LetterTemplate:
    template = load_library(letters_dir).get(template_id)
    if template is None:
        raise TemplateNotFound(f"Briefvorlage „{template_id}“ gibt es nicht.")
    return template


def check_library(letters_dir: str | Path, only: str | None = None,
                  required_languages: tuple[str, ...] = REQUIRED_LANGUAGES) -> list[Problem]:
    """Validate every template (or only ``only``); an empty list means all is well."""
    problems: list[Problem] = []
    folders = [f for f in sorted(Path(letters_dir).iterdir()) if f.is_dir() and (f / "manifest.toml").exists()]
    if only is not None:
        folders = [f for f in folders if f.name == only]
        if not folders:
            return [Problem(only, None, "Briefvorlage nicht gefunden.")]
    for folder in folders:
        template, manifest_problems = _load_manifest(folder)
        problems += manifest_problems
        if template is None:
            continue
        for language in required_languages:
            if language not in template.languages:
                problems.append(Problem(f"{folder.name}/manifest.toml", None,
                                        f"Sprachfassung „{language}“ ({LANGUAGES[language]}) fehlt im Manifest."))
        for language in template.languages:
            if not template.path(language).exists():
                problems.append(Problem(f"{folder.name}/{language}.docx", None,
                                        f"Sprachfassung „{language}“ fehlt (Datei nicht vorhanden)."))
                continue
            problems += check_docx(template, language)
        for extra in sorted(folder.glob("*.docx")):
            if extra.stem not in template.languages:
                problems.append(Problem(f"{folder.name}/{extra.name}", None,
                                        "Datei ist keiner Sprache des Manifests zugeordnet."))
    return problems


def check_docx(template: LetterTemplate, language: str) -> list[Problem]:
    return list(_check_docx_cached(template.path(language), template.version(language), template.placeholders,
                                   language in RTL_LANGUAGES, language))


@functools.lru_cache(maxsize=256)
def _check_docx_cached(path: Path, version: str, declared: frozenset[str], rtl: bool,
                       language: str) -> tuple[Problem, ...]:
    rel = f"{path.parent.name}/{path.name}"
    try:
        data = path.read_bytes()
        sources = engine.template_sources(data)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return (Problem(rel, None, f"Keine lesbare DOCX-Datei: {exc}"),)
    problems: list[Problem] = []
    env = engine.make_environment()
    for source in sources:
        where = rel if source.part == engine.DOCUMENT_PART else f"{rel} ({source.part})"
        try:
            ast = env.parse(source.xml)
            env.from_string(source.xml)  # also catches unknown filters and tests
        except TemplateSyntaxError as exc:
            problems.append(Problem(where, _paragraph(exc.lineno),
                                    f"Jinja-Syntaxfehler: {exc.message} – „{_line_text(source.xml, exc.lineno)}“"))
            continue
        except TemplateError as exc:
            problems.append(Problem(where, _paragraph(getattr(exc, "lineno", None)), f"Jinja-Fehler: {exc}"))
            continue
        for name, jinja_line in placeholder_references(ast):
            line = _paragraph(jinja_line)
            if name.startswith("!"):
                problems.append(Problem(where, line, name[1:]))
            elif name not in BY_NAME:
                problems.append(Problem(where, line, f"Platzhalter „{name}“ steht nicht im Feldkatalog."))
            elif name not in declared:
                problems.append(Problem(where, line, f"Platzhalter „{name}“ ist im Manifest nicht deklariert."))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode("utf-8") if "docProps/core.xml" in archive.namelist() else ""
        document = archive.read(engine.DOCUMENT_PART).decode("utf-8")
    if "{{" in core or "{%" in core:
        problems.append(Problem(f"{rel} (Dokumenteigenschaften)", None,
                                "Platzhalter in den Dokumenteigenschaften werden nicht unterstützt."))
    if rtl and ("<w:bidi/>" not in document or "<w:rtl/>" not in document):
        problems.append(Problem(rel, None, "Rechts-nach-links-Sprache ohne w:bidi/w:rtl im Dokument."))
    if not problems:
        try:
            engine.CompiledTemplate(data, env).render(demo_context(language))
        except Exception as exc:  # noqa: BLE001 - any failure of the test render is a template problem
            problems.append(Problem(rel, getattr(exc, "lineno", None), f"Probedruck fehlgeschlagen: {exc}"))
    return tuple(problems)


def _paragraph(lineno: int | None) -> int | None:
    """Jinja line → paragraph number: line 1 holds the part's opening tag, line n+1 paragraph n."""
    return max(1, lineno - 1) if lineno else None


def _line_text(xml: str, lineno: int | None) -> str:
    if not lineno:
        return ""
    lines = xml.splitlines()
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1]) if 0 < lineno <= len(lines) else ""
    return text[:120]


def placeholder_references(ast: nodes.Template) -> list[tuple[str, int]]:
    """Dotted field names (``person.full_name``) referenced in a parsed template, with line numbers.

    Loop variables over a list field resolve to that field (``doc.label`` in ``for doc in
    documents.missing`` is checked against the field's item attributes). Forbidden constructs (the
    ``safe`` filter, which would bypass escaping) come back as ``"!<German message>"``.
    """
    found: list[tuple[str, int]] = []
    _walk(ast, {}, found)
    return found


def _dotted(node: nodes.Node) -> list[str] | None:
    parts = []
    while isinstance(node, nodes.Getattr):
        parts.append(node.attr)
        node = node.node
    if isinstance(node, nodes.Name):
        parts.append(node.name)
        return list(reversed(parts))
    return None


def _walk(node: nodes.Node, loop_vars: dict[str, str], found: list[tuple[str, int]]) -> None:
    if isinstance(node, nodes.For):
        _walk(node.iter, loop_vars, found)
        inner = dict(loop_vars)
        iterated = _dotted(node.iter)
        targets = [node.target] if isinstance(node.target, nodes.Name) else list(getattr(node.target, "items", []))
        for target in targets:
            if isinstance(target, nodes.Name):
                inner[target.name] = ".".join(iterated) if iterated else "?"
        inner["loop"] = "loop"
        for child in [*node.body, *node.else_, *([node.test] if node.test else [])]:
            _walk(child, inner, found)
        return
    if isinstance(node, nodes.Filter) and node.name == "safe":
        found.append(("!Filter „safe“ ist nicht erlaubt (hebt das Escaping auf).", node.lineno))
    if isinstance(node, (nodes.Getattr, nodes.Name)) and not (isinstance(node, nodes.Name) and node.ctx == "store"):
        parts = _dotted(node)
        if parts is not None:
            found.extend(_resolve(parts, loop_vars, node.lineno))
            return
    for child in node.iter_child_nodes():
        _walk(child, loop_vars, found)


def _resolve(parts: list[str], loop_vars: dict[str, str], line: int) -> list[tuple[str, int]]:
    head = parts[0]
    if head == "loop" and loop_vars.get("loop") == "loop":
        return []
    if head in loop_vars:
        field = BY_NAME.get(loop_vars[head])
        if field is None:
            return []
        if len(parts) > 1 and parts[1] not in field.item_fields:
            return [(f"{field.name}.{parts[1]}", line)]
        return []
    if len(parts) == 1:
        return [(head, line)]
    return [(".".join(parts[:2]), line)]
