"""What the gateway rewrites in an answer keeps the answer's shape.

The provider writes ``<EMAIL_ADDRESS_1>`` (the gateway puts the address back, longer) and
a NIR of its own (masked, shorter). Its citations' offsets count in the text it wrote:
the employee must get offsets into the text they read (a citation after a replacement
moves by the difference, one that began or ended inside a replaced value covers its
replacement whole), on chat (``message.annotations``, streamed in a delta) and Responses
(``output_text.annotations``, streamed as ``annotation.added`` events), whole and
streamed, cut anywhere. An answer asked as JSON (``response_format``, ``text.format``)
stays valid JSON; Anthropic citations quote the documents with their values back.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from gateway.proxy.answer_events import ResponsesEventScreen
from gateway.proxy.anthropic_content import restore_message
from gateway.proxy.citations import DocumentPositions
from gateway.proxy.fields import messages_view
from gateway.proxy.restore import ChunkRestorer, restore_reply
from gateway.redaction import Action, Finding, Pseudonymizer, RedactionConfig
from gateway.redaction.answers import AnswerPolicy
from tests.conftest import Databases, Gateway
from tests.core._answers import masking_policies
from tests.fakes.scripted import ScriptedAnthropic, ScriptedProvider
from tests.hardening._helpers import own_gateway

EMAIL = "marie.curie@exemple.fr"
PLACEHOLDER = "<EMAIL_ADDRESS_1>"
NIR = "2 69 05 49 588 157 80"
WRITTEN = f"Selon {PLACEHOLDER}, le NIR {NIR} est faux. Source : exemple."
READ = f"Selon {EMAIL}, le NIR <FR_NIR> est faux. Source : exemple."
ASKED = f"Que dit {EMAIL} ?"


def _at(text: str, needle: str, shrink: int = 0) -> tuple[int, int]:
    start = text.index(needle)
    return start + shrink, start + len(needle) - shrink


# What the provider cites (in WRITTEN), and where the employee must find it (in READ).
SPANS = [
    (_at(WRITTEN, "Source"), _at(READ, "Source")),  # after both replacements
    (_at(WRITTEN, PLACEHOLDER, shrink=3), _at(READ, EMAIL)),  # inside the placeholder
    (_at(WRITTEN, NIR), _at(READ, "<FR_NIR>")),  # the masked identifier itself
    ((0, len(WRITTEN)), (0, len(READ))),  # the whole text
]


@pytest.fixture(scope="module")
def scripted_anthropic() -> Iterator[ScriptedAnthropic]:
    with ScriptedAnthropic() as fake:
        yield fake


@pytest.fixture(scope="module")
def rewriting(databases: Databases, scripted: ScriptedProvider,
              scripted_anthropic: ScriptedAnthropic,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """Personal data pseudonymized (the bundled policies), NIRs in answers masked."""
    tmp = tmp_path_factory.mktemp("citations")
    policies = masking_policies(tmp, "FR_NIR")
    with own_gateway(databases, scripted, tmp, "citations", policies_dir=policies,
                     redaction_enabled=True, anthropic_url=scripted_anthropic.url) as gw:
        yield gw


@pytest.fixture
def gw(rewriting: Gateway, scripted: ScriptedProvider,
       scripted_anthropic: ScriptedAnthropic) -> Gateway:
    scripted.reset()
    scripted_anthropic.reset()
    return rewriting


def _chat_annotations() -> list[dict[str, Any]]:
    return [{"type": "url_citation", "url_citation": {
        "start_index": start, "end_index": end, "url": f"https://exemple.fr/{n}",
        "title": f"Source {n}"}} for n, ((start, end), _) in enumerate(SPANS)]


def _spans(annotations: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [(a["start_index"], a["end_index"]) for a in annotations]


@pytest.mark.parametrize("pieces", [1, 4, 40])
@pytest.mark.parametrize("stream", [False, True])
def test_chat_citations_follow_the_text(gw: Gateway, scripted: ScriptedProvider,
                                        stream: bool, pieces: int) -> None:
    scripted.chat = {"content": WRITTEN, "annotations": _chat_annotations()}
    scripted.pieces = pieces
    sdk = gw.openai()
    asked: Any = [{"role": "user", "content": ASKED}]
    if stream:
        text, annotations = "", []
        for chunk in sdk.chat.completions.create(model="fake-invent", messages=asked,
                                                 stream=True):
            for choice in chunk.choices:
                delta = choice.delta.to_dict()
                text += delta.get("content") or ""
                annotations += delta.get("annotations") or []
    else:
        message = sdk.chat.completions.create(model="fake-invent", messages=asked)
        text = message.choices[0].message.content or ""
        annotations = [a.to_dict() for a in message.choices[0].message.annotations or ()]
    assert PLACEHOLDER in str(scripted.received[-1].body)  # the provider saw the placeholder
    assert text == READ
    assert _spans([a["url_citation"] for a in annotations]) == [read for _, read in SPANS]


def _output() -> list[dict[str, Any]]:
    annotations: list[dict[str, Any]] = [
        {"type": "url_citation", "start_index": start, "end_index": end,
         "url": f"https://exemple.fr/{n}", "title": f"Source {n}"}
        for n, ((start, end), _) in enumerate(SPANS)]
    annotations.append({"type": "file_citation", "file_id": "file_1", "filename": "a.pdf",
                        "index": WRITTEN.index("Source")})
    return [{"id": "msg_1", "type": "message", "status": "completed", "role": "assistant",
             "content": [{"type": "output_text", "text": WRITTEN, "annotations": annotations,
                          "logprobs": []}]}]


def _check(annotations: list[dict[str, Any]], native: bool = True) -> None:
    assert len(annotations) == len(SPANS) + native
    urls = [a for a in annotations if a["type"] == "url_citation"]
    assert _spans(urls) == [read for _, read in SPANS]
    for a in annotations:  # the file citation only a Responses server gives
        assert a["type"] == "url_citation" or a["index"] == READ.index("Source")


@pytest.mark.parametrize("pieces", [1, 4, 40])
@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("model", ["openai-invent", "fake-invent"])  # native, from chat
def test_responses_citations_follow_the_text(gw: Gateway, scripted: ScriptedProvider,
                                             stream: bool, pieces: int, model: str) -> None:
    """Translated from a chat model, its citations become the Responses ones."""
    scripted.output = _output()
    scripted.chat = {"content": WRITTEN, "annotations": _chat_annotations()}
    scripted.pieces = pieces
    sdk = gw.openai()
    if stream:
        with sdk.responses.stream(model=model, input=ASKED) as events:
            seen = list(events)
            answer = events.get_final_response()
        added = [e.annotation.to_dict() for e in seen  # type: ignore[union-attr]
                 if e.type == "response.output_text.annotation.added"]
        native = model == "openai-invent"
        _check(added, native)
        done = next(e for e in seen if e.type == "response.content_part.done")
        _check([a.to_dict() for a in done.part.annotations], native)  # type: ignore[union-attr]
        text = "".join(e.delta for e in seen  # type: ignore[union-attr]
                       if e.type == "response.output_text.delta")
        assert text == READ
        # Sent after the text they cite, before its .done event.
        kinds = [e.type for e in seen]
        assert kinds.index("response.output_text.annotation.added") > \
            max(i for i, kind in enumerate(kinds) if kind == "response.output_text.delta")
        assert kinds.index("response.output_text.done") > \
            max(i for i, kind in enumerate(kinds) if kind.endswith("annotation.added"))
    else:
        answer = sdk.responses.create(model=model, input=ASKED)
    assert answer.output_text == READ
    part = answer.output[0].content[0]  # type: ignore[union-attr]
    _check([a.to_dict() for a in part.annotations], model == "openai-invent")  # type: ignore[union-attr]


@pytest.mark.parametrize("stream", [False, True])
def test_legacy_function_call_arguments_get_values_back(gw: Gateway, scripted: ScriptedProvider,
                                                        stream: bool) -> None:
    """The same gateway puts values back in a legacy ``function_call`` (clients that still
    send ``functions``): JSON-escaped, its NIR masked as a string; it was left as written."""
    arguments = f'{{"to": "{PLACEHOLDER}", "nir": {NIR.replace(" ", "")}}}'
    scripted.chat = {"function_call": {"name": "send", "arguments": arguments}}
    sdk = gw.openai()
    request: Any = {"model": "fake-invent", "messages": [{"role": "user", "content": ASKED}],
                    "functions": [{"name": "send", "parameters": {"type": "object"}}]}
    if stream:
        written = "".join(c.choices[0].delta.function_call.arguments or ""  # type: ignore[union-attr]
                          for c in sdk.chat.completions.create(stream=True, **request)
                          if c.choices and c.choices[0].delta.function_call)
    else:
        call = sdk.chat.completions.create(**request).choices[0].message.function_call
        written = call.arguments if call else ""
    assert json.loads(written) == {"to": EMAIL, "nir": "<FR_NIR>"}


DOCUMENT = f"Dossier : {EMAIL}, NIR {NIR}. Fin du dossier."
PDF = "JVBERi0xLjQKJcfsj6IKJSVFT0YK"  # a (tiny) PDF: binary, nothing redacted in it


def _document_request() -> dict[str, Any]:
    """A PDF first (document 0), then the text document (1) holding the values."""
    source = {"type": "text", "media_type": "text/plain", "data": DOCUMENT}
    return {"model": "claude-test", "max_tokens": 100, "messages": [
        {"role": "user", "content": [
            {"type": "document", "title": "Scan",
             "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}},
            {"type": "document", "title": "Fiche", "source": source,
             "citations": {"enabled": True}},
            {"type": "text", "text": "Qui contacter ?"}]}]}


def _char_citations(received: str) -> list[dict[str, Any]]:
    """What the provider cites, counted in the document it received (``received``)."""
    cut = received.index(PLACEHOLDER) + 3
    return [{"type": "char_location", "cited_text": received[a:b], "document_index": 1,
             "document_title": "Fiche", "start_char_index": a, "end_char_index": b,
             "file_id": None}
            for a, b in [(received.index("Fin du"), len(received)),  # after both
                         (cut, received.index(",")),  # from inside the placeholder
                         (received.index("<FR_NIR>"), received.index(". Fin")),  # the mask
                         (0, len(received))]]


@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_citations_quote_and_count_in_the_document_as_the_employee_wrote_it(
    gw: Gateway, scripted_anthropic: ScriptedAnthropic, stream: bool
) -> None:
    """Anthropic citations point into the request's documents, as the provider received
    them: redacted. Their ``cited_text`` gets the values back (and an identifier there
    stays masked); a ``char_location``'s positions move into the document the employee
    sent (``document_index`` counts every document, a PDF too), a page location stays."""
    received = DOCUMENT.replace(EMAIL, PLACEHOLDER).replace(NIR, "<FR_NIR>")
    pages = {"type": "page_location", "cited_text": "Scan", "document_index": 0,
             "document_title": "Scan", "start_page_number": 1, "end_page_number": 2,
             "file_id": None}
    scripted_anthropic.content = [{"type": "text", "text": f"Écrire à {PLACEHOLDER}.",
                                   "citations": [*_char_citations(received), pages]}]
    request = _document_request()
    sdk = gw.anthropic()
    if stream:
        with sdk.messages.stream(**request) as events:
            message = events.get_final_message()
    else:
        message = sdk.messages.create(**request)
    sent = scripted_anthropic.received[-1].body["messages"][0]["content"][1]["source"]
    assert sent["data"] == received  # the fake cited what the provider really got
    block = message.content[0]
    assert block.type == "text" and block.text == f"Écrire à {EMAIL}."
    cited = [c.to_dict() for c in block.citations or []]
    assert cited[0]["cited_text"] == "Fin du dossier."
    assert cited[3]["cited_text"] == DOCUMENT.replace(NIR, "<FR_NIR>")
    read = [DOCUMENT[c["start_char_index"]:c["end_char_index"]] for c in cited[:4]]
    assert read == ["Fin du dossier.", EMAIL, NIR, DOCUMENT]
    assert (cited[4]["start_page_number"], cited[4]["end_page_number"]) == (1, 2)


def test_citations_move_in_a_masked_document_and_count_documents_in_tool_results() -> None:
    """Masks only (no placeholder to put back) still change the document's length; a
    document inside a tool result takes its number in the request's order."""
    nir_doc = f"NIR {NIR} ; suite."
    body: dict[str, Any] = {"model": "claude-test", "messages": [
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_0001",
                                      "content": [{"type": "document", "source": {
                                          "type": "text", "media_type": "text/plain",
                                          "data": "Rien ici."}}]}]},
        {"role": "user", "content": [{"type": "document", "source": {
            "type": "text", "media_type": "text/plain", "data": nir_doc}}]}]}
    view = messages_view(body)
    texts = [f.text for f in view.fields]
    found = [[Finding("FR_NIR", 4, 4 + len(NIR), 1.0)] if text == nir_doc else []
             for text in texts]
    pseudo = Pseudonymizer(RedactionConfig(actions={"FR_NIR": Action.MASK}))
    view.write(pseudo.redact_many(texts, found).texts)
    documents = DocumentPositions.of(view, texts, found, pseudo)
    assert documents is not None
    received = "NIR <FR_NIR> ; suite."
    message = {"content": [{"type": "text", "text": "Voir.", "citations": [
        {"type": "char_location", "document_index": 1, "start_char_index": at,
         "end_char_index": len(received)} for at in (received.index(";"), 0)] + [
        {"type": "char_location", "document_index": 0, "start_char_index": 0,
         "end_char_index": 4}]}]}
    restore_message(message, None, documents)
    spans = [(c["start_char_index"], c["end_char_index"])
             for c in message["content"][0]["citations"]]
    assert [nir_doc[a:b] for a, b in spans[:2]] == ["; suite.", nir_doc]
    assert spans[2] == (0, 4)  # the other document was not redacted


