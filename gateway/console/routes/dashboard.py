"""The dashboard: adoption, usage, cost against budget, refusals, personal data found.

Every figure comes from ``gateway.admin.usage``, the code behind ``/admin/api/stats``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Request
from markupsafe import Markup
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.admin.usage import active_users, usage
from gateway.api.deps import State
from gateway.console import charts
from gateway.console.deps import DashboardViewer
from gateway.console.format import money, number
from gateway.console.i18n import Translator
from gateway.console.views import ModelCosts, department_budget, model_costs
from gateway.console.web import page

router = APIRouter()
WINDOWS = (7, 30, 90)


@router.get("/dashboard")
def dashboard(
    request: Request, viewer: DashboardViewer, db: DbSession, state: State, days: int = 30
) -> Response:
    t = viewer.t
    days = days if days in WINDOWS else 30
    now = datetime.now(UTC)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    since = today - timedelta(days=days - 1)
    month = today.replace(day=1)

    by_day = usage(db, "day", since, None)
    counts = {group["key"]: group["requests"] for group in by_day["groups"]}
    series = [((since + timedelta(days=i)).strftime("%Y-%m-%d"), 0) for i in range(days)]
    series = [(day, counts.get(day, 0)) for day, _ in series]
    users = active_users(db, "department", since, None)
    month_departments = usage(db, "department", month, None)["groups"]
    models = model_costs(usage(db, "model", month, None)["groups"], state.catalogue)
    totals = by_day["totals"]

    budget_rows = []
    for group in month_departments:
        budget = department_budget(state.policy_set, str(group["key"]))
        budget_rows.append({"key": group["key"], "cost": group["cost"], "budget": budget})
    for name in sorted({d for d in users} - {r["key"] for r in budget_rows}):
        budget_rows.append({"key": name, "cost": 0.0,
                            "budget": department_budget(state.policy_set, str(name))})

    def cost_text(row: dict[str, object]) -> str:
        budget = row["budget"]
        limit = f" / {money(budget.amount)}" if budget else f" ({t('dash.no_budget')})"  # type: ignore[attr-defined]
        return f"{money(row['cost'])}{limit}"

    pii = totals["pii_findings"]
    chart = {
        "requests": charts.columns(series, t("dash.requests_per_day"), t("dash.days", n=days)),
        "users": charts.bars(
            [charts.Bar(str(k), v, number(v)) for k, v in sorted(users.items(), key=str)],
            t("dash.users_per_department"), t("dash.users_note")),
        "budget": charts.bars(
            [charts.Bar(str(r["key"]), float(r["cost"]), cost_text(r),
                        r["budget"].amount if r["budget"] else None) for r in budget_rows],
            t("dash.cost_per_department"), t("dash.month")),
        "models": _models_chart(models, t),
        "pii": charts.bars(
            [charts.Bar(k, v, number(v)) for k, v in sorted(pii.items(), key=lambda kv: -kv[1])],
            t("dash.pii"), t("dash.days", n=days)),
    }
    return page(
        request, "dashboard.html", t, viewer=viewer, days=days, windows=WINDOWS,
        totals=totals, active=sum(users.values()), series=series, users=users,
        budget_rows=budget_rows, models=models, models_note=_models_note(models, t), pii=pii,
        chart=chart,
    )


def _models_chart(models: ModelCosts, t: Translator) -> Markup:
    bars = [charts.Bar(str(g["key"]), float(g["cost"]), money(g["cost"])) for g in models.rows]
    if models.other_cost:
        bars.append(charts.Bar(t("dash.models_other"), models.other_cost,
                               money(models.other_cost)))
    desc = t("dash.month") + ". " + _models_note(models, t)
    return charts.bars(bars, t("dash.cost_per_model"), desc)


def _models_note(models: ModelCosts, t: Translator) -> str:
    """The chart's legend: what it counts, and what it leaves out."""
    parts = [t("dash.models_catalogue")]
    if models.other_cost:
        parts.append(t("dash.models_other_note", n=number(models.other_requests),
                       cost=money(models.other_cost)))
    if models.left_out:
        parts.append(t("dash.models_left_out", n=number(models.left_out)))
    return " ".join(parts)
