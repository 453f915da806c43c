"""The dashboard's cost per model in the browser: catalogue models only, the rest said."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from tests.admin._helpers import insert_rows, row
from tests.conftest import Gateway
from tests.console._browser import sign_in


def test_cost_per_model_shows_catalogue_models_and_says_what_it_leaves_out(
    gw: Gateway, tab: Any
) -> None:
    unknown = f"modele-inconnu-{gw.scope}"
    with pytest.raises(openai.NotFoundError):  # recorded with the model it asked for
        gw.openai().chat.completions.create(
            model=unknown, messages=[{"role": "user", "content": "Bonjour"}])
    retired = f"ancien-modele-{gw.scope}"
    insert_rows(gw.engine, [
        row(model="claude-test", cost=4.0),
        row(model=None, provider=None, upstream_model=None, cost=0.0, decision="blocked",
            status_code=403),
        row(model=retired, cost=1.25),  # in the log from before it left the catalogue
    ])
    sign_in(tab, gw, gw.key("admin", user=f"admin.{gw.scope}@exemple.fr", department="it"))
    card = tab.locator("section", has=tab.locator("#h-models"))
    labels = card.locator("svg.chart text").all_text_contents()
    catalogue = set(gw.app.state.gateway.catalogue.names())
    bars = [label for label in labels if "€" not in label]
    assert "claude-test" in bars and "Hors catalogue" in bars
    assert set(bars) - {"Hors catalogue"} <= catalogue, bars
    assert "None" not in labels and unknown not in labels and retired not in labels
    # The legend says what the chart counts and what it leaves out, in the page and the SVG.
    note = card.locator("#models-note").inner_text()
    assert note.startswith("Modèles du catalogue seulement.")
    assert "« Hors catalogue » :" in note and "retirés du catalogue" in note
    assert "Non comptées :" in note and "sans modèle ou vers un modèle inconnu" in note
    assert card.locator("svg.chart desc").text_content().endswith(note)
    card.get_by_text("Données du graphique").click()
    cells = card.locator("table tbody td:first-child").all_inner_texts()
    assert "claude-test" in cells and "None" not in cells and unknown not in cells
