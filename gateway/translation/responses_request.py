"""OpenAI Responses request -> OpenAI Chat Completions request.

Used when a client spoke ``POST /v1/responses`` and the upstream only serves Chat
Completions (Mistral, Ollama, vLLM, ``openai_compatible``, ``echo``; Anthropic through the
chat ⇄ Messages translators). The gateway has already put the stored conversation of
``previous_response_id`` in front of ``input`` and resolved ``item_reference`` items, so
the body here is self-contained.

Decisions:

* ``input`` as a string is one user message; ``instructions`` becomes a leading
  ``system`` message (every chat server knows ``system``; ``developer`` is OpenAI's).
* Input items map one to one: ``message`` -> a message (``input_text``/``output_text``
  parts -> text, ``input_image`` -> ``image_url``, ``input_file`` with ``file_data`` ->
  a ``file`` part); ``function_call`` -> a ``tool_calls`` entry of the assistant message
  before it (or of a new one); ``function_call_output`` -> a ``tool`` message.
* ``reasoning`` items are dropped: a chat upstream has no place for them, and what the
  client saw of the conversation does not change.
* ``max_output_tokens`` -> ``max_tokens`` (``max_completion_tokens`` for OpenAI);
  ``text.format`` -> ``response_format``; ``text.verbosity`` -> ``verbosity``;
  ``reasoning.effort`` -> ``reasoning_effort``; ``tool_choice`` and function ``tools`` to
  their chat shapes; ``temperature``, ``top_p``, ``parallel_tool_calls``, ``user``,
  ``safety_identifier`` as they are.
* Dropped hints: ``store``, ``metadata``, ``include``, ``service_tier``,
  ``prompt_cache_key``, ``prompt_cache_retention``, ``prompt_cache_options``,
  ``stream_options``, ``truncation``, ``max_tool_calls``, ``reasoning.summary``,
  ``previous_response_id`` (already expanded by the gateway), image ``detail``.
* Refused (TranslationError naming the field): hosted tools and their tool choices,
  function-tool extensions (``defer_loading``, ``allowed_callers``, ``output_schema``),
  custom and namespace tools, item types other than the four above, ``file_id`` and
  ``file_url`` inputs, images in function outputs, ``top_logprobs``, ``background``,
  ``conversation``, ``prompt``, and any other unknown field.
"""

from __future__ import annotations

from typing import Any

from ._common import JSONDict
from .errors import TranslationError

_DROPPED = frozenset({
    "model", "input", "instructions", "store", "metadata", "include", "service_tier",
    "prompt_cache_key", "prompt_cache_retention", "prompt_cache_options", "stream_options",
    "truncation", "max_tool_calls", "previous_response_id",
})
_SAME = frozenset({"temperature", "top_p", "parallel_tool_calls", "user", "safety_identifier"})
_FUNCTION_TOOL_KEYS = frozenset({"type", "name", "description", "parameters", "strict"})
_SIMPLE_CHOICES = frozenset({"auto", "none", "required"})


def responses_request_to_chat(
    body: JSONDict, *, max_tokens_field: str = "max_tokens"
) -> JSONDict:
    """Translate a ``/v1/responses`` body into a ``/v1/chat/completions`` body.

    Raises:
        TranslationError: a field cannot be carried faithfully (``param`` names it).
    """
    out: JSONDict = {"model": body.get("model"), "messages": request_messages(body)}
    for key, value in body.items():
        if key in _DROPPED or value is None:
            continue
        _apply_field(out, key, value, max_tokens_field)
    if "tool_choice" in out and not out.get("tools"):
        # Chat servers reject a tool choice without tools; the Responses API tolerates it.
        del out["tool_choice"]
        out.pop("parallel_tool_calls", None)
    return out


def _apply_field(out: JSONDict, key: str, value: Any, max_tokens_field: str) -> None:
    if key in _SAME:
        out[key] = value
    elif key == "max_output_tokens":
        out[max_tokens_field] = value
    elif key == "stream":
        out["stream"] = bool(value)
    elif key == "tools":
        out["tools"] = [_tool(tool, f"tools[{i}]") for i, tool in enumerate(value)]
    elif key == "tool_choice":
        out["tool_choice"] = _tool_choice(value)
    elif key == "text":
        _text_config(out, value)
    elif key == "reasoning":
        _reasoning(out, value)
    elif key == "top_logprobs":
        if value:
            raise TranslationError("'top_logprobs' is not supported by this upstream", key)
    elif key == "background":
        if value:
            raise TranslationError("background responses are not supported", key)
    else:
        raise TranslationError(f"'{key}' is not supported by this upstream", key)


