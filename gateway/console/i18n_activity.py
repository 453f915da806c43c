"""Console strings of what became of a request (« Mon activité », a record's page), fr and en.

Merged into :mod:`gateway.console.i18n`'s table; the sentences follow the outcomes of
:mod:`gateway.console.activity`, one ``out.<kind>`` each.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "out.sent": ("Transmise à {model}, réponse reçue.", "Sent to {model}, answered."),
    "out.pending": ("En cours de traitement.", "Being processed."),
    "out.failed": ("Non aboutie : {reason}", "Did not go through: {reason}"),
    "out.blocked": ("Refusée, rien n'a été envoyé : {reason}",
                    "Refused, nothing was sent: {reason}"),
    "out.confirmed": ("Refus confirmé par {by} le {at} : « {comment} »",
                      "Refusal confirmed by {by} on {at}: “{comment}”"),
    "out.held": ("Rien n'a été envoyé pour l'instant : la demande attend une validation.",
                 "Nothing was sent yet: the request awaits approval."),
    "out.held_next": (
        "Un·e valideur·se de l'entreprise va l'examiner ; sa décision et son commentaire "
        "s'afficheront ici, dans « Mon activité ». Si elle est approuvée, renvoyez "
        "exactement la même requête (même modèle, même texte) dans les {ttl} qui suivent : "
        "elle passera une fois. Si elle est rejetée, le motif s'affichera ici et rien ne "
        "sera envoyé.",
        "A reviewer in your company will look at it; the decision and its comment will show "
        "here, in “My activity”. If it is approved, send exactly the same request again "
        "(same model, same text) within {ttl}: it will go through once. If it is rejected, "
        "the reason will show here and nothing will be sent.",
    ),
    "out.why": ("Motif : {reason}", "Reason: {reason}"),
    "out.id": ("Identifiant de la demande", "Request id"),
    "out.decided": ("{action} par {by} le {at} : « {comment} »",
                    "{action} by {by} on {at}: “{comment}”"),
    "out.approved": (
        "Rien n'a encore été envoyé : renvoyez exactement la même requête avant le {until} "
        "(UTC) ; elle passera une fois.",
        "Nothing was sent yet: send exactly the same request again before {until} (UTC); "
        "it will go through once.",
    ),
    "out.expired": (
        "L'approbation a expiré le {until} (UTC) sans être utilisée : renvoyez la requête "
        "pour une nouvelle demande de validation.",
        "The approval expired on {until} (UTC) unused: send the request again to ask for "
        "approval anew.",
    ),
    "out.rejected": ("Rien n'a été envoyé.", "Nothing was sent."),
    "out.used": ("Renvoyée et transmise le {at} :", "Sent again and answered on {at}:"),
    "out.used_purged": ("Renvoyée et transmise le {at} (enregistrement purgé depuis).",
                        "Sent again and answered on {at} (record purged since)."),
    "out.see_retry": ("voir la requête transmise", "see the request that went through"),
    "out.retry": ("Transmise après validation de la demande du {at} :",
                  "Sent after approval of the request of {at}:"),
    "out.retry_purged": ("Transmise après validation d'une demande (purgée depuis).",
                         "Sent after approval of a request (purged since)."),
    "out.see_original": ("voir la demande validée", "see the approved request"),
    "out.nothing_sent": ("Rien n'a été envoyé au modèle pour cette demande.",
                         "Nothing was sent to the model for this request."),
    "dur.days": ("{n} jours", "{n} days"),
    "dur.hours": ("{n} heures", "{n} hours"),
    "dur.minutes": ("{n} minutes", "{n} minutes"),
}
