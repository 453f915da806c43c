"""The fake OpenAI provider's Responses API (``/v1/responses``) and legacy Completions.

Answers follow the Responses API reference: a ``response`` object, or, streamed, the typed
events (``response.created``, ``response.in_progress``, ``response.output_item.added``,
``response.content_part.added``, ``response.output_text.delta``…, ``response.completed``)
with ``event:`` lines and ``sequence_number``s. Behaviour by model, as for chat:
``fake-tools`` (with function tools) calls the first one, unless the input ends with a
function output, which it answers in text; a ``web_search`` tool gives a
``web_search_call`` item and a cited answer; ``fake-reasoning`` starts with a reasoning
item (its ``encrypted_content`` when ``include`` asks for it); a ``json_schema`` text
format gives JSON matching the schema; ``fake-cut`` drops the connection mid-stream;
``fake-bytes`` streams one byte per write; ``fake-invent`` writes a NIR and a card number
of its own (in its text, or in the function call's arguments). A ``previous_response_id`` is refused: the
gateway keeps conversations itself and sends them whole.
"""

from __future__ import annotations

import copy
import hashlib
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from ._base import INVENTED, FakeConnectionCut, fake_arguments, split_text, words


def input_text(body: dict[str, Any]) -> str:
    """What the fake answers to: the last user text, or the last function output."""
    items = body.get("input")
    if isinstance(items, str):
        return items
    for item in reversed(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        if item.get("type") == "function_call_output":
            output = item.get("output")
            return output if isinstance(output, str) else _parts_text(output)
        if item.get("role") == "user":
            content = item.get("content")
            return content if isinstance(content, str) else _parts_text(content)
    return ""


def ends_with_tool_output(body: dict[str, Any]) -> bool:
    items = body.get("input")
    return (isinstance(items, list) and bool(items) and isinstance(items[-1], dict)
            and items[-1].get("type") == "function_call_output")


def _parts_text(parts: Any) -> str:
    if not isinstance(parts, list):
        return ""
    return " ".join(str(p.get("text")) for p in parts if isinstance(p, dict) and p.get("text"))


def _input_words(body: dict[str, Any]) -> int:
    total = words(str(body.get("instructions") or ""))
    items = body.get("input")
    if isinstance(items, str):
        return max(1, total + words(items))
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            content = item.get("content", item.get("output", item.get("arguments", "")))
            total += words(content if isinstance(content, str) else _parts_text(content))
    return max(1, total)


def build_response(body: dict[str, Any], model: str) -> dict[str, Any]:
    """The complete ``response`` object the fake answers."""
    core = uuid.uuid4().hex[:24]
    text = INVENTED if model == "fake-invent" else "reçu: " + input_text(body)
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    output: list[dict[str, Any]] = []
    if model == "fake-reasoning":
        reasoning: dict[str, Any] = {"id": f"rs_{core}", "type": "reasoning", "summary": [
            {"type": "summary_text", "text": "Je réfléchis à : " + input_text(body)}]}
        if "reasoning.encrypted_content" in (body.get("include") or []):
            reasoning["encrypted_content"] = "enc_" + core
        output.append(reasoning)
    functions = [t for t in tools if t.get("type") == "function"]
    if model in ("fake-tools", "fake-invent") and functions and not ends_with_tool_output(body):
        chosen = functions[0]
        choice = body.get("tool_choice")
        if isinstance(choice, dict) and choice.get("name"):
            chosen = next((f for f in functions if f.get("name") == choice["name"]), chosen)
        wrote = INVENTED if model == "fake-invent" else input_text(body)
        arguments = json.dumps(fake_arguments(chosen.get("parameters"), wrote),
                               ensure_ascii=False)
        call_id = "call_" + hashlib.sha256(arguments.encode()).hexdigest()[:24]
        output.append({"id": f"fc_{core}", "type": "function_call", "status": "completed",
                       "call_id": call_id, "name": chosen.get("name", ""),
                       "arguments": arguments})
    else:
        annotations: list[dict[str, Any]] = []
        if any(str(t.get("type", "")).startswith("web_search") for t in tools):
            output.append({"id": f"ws_{core}", "type": "web_search_call", "status": "completed",
                           "action": {"type": "search", "query": input_text(body)}})
            annotations.append({"type": "url_citation", "start_index": 0, "end_index": len(text),
                                "url": "https://exemple.fr/source", "title": "Source"})
        fmt = (body.get("text") or {}).get("format") or {}
        if fmt.get("type") == "json_schema":
            text = json.dumps(fake_arguments(fmt.get("schema"), input_text(body)),
                              ensure_ascii=False)
        output.append({"id": f"msg_{core}", "type": "message", "status": "completed",
                       "role": "assistant", "content": [
                           {"type": "output_text", "text": text, "annotations": annotations,
                            "logprobs": []}]})
    output_tokens = max(1, sum(words(json.dumps(item, ensure_ascii=False)) for item in output))
    input_tokens = _input_words(body)
    return {
        "id": f"resp_{core}", "object": "response", "created_at": int(time.time()),
        "status": "completed", "completed_at": int(time.time()), "error": None,
        "incomplete_details": None, "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"), "model": model,
        "output": output, "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": None, "reasoning": body.get("reasoning"),
        "store": body.get("store", True), "temperature": body.get("temperature", 1.0),
        "text": body.get("text") or {"format": {"type": "text"}},
        "tool_choice": body.get("tool_choice", "auto"), "tools": tools,
        "top_p": body.get("top_p", 1.0), "truncation": "disabled", "user": None,
        "metadata": body.get("metadata") or {},
        "usage": {"input_tokens": input_tokens,
                  "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                  "output_tokens": output_tokens,
                  "output_tokens_details": {"reasoning_tokens": 0},
                  "total_tokens": input_tokens + output_tokens},
    }


