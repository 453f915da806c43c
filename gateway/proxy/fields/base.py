"""The canonical view of a request: every string the provider will receive, as fields.

A request's text is not only its messages: tool descriptions and JSON schemas, response
formats, predictions, metadata, ``user``, image URLs, documents, thinking blocks, and any
field a provider added last month all reach the model or its logs. A :class:`Field` is one
of those strings (a value, or the name of a free-form key), with where it sits (``path``)
and the role the policies read it under. The scan, the policy content matchers and the
record all read the same :class:`RequestView`; redaction writes each field back in place.

The walk (:mod:`.walker`) is total: a field the gateway does not know is scanned as text
under the role of its place, and a long JSON number (an identifier typed as an integer) as
the digits the provider receives, so nothing reaches a provider unscanned (refusing unknown
fields would break every client the day its provider adds a parameter). What is not
scanned, on purpose: ``model`` (replaced by the catalogue's upstream model), a message's
``role`` (checked by the schema), the names of known API fields, opaque identifiers the
providers issue (``call_…``, ``toolu_…``) and thinking signatures, which must come back
byte for byte, and files (base64 images, audio, video, other binaries: not text; a
``text/*`` base64 document is decoded, scanned and re-encoded; the text of a PDF, an office
document or a picture is read and scanned, :mod:`.attachments`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import orjson

from gateway.proxy.fields.attachments import Attachment, described
from gateway.text.ocr import Ocr

# Files of one request read at once (:meth:`RequestView.read_attachments`).
_READERS = 8


@dataclass(slots=True)
class Field:
    """One string inside the request body: ``container[key]``, read and rewritten in place."""

    container: Any  # the dict or list holding the string
    key: Any  # its key or index there
    role: str  # the message role the policies read it under
    path: str  # where it is, for messages and tests: ``tools[0].function.description``

    @property
    def text(self) -> str:
        value = self.container[self.key]
        return value if isinstance(value, str) else ""

    def write(self, text: str) -> None:
        self.container[self.key] = text


@dataclass(slots=True)
class KeyField(Field):
    """The name of a free-form key (a JSON-schema property, a metadata key): renaming it
    keeps the object's order, and never overwrites a sibling of the same new name."""

    @property
    def text(self) -> str:
        return str(self.key)

    def write(self, text: str) -> None:
        if text == self.key or self.key not in self.container:
            return
        new, n = text, 1
        while new in self.container:
            n += 1
            new = f"{text}~{n}"
        items = [(new if k == self.key else k, v) for k, v in self.container.items()]
        self.container.clear()
        self.container.update(items)
        self.key = new


@dataclass(slots=True)
class OpaqueField(Field):
    """A provider's identifier or sealed material (a tool call's id, a thinking block's
    signature), sent back byte for byte: scanned all the same, for what a policy blocks
    only (a NIR passed off as ``call_269054958815780``); anything else it seems to hold
    is left as written (:func:`gateway.proxy.guard.clear`)."""


@dataclass(slots=True)
class NumberField(Field):
    """A JSON number long enough to be an identifier (a NIR or a card number typed as an
    integer in a tool's input, a schema's ``enum`` or ``default``, metadata): the model
    reads its digits as it reads text. Scanned as the provider receives it written; a
    redacted one is written back as a string."""

    @property
    def text(self) -> str:
        return _number_text(self.container[self.key])


def _number_text(value: float) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # an integer past 64 bits (the lenient parser keeps them whole)
        return str(value)


@dataclass(slots=True)
class Base64TextField(Field):
    """A text document sent base64-encoded (a data URL or a ``base64`` source): scanned
    decoded, written back as UTF-8 base64 when redacted (a data URL's charset says so)."""

    prefix: str = ""
    decoded: str = ""

    @property
    def text(self) -> str:
        return self.decoded

    def write(self, text: str) -> None:
        self.decoded = text
        self.container[self.key] = self.prefix + base64.b64encode(text.encode()).decode()


@dataclass(slots=True)
class FileTextField(Field):
    """The text of a PDF or an office document the request carries (:mod:`.attachments`):
    scanned as text once read; when redacted, the provider receives a PDF of that text."""

    attachment: Attachment | None = None

    @property
    def text(self) -> str:
        return (self.attachment.text or "") if self.attachment is not None else ""

    def write(self, text: str) -> None:
        if self.attachment is not None:
            self.attachment.rewrite(text)


# The role of the entry that carries, in the record, what a request holds besides its
# messages (tools, response format, metadata...).
REQUEST_ROLE = "request"
_TOP = re.compile(r"[^.\[#]*")


def _top(path: str) -> str:
    """The body member a field's path starts in (``tools`` for ``tools[0].name``)."""
    found = _TOP.match(path)
    return found.group() if found else path


@dataclass(slots=True)
class RequestView:
    """A request body and every text-bearing field in it, for one API shape.

    ``messages`` builds the recorded prompt's message list from the body (read when the
    prompt is asked for, so it holds what redaction wrote); ``main`` names the body's
    members that list already shows, the rest goes in one last ``request`` entry when any
    of it carries text.
    """

    shape: str
    body: dict[str, Any]
    fields: list[Field]
    tool_names: list[str]
    main: frozenset[str]
    # The record's message part, built from the body: a message list, or an input.
    messages: Callable[[dict[str, Any]], Any] | None = None
    # The files it carries or names (:mod:`.attachments`).
    attachments: list[Attachment] = field(default_factory=list)

    def texts(self) -> list[tuple[str, str]]:
        """``(role, text)`` of every field: what the policies' content rules read."""
        return [(f.role, f.text) for f in self.fields]

    def write(self, texts: list[str]) -> None:
        """Write redacted texts back, one per field; keys renamed last (a renamed key
        would hide the values written through it)."""
        pairs = list(zip(self.fields, texts, strict=True))
        for item, text in pairs:
            if not isinstance(item, KeyField) and text != item.text:
                item.write(text)
        for item, text in pairs:
            if isinstance(item, KeyField) and text != item.text:
                item.write(text)

    def record(self) -> Any:
        """What the record keeps of the request, as the provider receives it."""
        main = self.messages(self.body) if self.messages is not None else []
        if all(_top(f.path) in self.main for f in self.fields):
            return main
        rest = {k: v for k, v in self.body.items() if k not in self.main and k != "model"}
        listed = main if isinstance(main, list) else [main]
        return [*listed, {"role": REQUEST_ROLE, "content": rest}]

    def prompt(self) -> str:
        """:meth:`record` as JSON: the record's ``prompt``; a file is described there,
        never kept (:func:`.attachments.described`)."""
        if not self.attachments:
            return orjson.dumps(self.record()).decode()
        with described(self.attachments):
            return orjson.dumps(self.record()).decode()

    def unread(self) -> bool:
        """Whether the request carries a file whose text is still to be read."""
        return any(item.has_text and item.text is None and item.complete
                   for item in self.attachments)

    def read_attachments(self, ocr: Ocr | None = None) -> None:
        """Read the text of the files it carries (blocking: in a thread); pictures and
        scanned pages only with ``ocr``. Several files are read at once: three
        screenshots take the time of one where OCR has the cores (:mod:`gateway.text.ocr`
        bounds its processes); parsing PDFs holds the GIL and gains nothing, loses little."""
        files = [item for item in self.attachments if item.has_text]
        if len(files) < 2:
            for item in files:
                item.read(ocr)
            return
        with ThreadPoolExecutor(min(len(files), _READERS), "files") as readers:
            list(readers.map(lambda item: item.read(ocr), files))  # raises what they raise
