"""Through HTTP: values a database refuses never stall the log nor lose a record (issue 16).

On PostgreSQL, one NUL in an answer used to stop the integrity chain for everyone and keep
``/readyz`` not ready until a restart; refused requests with long or NUL model names had
no record at all.
"""

from __future__ import annotations

import httpx

from gateway.audit.seal import Sealer
from gateway.audit.verify import verify
from tests.conftest import SECRET, Gateway


def _auth(gw: Gateway) -> dict[str, str]:
    return {"Authorization": f"Bearer {gw.key()}"}


def test_a_nul_in_the_answer_leaves_the_chain_complete_and_the_gateway_ready(
    gw: Gateway, http: httpx.Client,
) -> None:
    body = {"model": "echo", "messages": [{"role": "user", "content": "a\u0000b"}]}
    first = http.post("/v1/chat/completions", json=body, headers=_auth(gw))
    assert first.status_code == 200, first.text
    assert "a\u0000b" in first.json()["choices"][0]["message"]["content"]
    poisoned = gw.record(first.headers["X-Gateway-Interaction-Id"], chained=True)
    assert poisoned["state"] == "complete" and "a\u0000b" in poisoned["response"]
    # Requests after it are chained too, and the gateway stays ready.
    after = http.post("/v1/chat/completions", headers=_auth(gw), json={
        "model": "echo", "messages": [{"role": "user", "content": "ensuite"}]})
    assert after.status_code == 200
    gw.record(after.headers["X-Gateway-Interaction-Id"], chained=True)
    ready = http.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert verify(gw.engine, sealer=Sealer(SECRET.encode())).intact  # stored escaped, sealed


def test_refused_model_names_are_recorded_whatever_they_hold(
    gw: Gateway, http: httpx.Client,
) -> None:
    names = {"nul": "gpt\u0000test", "long": "m" * 300, "huge": "m" * 60_000,
             "mark": "\ufdd0\\" + "x" * 300, "stored-too-long": "\x00" * 250}
    answers = {label: http.post("/v1/chat/completions", headers=_auth(gw), json={
        "model": name, "messages": [{"role": "user", "content": "bonjour"}]})
        for label, name in names.items()}
    assert {label: r.status_code for label, r in answers.items()} == {
        "nul": 404, "long": 404, "huge": 400, "mark": 404, "stored-too-long": 400}
    assert answers["huge"].json()["error"]["param"] == "model"
    assert len(answers["huge"].content) < 1000  # the name is not echoed back
    for label, answer in answers.items():
        record = gw.record(answer.headers["X-Gateway-Interaction-Id"], chained=True)
        if label == "stored-too-long":  # a NUL is stored as two characters
            assert record["model"].startswith("\x00" * 150)
            assert "\x00…[250 caractères, sha256:" in record["model"]
        elif label == "huge":  # kept within the column, saying how long it was
            assert record["model"].startswith("m" * 300)
            assert record["model"].endswith("…[60000 caractères, sha256:" +
                                             record["model"][-17:])
        else:
            assert record["model"] == names[label]
    assert http.get("/readyz").status_code == 200