def test_a_citation_sent_after_its_text_or_never_released_is_not_lost() -> None:
    """``annotation.added`` after the text's ``.done`` goes out at once, moved; one whose
    text never ends (no ``.done``) goes out before the response's last event."""
    screen = ResponsesEventScreen(AnswerPolicy({"FR_NIR": "mask"}))
    ids = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    start, end = SPANS[0][0]
    late = {"type": "response.output_text.annotation.added", **ids, "annotation_index": 0,
            "annotation": {"type": "url_citation", "start_index": start, "end_index": end,
                           "url": "https://exemple.fr", "title": "Source"}}
    out = screen.transform({"type": "response.output_text.delta", **ids, "delta": WRITTEN})
    out += screen.transform({"type": "response.output_text.done", **ids, "text": WRITTEN})
    out += screen.transform(copy.deepcopy(late))
    shifted = out[-1]["annotation"]
    masked = WRITTEN.replace(NIR, "<FR_NIR>")
    assert masked[shifted["start_index"]:shifted["end_index"]] == "Source"
    other = {**ids, "content_index": 1}
    out = screen.transform({**copy.deepcopy(late), **other})
    assert out == []  # held: its text has not ended
    out = screen.transform({"type": "response.completed", "response": {"output": []}})
    assert [e["type"] for e in out] == [late["type"], "response.completed"]


