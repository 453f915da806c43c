"""Red team: bodies written so that two readers see two requests, through real HTTP.

A key written twice in one JSON object: orjson keeps the last, other parsers the first, so a
body could show the scan one value and a provider, a proxy or a tool another. It is refused
(400 naming the key, in the route's error shape), at any depth, with spaces before the
colon or a colon escaped in a string. Python's parser, used for bodies with lone surrogates,
took integers past 64 bits (a 500 when written to the provider) and NaN/Infinity (which
orjson refuses).
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import Gateway

NIR = "2 69 05 49 588 157 80"


def _post(gw: Gateway, http: httpx.Client, path: str, raw: bytes) -> httpx.Response:
    gw.fake.reset()
    assert gw.fake_anthropic is not None
    gw.fake_anthropic.reset()
    return http.post(path, content=raw, headers={
        "Authorization": f"Bearer {gw.key()}", "Content-Type": "application/json"})


DUPLICATES = {
    "message content": (b'{"model":"gpt-test","messages":[{"role":"user","content":"NIR '
                        + NIR.encode() + b'","content":"Bonjour"}]}', "content"),
    "model": (b'{"model":"gpt-us","messages":[{"role":"user","content":"x"}],'
              b'"model":"gpt-test"}', "model"),
    "spaces before the colon": (b'{"model":"gpt-test","messages":[{"role":"user",'
                                b'"content"  :"a",\n"content"\t:"b"}]}', "content"),
    "a colon escaped in a string": (b'{"model":"gpt-test","messages":[{"role":"user",'
                                    b'"content":"a","content":"b\\u003ac"}]}', "content"),
    "a key with a backslash": (b'{"model":"gpt-test","messages":[{"role":"user",'
                               b'"content":"a"}],"x\\\\":1,"x\\\\":2}', "x\\"),
    "with a lone surrogate": (b'{"model":"gpt-test","messages":[{"role":"user",'
                              b'"content":"\\ud800","content":"b"}]}', "content"),
}


@pytest.mark.parametrize("case", list(DUPLICATES))
def test_a_key_written_twice_is_refused_naming_it(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    raw, key = DUPLICATES[case]
    response = _post(gw, http, "/v1/chat/completions", raw)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request" and error["param"] == key
    assert f"« {key} »" in error["message"]
    assert gw.fake.received == []


def test_a_key_written_twice_in_a_messages_block_is_refused_in_anthropic_shape(
    gw: Gateway, http: httpx.Client,
) -> None:
    raw = (b'{"model":"claude-test","max_tokens":20,"messages":[{"role":"user","content":'
           b'[{"type":"text","text":"Bonjour","text":"NIR ' + NIR.encode() + b'"}]}]}')
    response = _post(gw, http, "/v1/messages", raw)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert "« text »" in body["error"]["message"]
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []


def test_colons_and_escaped_quotes_in_strings_are_no_duplicates(
    gw: Gateway, http: httpx.Client,
) -> None:
    raw = (b'{"model":"gpt-test","messages":[{"role":"user","content":"RDV 14:30, '
           b'https://x.fr/a:b \\"cl\\u00e9\\" : {\\"q\\":1,\\"q\\":2}"}]}')
    response = _post(gw, http, "/v1/chat/completions", raw)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("number", [b"123456789012345678901234567890", b"-1e999"])
def test_huge_numbers_beside_a_lone_surrogate_are_no_internal_error(
    gw: Gateway, http: httpx.Client, number: bytes,
) -> None:
    raw = (b'{"model":"gpt-test","messages":[{"role":"user","content":"x \\ud800"}],'
           b'"metadata":{"n":' + number + b'}}')
    response = _post(gw, http, "/v1/chat/completions", raw)
    assert response.status_code in (200, 400), response.text


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json(gw: Gateway, http: httpx.Client, constant: bytes) -> None:
    raw = (b'{"model":"gpt-test","messages":[{"role":"user","content":"x \\ud800"}],'
           b'"metadata":{"n":' + constant + b'}}')
    response = _post(gw, http, "/v1/chat/completions", raw)
    assert response.status_code == 400, response.text
    assert gw.fake.received == []