def _tool(tool: Any, param: str) -> JSONDict:
    """A Responses function tool -> a chat function tool; anything else is refused."""
    if not isinstance(tool, dict):
        raise TranslationError("a tool must be an object", param)
    kind = tool.get("type")
    if kind != "function":
        raise TranslationError(f"tool type '{kind}' cannot be run by this upstream", param)
    for key, value in tool.items():
        if key not in _FUNCTION_TOOL_KEYS and value not in (None, False, []):
            raise TranslationError(
                f"function tool field '{key}' is not supported by this upstream",
                f"{param}.{key}",
            )
    function: JSONDict = {
        "name": tool.get("name"),
        "parameters": tool.get("parameters") or {"type": "object", "properties": {}},
    }
    if tool.get("description"):
        function["description"] = tool["description"]
    if tool.get("strict") is not None:
        function["strict"] = bool(tool["strict"])
    return {"type": "function", "function": function}


def _tool_choice(choice: Any) -> Any:
    if isinstance(choice, str) and choice in _SIMPLE_CHOICES:
        return choice
    kind = choice.get("type") if isinstance(choice, dict) else None
    if kind == "function":
        return {"type": "function", "function": {"name": choice.get("name")}}
    if kind == "allowed_tools":
        tools = []
        for i, tool in enumerate(choice.get("tools") or []):
            if not isinstance(tool, dict) or tool.get("type") != "function":
                raise TranslationError(
                    "only function tools can be allowed here", f"tool_choice.tools[{i}]"
                )
            tools.append({"type": "function", "function": {"name": tool.get("name")}})
        allowed = {"mode": choice.get("mode", "auto"), "tools": tools}
        return {"type": "allowed_tools", "allowed_tools": allowed}
    raise TranslationError(f"tool_choice {choice!r} is not supported by this upstream",
                           "tool_choice")


def _text_config(out: JSONDict, text: Any) -> None:
    if not isinstance(text, dict):
        raise TranslationError("'text' must be an object", "text")
    for key, value in text.items():
        if value is None:
            continue
        if key == "format":
            response_format = _response_format(value)
            if response_format is not None:
                out["response_format"] = response_format
        elif key == "verbosity":
            out["verbosity"] = value
        else:
            raise TranslationError(f"'text.{key}' is not supported by this upstream",
                                   f"text.{key}")


def _response_format(fmt: Any) -> JSONDict | None:
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind == "text":
        return None
    if kind == "json_object":
        return {"type": "json_object"}
    if kind == "json_schema":
        schema: JSONDict = {"name": fmt.get("name"), "schema": fmt.get("schema") or {}}
        for key in ("description", "strict"):
            if fmt.get(key) is not None:
                schema[key] = fmt[key]
        return {"type": "json_schema", "json_schema": schema}
    raise TranslationError(f"text format '{kind}' is not supported", "text.format")


def _reasoning(out: JSONDict, reasoning: Any) -> None:
    if not isinstance(reasoning, dict):
        raise TranslationError("'reasoning' must be an object", "reasoning")
    for key, value in reasoning.items():
        if key == "effort" and value is not None:
            out["reasoning_effort"] = value
        elif key not in ("summary", "generate_summary", "effort"):
            raise TranslationError(f"'reasoning.{key}' is not supported by this upstream",
                                   f"reasoning.{key}")


# --- input items -> messages -------------------------------------------------------------

def request_messages(body: JSONDict, origins: dict[str, str] | None = None) -> list[JSONDict]:
    """The chat messages of a Responses request: instructions, then every input item.

    ``origins``, when given, is filled with where each chat message (``messages[k]``) and
    tool call (``messages[k].tool_calls[j]``) came from in the Responses body, so an error
    found later in the chat body can name the field the client sent.
    """
    messages: list[JSONDict] = []
    origins = {} if origins is None else origins
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.append({"role": "system", "content": instructions})
        origins["messages[0]"] = "instructions"
    elif instructions not in (None, ""):
        raise TranslationError("'instructions' must be a string", "instructions")
    items = body.get("input")
    if isinstance(items, str):
        origins[f"messages[{len(messages)}]"] = "input"
        messages.append({"role": "user", "content": items})
        return messages
    if not isinstance(items, list):
        raise TranslationError("'input' must be a string or a list of items", "input")
    for i, item in enumerate(items):
        param = f"input[{i}]"
        count, last_calls = len(messages), _call_count(messages)
        _add_item(messages, item, param)
        if len(messages) > count:
            origins[f"messages[{len(messages) - 1}]"] = param
        elif _call_count(messages) > last_calls:
            origins[f"messages[{len(messages) - 1}].tool_calls[{last_calls}]"] = param
    return messages


