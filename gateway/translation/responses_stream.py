"""OpenAI ``chat.completion.chunk`` stream -> OpenAI Responses streaming events.

Feed each parsed upstream chunk to :meth:`ChatToResponsesStream.feed` and call
:meth:`ChatToResponsesStream.finish` once when the upstream ends (``[DONE]`` or a finish
reason); :meth:`ChatToResponsesStream.fail` instead when it failed. Each returned event is
a dict carrying its ``type`` and ``sequence_number``, to be written as
``event: {type}\\ndata: {json}\\n\\n``. The event grammar is the Responses API's:

* ``response.created``, ``response.in_progress``;
* per assistant text: ``response.output_item.added`` (a ``message``),
  ``response.content_part.added``, ``response.output_text.delta``…,
  ``response.output_text.done``, ``response.content_part.done``,
  ``response.output_item.done`` (a refusal uses ``response.refusal.delta`` / ``.done``);
  a chat ``url_citation`` (``message.annotations`` or a delta's) becomes a
  ``response.output_text.annotation.added`` on the text it cites, same offsets;
* per tool call: ``response.output_item.added`` (a ``function_call``),
  ``response.function_call_arguments.delta``…, ``response.function_call_arguments.done``,
  ``response.output_item.done``;
* one terminal event: ``response.completed``, ``response.incomplete`` (``length`` or
  ``content_filter``) or ``response.failed``.

Events carry copies: rewriting one (placeholders put back) never changes
:attr:`ChatToResponsesStream.response`, the answer as the upstream gave it.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from ._common import JSONDict, dumps_arguments
from .errors import TranslationError

_INCOMPLETE = {"length": "max_output_tokens", "content_filter": "content_filter"}


def usage_to_responses(usage: Any) -> JSONDict | None:
    """A chat ``usage`` object as the Responses API reports it."""
    if not isinstance(usage, dict):
        return None
    prompt = _int(usage.get("prompt_tokens"))
    completion = _int(usage.get("completion_tokens"))
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    return {
        "input_tokens": prompt,
        "input_tokens_details": {
            "cached_tokens": _int(prompt_details.get("cached_tokens")),
            "cache_write_tokens": _int(prompt_details.get("cache_write_tokens")),
        },
        "output_tokens": completion,
        "output_tokens_details": {
            "reasoning_tokens": _int(completion_details.get("reasoning_tokens")),
        },
        "total_tokens": _int(usage.get("total_tokens")) or prompt + completion,
    }


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


class ChatToResponsesStream:
    """Stateful translator of one chat stream into Responses events.

    Attributes:
        response: The ``response`` object, complete once :meth:`finish` has run.
    """

    def __init__(self, shell: JSONDict) -> None:
        """Args: shell: the response object before output (see ``response_shell``)."""
        self.response: JSONDict = copy.deepcopy(shell)
        self._core = str(shell["id"]).removeprefix("resp_")
        self._sequence = 0
        self._started = False
        self._finished = False
        self._message: JSONDict | None = None  # the open message item
        self._part: JSONDict | None = None  # its open content part
        self._call: JSONDict | None = None  # the open function_call item
        self._call_key: Any = None
        self._closed_calls: set[Any] = set()
        self._finish_reason: str | None = None

    # --- public ------------------------------------------------------------------------
    def start(self) -> list[JSONDict]:
        """``response.created`` and ``response.in_progress`` (once)."""
        if self._started:
            return []
        self._started = True
        return [
            self._event("response.created", response=self._snapshot()),
            self._event("response.in_progress", response=self._snapshot()),
        ]

    def feed(self, chunk: JSONDict) -> list[JSONDict]:
        """Translate one upstream chunk; returns zero or more events."""
        if self._finished:
            return []
        events = self.start()
        if isinstance(chunk.get("usage"), dict):
            self.response["usage"] = usage_to_responses(chunk["usage"])
        for choice in chunk.get("choices") or []:
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or {}
            for key in ("content", "refusal"):
                if isinstance(delta.get(key), str) and delta[key]:
                    self._text(events, delta[key], "output_text" if key == "content"
                               else "refusal")
            for annotation in delta.get("annotations") or []:
                self._annotate(events, annotation)
            for call in delta.get("tool_calls") or []:
                if isinstance(call, dict):
                    self._tool_delta(events, call)
            if choice.get("finish_reason"):
                self._finish_reason = choice["finish_reason"]
        return events

    def finish(self) -> list[JSONDict]:
        """Close open items and end with the terminal event. Idempotent."""
        if self._finished:
            return []
        events = self.start()
        self._close_message(events)
        self._close_call(events)
        self._finished = True
        reason = _INCOMPLETE.get(self._finish_reason or "")
        if reason is None:
            self.response["status"] = "completed"
            self.response["completed_at"] = time.time()
            events.append(self._event("response.completed", response=self._snapshot()))
        else:
            self.response["status"] = "incomplete"
            self.response["incomplete_details"] = {"reason": reason}
            events.append(self._event("response.incomplete", response=self._snapshot()))
        return events

    def fail(self, message: str, code: str = "server_error") -> list[JSONDict]:
        """End a stream that broke: ``response.failed`` with the error. Idempotent."""
        if self._finished:
            return []
        events = self.start()
        self._finished = True
        self.response["status"] = "failed"
        self.response["error"] = {"code": code, "message": message}
        events.append(self._event("response.failed", response=self._snapshot()))
        return events

    # --- items -------------------------------------------------------------------------
    def _event(self, kind: str, **fields: Any) -> JSONDict:
        event = {"type": kind, "sequence_number": self._sequence, **fields}
        self._sequence += 1
        return event

    def _snapshot(self) -> JSONDict:
        return copy.deepcopy(self.response)

    def _add_item(self, events: list[JSONDict], item: JSONDict) -> int:
        output = self.response["output"]
        output.append(item)
        index = len(output) - 1
        events.append(self._event("response.output_item.added", output_index=index,
                                  item=copy.deepcopy(item)))
        return index

    def _text(self, events: list[JSONDict], text: str, kind: str) -> None:
        self._close_call(events)
        if self._message is None:
            item = {"id": f"msg_{self._core}_{len(self.response['output'])}",
                    "type": "message", "status": "in_progress", "role": "assistant",
                    "content": []}
            self._message = {"item": item, "index": self._add_item(events, item)}
        if self._part is None or self._part["type"] != kind:
            self._close_part(events)
            self._open_part(events, kind)
        assert self._part is not None
        field = "text" if kind == "output_text" else "refusal"
        self._part[field] += text
        events.append(self._event(
            "response.output_text.delta" if kind == "output_text" else "response.refusal.delta",
            **self._part_ids(), delta=text,
            **({"logprobs": []} if kind == "output_text" else {}),
        ))

    def _annotate(self, events: list[JSONDict], annotation: Any) -> None:
        """A chat citation on the open text (offsets count in the chat content, which is
        this part's text); one with no text to cite is dropped."""
        cited = annotation.get("url_citation") if isinstance(annotation, dict) else None
        part = self._part
        if not isinstance(cited, dict) or part is None or part["type"] != "output_text":
            return
        converted = {"type": "url_citation", **{key: cited.get(key) for key in (
            "start_index", "end_index", "url", "title")}}
        part["annotations"].append(converted)
        events.append(self._event("response.output_text.annotation.added", **self._part_ids(),
                                  annotation_index=len(part["annotations"]) - 1,
                                  annotation=copy.deepcopy(converted)))

    def _open_part(self, events: list[JSONDict], kind: str) -> None:
        assert self._message is not None
        part: JSONDict = (
            {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            if kind == "output_text" else {"type": "refusal", "refusal": ""}
        )
        self._message["item"]["content"].append(part)
        self._part = part
        events.append(self._event("response.content_part.added", **self._part_ids(),
                                  part=copy.deepcopy(part)))

    def _part_ids(self) -> JSONDict:
        assert self._message is not None
        return {
            "item_id": self._message["item"]["id"],
            "output_index": self._message["index"],
            "content_index": len(self._message["item"]["content"]) - 1,
        }

    def _close_part(self, events: list[JSONDict]) -> None:
        part = self._part
        if part is None:
            return
        if part["type"] == "output_text":
            events.append(self._event("response.output_text.done", **self._part_ids(),
                                      text=part["text"], logprobs=[]))
        else:
            events.append(self._event("response.refusal.done", **self._part_ids(),
                                      refusal=part["refusal"]))
        events.append(self._event("response.content_part.done", **self._part_ids(),
                                  part=copy.deepcopy(part)))
        self._part = None

    def _close_message(self, events: list[JSONDict]) -> None:
        if self._message is None:
            return
        self._close_part(events)
        item = self._message["item"]
        item["status"] = "completed"
        events.append(self._event("response.output_item.done",
                                  output_index=self._message["index"],
                                  item=copy.deepcopy(item)))
        self._message = None

    def _tool_delta(self, events: list[JSONDict], call: JSONDict) -> None:
        """One ``tool_calls`` fragment; a new index closes the open item, opens a call."""
        key = call.get("index")
        if key is None:  # some servers omit the index: a new id means a new call
            new_id = call.get("id") and (self._call is None
                                         or call["id"] != self._call["item"]["call_id"])
            key = ("id", call["id"]) if new_id else self._call_key
        function = call.get("function") or {}
        if self._call is None or key != self._call_key:
            if key in self._closed_calls:
                raise TranslationError("upstream interleaved tool call fragments",
                                       "choices[0].delta.tool_calls")
            self._close_message(events)
            self._close_call(events)
            index = len(self.response["output"])
            item = {"id": f"fc_{self._core}_{index}", "type": "function_call",
                    "status": "in_progress", "call_id": call.get("id") or f"call_{self._core}"
                    f"_{index}", "name": function.get("name") or "", "arguments": ""}
            self._call = {"item": item, "index": self._add_item(events, item)}
            self._call_key = key
        arguments = function.get("arguments")
        if isinstance(arguments, dict):  # Ollama-style object arguments
            arguments = dumps_arguments(arguments)
        if isinstance(arguments, str) and arguments:
            self._call["item"]["arguments"] += arguments
            events.append(self._event("response.function_call_arguments.delta",
                                      item_id=self._call["item"]["id"],
                                      output_index=self._call["index"], delta=arguments))

    def _close_call(self, events: list[JSONDict]) -> None:
        if self._call is None:
            return
        item = self._call["item"]
        item["status"] = "completed"
        events.append(self._event("response.function_call_arguments.done",
                                  item_id=item["id"], output_index=self._call["index"],
                                  arguments=item["arguments"]))
        events.append(self._event("response.output_item.done",
                                  output_index=self._call["index"],
                                  item=copy.deepcopy(item)))
        self._closed_calls.add(self._call_key)
        self._call = None
        self._call_key = None
