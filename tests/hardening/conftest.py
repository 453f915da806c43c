"""Fixtures the answer-side red-team modules share: each module gets its own scripted
provider and its own gateway whose policies mask cards and NIRs in answers (scope module;
the database is named after the module)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import Databases, Gateway
from tests.core._answers import masking_gateway
from tests.fakes.scripted import ScriptedProvider


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedProvider]:
    with ScriptedProvider() as fake:
        yield fake


@pytest.fixture(scope="module")
def masking(databases: Databases, scripted: ScriptedProvider,
            tmp_path_factory: pytest.TempPathFactory,
            request: pytest.FixtureRequest) -> Iterator[Gateway]:
    label = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with masking_gateway(databases, scripted, tmp_path_factory, label,
                         redaction_enabled=True) as gw:
        yield gw
