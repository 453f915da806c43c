"""Streams that end badly: the client leaves, or the provider cuts the connection."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.openai_provider import STREAM_ERROR


def test_client_disconnect_mid_stream_completes_the_record(gw: Gateway) -> None:
    headers = {"Authorization": f"Bearer {gw.key()}"}
    body = {"model": "fake-drip", "messages": [{"role": "user", "content": "Longue réponse"}],
            "stream": True}
    received = []
    with httpx.Client(base_url=gw.url, timeout=10, headers={"User-Agent": "curl/8.5.0"}) as client, \
            client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as response:
        assert response.status_code == 200
        interaction_id = response.headers["x-gateway-interaction-id"]
        for line in response.iter_lines():
            if line.startswith("data: "):
                received.append(line)
            if len(received) >= 4:
                break  # leave: closing the client drops the connection mid-stream
    record = gw.record(interaction_id)
    assert record["state"] == "complete"
    assert record["status_code"] == 499
    assert record["error"].startswith("client_disconnected")
    assert record["response"]  # the partial answer the provider had sent
    # The gateway closed its upstream call too instead of draining 50 chunks for nobody.
    assert gw.fake.wait_for(lambda: gw.fake.aborted_streams == 1, timeout=5)


def test_provider_cut_mid_stream_is_reported_in_stream_and_recorded(gw: Gateway) -> None:
    headers = {"Authorization": f"Bearer {gw.key()}"}
    body = {"model": "fake-cut", "messages": [{"role": "user", "content": "Bonjour à tous"}],
            "stream": True}
    with httpx.Client(base_url=gw.url, timeout=10, headers={"User-Agent": "curl/8.5.0"}) as client, \
            client.stream("POST", "/v1/chat/completions", json=body, headers=headers) as response:
        assert response.status_code == 200
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
        interaction_id = response.headers["x-gateway-interaction-id"]
    assert "data: [DONE]" not in lines  # a cut stream must not look complete
    assert '"code":"upstream_error"' in lines[-1]
    record = gw.record(interaction_id)
    assert record["status_code"] == 502 and record["decision"] == "error"
    assert record["response"]  # what arrived before the cut


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Bonjour à tous"}]}),
    ("/v1/responses", {"input": "Bonjour à tous"}),  # the chat stream, translated
])
def test_a_providers_error_event_reaches_no_one_with_the_secret_it_quotes(
    gw: Gateway, path: str, body: dict[str, Any]
) -> None:
    """A provider's in-stream error may quote a key (the company's, or one the employee
    pasted): the employee's stream and the record get the message with the key scrubbed."""
    headers = {"Authorization": f"Bearer {gw.key()}"}
    with httpx.Client(base_url=gw.url, timeout=10, headers={"User-Agent": "curl/8.5.0"}) as client, \
            client.stream("POST", path, json={**body, "model": "fake-stream-error",
                                              "stream": True}, headers=headers) as response:
        assert response.status_code == 200
        lines = [line for line in response.iter_lines() if line.startswith("data: ")]
        interaction_id = response.headers["x-gateway-interaction-id"]
    secret = STREAM_ERROR.split()[2]
    assert "Overloaded" in lines[-1] and secret not in "\n".join(lines)
    record = gw.record(interaction_id)
    assert record["decision"] == "error" and "Overloaded" in record["error"]
    assert secret not in str(record)


def test_slow_first_byte_in_stream_times_out_with_504(gw: Gateway) -> None:
    headers = {"Authorization": f"Bearer {gw.key()}"}
    body = {"model": "fake-slow", "messages": [{"role": "user", "content": "x"}], "stream": True}
    with httpx.Client(base_url=gw.url, timeout=10, headers={"User-Agent": "curl/8.5.0"}) as client:
        response = client.post("/v1/chat/completions", json=body, headers=headers)
    # The fake sends its first chunk at once and then stalls past the read timeout.
    if response.status_code == 200:
        assert '"code":"upstream_timeout"' in response.text
    else:
        assert response.status_code == 504
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["status_code"] == 504