def _item_events(item: dict[str, Any], index: int, pieces: int) -> list[dict[str, Any]]:
    """The events of one output item, from ``output_item.added`` to ``output_item.done``."""
    kind = item["type"]
    added = copy.deepcopy(item)
    added["status"] = "in_progress"
    if kind == "message":
        added["content"] = []
    elif kind == "function_call":
        added["arguments"] = ""
    elif kind == "reasoning":
        added["summary"] = []
    events = [{"type": "response.output_item.added", "output_index": index, "item": added}]
    ids = {"item_id": item["id"], "output_index": index}
    if kind == "message":
        for part_index, part in enumerate(item["content"]):
            part_ids = {**ids, "content_index": part_index}
            events.append({"type": "response.content_part.added", **part_ids,
                           "part": {**part, "text": "", "annotations": []}})
            events += [{"type": "response.output_text.delta", **part_ids, "delta": piece,
                        "logprobs": []} for piece in split_text(part["text"], pieces)]
            events += [{"type": "response.output_text.done", **part_ids, "text": part["text"],
                        "logprobs": []},
                       {"type": "response.content_part.done", **part_ids, "part": part}]
    elif kind == "function_call":
        args = item["arguments"]
        step = max(1, -(-len(args) // 3))
        events += [{"type": "response.function_call_arguments.delta", **ids,
                    "delta": args[i:i + step]} for i in range(0, len(args), step)]
        events.append({"type": "response.function_call_arguments.done", **ids,
                       "arguments": args})
    elif kind == "web_search_call":
        events += [{"type": f"response.web_search_call.{step}", **ids}
                   for step in ("in_progress", "searching", "completed")]
    elif kind == "reasoning":
        for summary_index, part in enumerate(item["summary"]):
            summary_ids = {**ids, "summary_index": summary_index}
            events.append({"type": "response.reasoning_summary_part.added", **summary_ids,
                           "part": {"type": "summary_text", "text": ""}})
            events += [{"type": "response.reasoning_summary_text.delta", **summary_ids,
                        "delta": piece} for piece in split_text(part["text"], pieces)]
            events += [{"type": "response.reasoning_summary_text.done", **summary_ids,
                        "text": part["text"]},
                       {"type": "response.reasoning_summary_part.done", **summary_ids,
                        "part": part}]
    events.append({"type": "response.output_item.done", "output_index": index, "item": item})
    return events


def response_events(response: dict[str, Any], pieces: int = 4) -> list[dict[str, Any]]:
    """Every event of a streamed answer, sequence numbers included."""
    start = {**response, "status": "in_progress", "output": [], "usage": None,
             "completed_at": None}
    events = [{"type": "response.created", "response": start},
              {"type": "response.in_progress", "response": start}]
    for index, item in enumerate(response["output"]):
        events += _item_events(item, index, pieces)
    events.append({"type": "response.completed", "response": response})
    return [{**event, "sequence_number": n} for n, event in enumerate(events)]


def encode(event: dict[str, Any]) -> bytes:
    data = json.dumps(event, ensure_ascii=False)
    return f"event: {event['type']}\ndata: {data}\n\n".encode()


async def stream_events(events: list[dict[str, Any]], model: str) -> AsyncIterator[bytes]:
    """The SSE bytes of ``events``; ``fake-cut`` stops after two deltas without an end,
    ``fake-bytes`` writes one byte at a time."""
    deltas = 0
    for event in events:
        if model == "fake-cut" and event["type"].endswith(".delta"):
            deltas += 1
            if deltas > 2:
                raise FakeConnectionCut
        data = encode(event)
        if model == "fake-bytes":
            for offset in range(len(data)):
                yield data[offset:offset + 1]
        else:
            yield data


# --- legacy completions ---------------------------------------------------------------------

def completion_text(body: dict[str, Any], model: str = "") -> str:
    if model == "fake-invent":
        return INVENTED
    prompt = body.get("prompt")
    prompt = prompt[0] if isinstance(prompt, list) and prompt else prompt
    text = "reçu: " + (prompt if isinstance(prompt, str) else "")
    if isinstance(body.get("suffix"), str) and body["suffix"]:
        text += " | suffixe: " + body["suffix"]
    return text


def build_completion(body: dict[str, Any], model: str) -> dict[str, Any]:
    text = completion_text(body, model)
    prompt_tokens = max(1, words(str(body.get("prompt") or "")) + words(str(body.get("suffix")
                                                                            or "")))
    completion_tokens = max(1, words(text))
    return {
        "id": "cmpl-" + uuid.uuid4().hex[:24], "object": "text_completion",
        "created": int(time.time()), "model": model,
        "choices": [{"text": text, "index": 0, "logprobs": None, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


async def completion_chunks(completion: dict[str, Any], include_usage: bool,
                            model: str) -> AsyncIterator[bytes]:
    head = {k: completion[k] for k in ("id", "object", "created", "model")}
    pieces = split_text(completion["choices"][0]["text"])
    chunks = [{**head, "choices": [{"text": piece, "index": 0, "logprobs": None,
                                    "finish_reason": None}]} for piece in pieces]
    chunks.append({**head, "choices": [{"text": "", "index": 0, "logprobs": None,
                                        "finish_reason": "stop"}]})
    if include_usage:
        chunks.append({**head, "choices": [], "usage": completion["usage"]})
    for n, chunk in enumerate(chunks):
        if model == "fake-cut" and n >= 2:
            raise FakeConnectionCut
        data = b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
        if model == "fake-bytes":
            for offset in range(len(data)):
                yield data[offset:offset + 1]
        else:
            yield data
    yield b"data: [DONE]\n\n"