def _call_count(messages: list[JSONDict]) -> int:
    return len(messages[-1].get("tool_calls") or ()) if messages else 0


def _add_item(messages: list[JSONDict], item: Any, param: str) -> None:
    if not isinstance(item, dict):
        raise TranslationError("an input item must be an object", param)
    kind = item.get("type", "message")
    if kind == "message":
        messages.append(_message(item, param))
    elif kind == "function_call":
        _function_call(messages, item, param)
    elif kind == "function_call_output":
        messages.append(_function_output(item, param))
    elif kind == "reasoning":
        return  # the model's own notes: nothing a chat upstream can take
    else:
        raise TranslationError(f"input items of type '{kind}' are not supported by this "
                               "upstream", f"{param}.type")


def _message(item: JSONDict, param: str) -> JSONDict:
    role = item.get("role")
    if role not in ("user", "system", "developer", "assistant"):
        raise TranslationError(f"unknown role '{role}'", f"{param}.role")
    content = item.get("content")
    if isinstance(content, str):
        return {"role": _chat_role(role), "content": content}
    if not isinstance(content, list):
        raise TranslationError("content must be a string or a list of parts",
                               f"{param}.content")
    if role == "assistant":
        return _assistant_message(content, f"{param}.content")
    parts = [_input_part(part, f"{param}.content[{j}]") for j, part in enumerate(content)]
    return {"role": _chat_role(role), "content": parts}


def _chat_role(role: str) -> str:
    # "developer" is OpenAI's; the other chat servers only know "system".
    return "system" if role == "developer" else role


def _assistant_message(content: list[Any], param: str) -> JSONDict:
    texts: list[str] = []
    refusals: list[str] = []
    for j, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind in ("output_text", "input_text", "text"):
            texts.append(str(part.get("text") or ""))
        elif kind == "refusal":
            refusals.append(str(part.get("refusal") or ""))
        else:
            raise TranslationError(f"assistant content part '{kind}' is not supported",
                                   f"{param}[{j}]")
    message: JSONDict = {"role": "assistant", "content": "".join(texts) if texts else None}
    if refusals:
        message["refusal"] = "".join(refusals)
    return message


def _input_part(part: Any, param: str) -> JSONDict:
    kind = part.get("type") if isinstance(part, dict) else None
    if kind in ("input_text", "output_text", "text"):
        return {"type": "text", "text": str(part.get("text") or "")}
    if kind == "input_image":
        url = part.get("image_url")
        if not isinstance(url, str) or not url:
            raise TranslationError("only images given by URL or data URL can be sent to this "
                                   "upstream (not file_id)", param)
        return {"type": "image_url", "image_url": {"url": url}}
    if kind == "input_file":
        if not isinstance(part.get("file_data"), str):
            raise TranslationError("only files given inline (file_data) can be sent to this "
                                   "upstream (not file_id or file_url)", param)
        file: JSONDict = {"file_data": part["file_data"]}
        if part.get("filename"):
            file["filename"] = part["filename"]
        return {"type": "file", "file": file}
    raise TranslationError(f"content part '{kind}' is not supported by this upstream", param)


def _function_call(messages: list[JSONDict], item: JSONDict, param: str) -> None:
    """A call joins the assistant turn just before it, as chat carries them."""
    call_id = item.get("call_id")
    if not isinstance(call_id, str) or not call_id:
        raise TranslationError("function calls require a call_id", f"{param}.call_id")
    call = {
        "id": call_id,
        "type": "function",
        "function": {"name": item.get("name"), "arguments": item.get("arguments") or "{}"},
    }
    last = messages[-1] if messages else None
    if last is not None and last["role"] == "assistant":
        last.setdefault("tool_calls", []).append(call)
    else:
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})


def _function_output(item: JSONDict, param: str) -> JSONDict:
    call_id = item.get("call_id")
    if not isinstance(call_id, str) or not call_id:
        raise TranslationError("function call outputs require a call_id", f"{param}.call_id")
    output = item.get("output")
    if isinstance(output, list):
        texts = []
        for j, part in enumerate(output):
            kind = part.get("type") if isinstance(part, dict) else None
            if kind not in ("input_text", "output_text", "text"):
                raise TranslationError(f"'{kind}' parts in a function output cannot be sent "
                                       "to this upstream (text only)",
                                       f"{param}.output[{j}]")
            texts.append(str(part.get("text") or ""))
        output = "".join(texts)
    elif not isinstance(output, str):
        raise TranslationError("a function output must be a string or text parts",
                               f"{param}.output")
    return {"role": "tool", "tool_call_id": call_id, "content": output}
