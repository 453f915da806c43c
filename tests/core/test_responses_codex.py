"""One ``codex exec`` turn through the gateway, against the fake OpenAI provider.

Codex CLI (npm ``@openai/codex``) speaks only the Responses API. It runs here as its users
configure it: a model provider in ``config.toml`` whose ``base_url`` is the gateway and
whose key is a personal gateway key. Needs the ``codex`` binary: on ``PATH`` or named by
``GATEWAY_TEST_CODEX`` (``npm install --prefix /tmp/codex @openai/codex``); skipped
without it, saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Gateway
from tests.core.test_policy_redaction_e2e import EMAIL, NAME, assert_no_personal_data

CODEX = os.environ.get("GATEWAY_TEST_CODEX") or shutil.which("codex")


@pytest.mark.skipif(CODEX is None, reason="codex CLI not installed (npm @openai/codex)")
def test_codex_exec_turn_through_the_gateway(gw: Gateway, tmp_path: Path) -> None:
    home = tmp_path / "codex-home"
    home.mkdir()
    (home / "config.toml").write_text(f"""\
model = "openai-test"
model_provider = "gateway"
# Codex offers the model OpenAI's web search by default: a hosted tool, which the
# bundled policies refuse (a rule may allow it). Turned off, as IT would.
web_search = "disabled"

[model_providers.gateway]
name = "Passerelle IA"
base_url = "{gw.url}/v1"
env_key = "GATEWAY_KEY"
wire_api = "responses"
""", encoding="utf-8")
    prompt = f"Écris un courriel à {NAME} ({EMAIL})."
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "CODEX_"))}
    env.update(CODEX_HOME=str(home), GATEWAY_KEY=gw.key(), HOME=str(tmp_path))
    done = subprocess.run(
        [str(CODEX), "exec", "--skip-git-repo-check", "--sandbox", "read-only", prompt],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    # The fake answered with what it received; the gateway put the values back.
    assert f"reçu: {prompt}" in done.stdout

    turns = [r for r in gw.fake.received if r.path == "/v1/responses"]
    assert turns and all(r.body["store"] is False for r in turns)
    for turn in turns:
        assert_no_personal_data(turn.raw_body.decode())
    assert "<PERSON_1>" in turns[-1].raw_body.decode()