JSON_WRITTEN = f'{{"contact": "{PLACEHOLDER}", "nir": {NIR.replace(" ", "")}}}'
JSON_READ = {"contact": EMAIL, "nir": "<FR_NIR>"}


@pytest.mark.parametrize("stream", [False, True])
def test_a_chat_answer_asked_as_json_stays_json(gw: Gateway, scripted: ScriptedProvider,
                                                stream: bool) -> None:
    """A NIR written as a bare number in a JSON answer is masked as a string."""
    scripted.chat = {"content": JSON_WRITTEN}
    request: Any = {"model": "fake-invent", "response_format": {"type": "json_object"},
                    "messages": [{"role": "user", "content": ASKED}]}
    sdk = gw.openai()
    if stream:
        text = "".join(c.choices[0].delta.content or ""
                       for c in sdk.chat.completions.create(stream=True, **request)
                       if c.choices)
    else:
        text = sdk.chat.completions.create(**request).choices[0].message.content or ""
    assert json.loads(text) == JSON_READ


@pytest.mark.parametrize("stream", [False, True])
def test_a_responses_answer_asked_as_json_stays_json(gw: Gateway, scripted: ScriptedProvider,
                                                     stream: bool) -> None:
    scripted.output = [{"id": "msg_1", "type": "message", "status": "completed",
                        "role": "assistant", "content": [
                            {"type": "output_text", "text": JSON_WRITTEN, "annotations": [],
                             "logprobs": []}]}]
    request: Any = {"model": "openai-invent", "input": ASKED,
                    "text": {"format": {"type": "json_object"}}}
    sdk = gw.openai()
    if stream:
        with sdk.responses.stream(**request) as events:
            seen = list(events)
            answer = events.get_final_response()
        deltas = "".join(e.delta for e in seen  # type: ignore[union-attr]
                         if e.type == "response.output_text.delta")
        assert json.loads(deltas) == JSON_READ
    else:
        answer = sdk.responses.create(**request)
    assert json.loads(answer.output_text) == JSON_READ


def test_values_go_back_json_escaped_in_a_json_answer() -> None:
    """A value holding a quote, put back in a JSON answer, is escaped there."""
    pseudo = Pseudonymizer(RedactionConfig())
    placeholder = pseudo.placeholder_for("PERSON", 'Jean "Jo" Dupont')
    reply = {"choices": [{"message": {"content": f'{{"to": "{placeholder}"}}'}}]}
    restore_reply(reply, pseudo, json_text=True)
    assert json.loads(reply["choices"][0]["message"]["content"]) == {"to": 'Jean "Jo" Dupont'}
    restorer = ChunkRestorer(pseudo, json_text=True)
    chunks = [{"choices": [{"index": 0, "delta": {"content": piece}}]}
              for piece in ('{"to": "<PER', 'SON_1>"}')]
    chunks.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    text = ""
    for chunk in chunks:
        restorer.transform(chunk)
        text += chunk["choices"][0]["delta"].get("content") or ""
    assert json.loads(text) == {"to": 'Jean "Jo" Dupont'}
