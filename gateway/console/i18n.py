"""Every string the console shows, in French (the default) and English.

Templates and helpers call ``t("key")``; a missing English entry falls back to French, a
missing key shows itself (so a typo is visible on the page, not a crash).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.console import i18n_activity, i18n_gdpr, i18n_identity
from gateway.console.words import CONDITIONS, VALUES

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

# key: (français, English)
_TEXT: dict[str, tuple[str, str]] = {
    "app.title": ("Console de la passerelle IA", "AI gateway console"),
    "app.skip": ("Aller au contenu", "Skip to content"),
    "lang.switch": ("English", "Français"),
    "lang.switch_label": ("Switch to English", "Passer en français"),
    # Navigation
    "nav.label": ("Navigation principale", "Main navigation"),
    "nav.dashboard": ("Tableau de bord", "Dashboard"),
    "nav.interactions": ("Interactions", "Interactions"),
    "nav.reviews": ("File de revue", "Review queue"),
    "nav.keys": ("Clés", "Keys"),
    "nav.policies": ("Politiques", "Policies"),
    "nav.integrity": ("Intégrité", "Integrity"),
    "nav.me": ("Mon activité", "My activity"),
    "nav.logout": ("Se déconnecter", "Sign out"),
    "nav.signed_in_as": ("Connecté·e :", "Signed in:"),
    # Sign-in
    "login.title": ("Connexion", "Sign in"),
    "login.intro": (
        "Connectez-vous avec votre clé de passerelle (gw-…). Elle n'est pas conservée : "
        "elle ouvre une session de quelques heures.",
        "Sign in with your gateway key (gw-…). It is not kept: it opens a session of a "
        "few hours.",
    ),
    "login.key": ("Clé de passerelle", "Gateway key"),
    "login.submit": ("Se connecter", "Sign in"),
    "login.invalid": ("Clé inconnue ou révoquée.", "Unknown or revoked key."),
    "login.expired": ("Votre session a expiré : reconnectez-vous.",
                      "Your session expired: please sign in again."),
    "logout.done": ("Vous êtes déconnecté·e.", "You are signed out."),
    # Errors
    "error.title": ("Erreur", "Error"),
    "error.forbidden": ("Accès refusé", "Access denied"),
    "error.forbidden_text": (
        "Cette page est réservée aux rôles {roles}. Votre clé a le rôle {role} : si vous "
        "avez besoin de cette page, demandez une clé de ce rôle à un·e administrateur·rice.",
        "This page is for the roles {roles}. Your key has the role {role}: if you need "
        "this page, ask an administrator for a key with that role.",
    ),
    "error.csrf": (
        "Formulaire expiré ou invalide (jeton anti-falsification). Rechargez la page.",
        "Expired or invalid form (anti-forgery token). Reload the page.",
    ),
    "error.not_found": ("Introuvable", "Not found"),
    "error.bad_filter": ("Filtre invalide : « {param} ». Vérifiez les dates (AAAA-MM-JJ) et "
                         "les valeurs saisies.",
                         "Invalid filter: “{param}”. Check the dates (YYYY-MM-DD) and the "
                         "values entered."),
    "error.back": ("Retour", "Back"),
    # Dashboard
    "dash.title": ("Tableau de bord", "Dashboard"),
    "dash.window": ("Période", "Period"),
    "dash.days": ("{n} derniers jours", "last {n} days"),
    "dash.show": ("Afficher", "Show"),
    "dash.requests": ("Requêtes", "Requests"),
    "dash.active_users": ("Utilisateurs actifs", "Active users"),
    "dash.cost": ("Coût", "Cost"),
    "dash.blocked": ("Bloquées", "Blocked"),
    "dash.held": ("Soumises à validation", "Held for review"),
    "dash.errors": ("Erreurs", "Errors"),
    "dash.tokens": ("Jetons", "Tokens"),
    "dash.requests_per_day": ("Requêtes par jour", "Requests per day"),
    "dash.users_per_department": ("Utilisateurs actifs par service",
                                  "Active users per department"),
    "dash.users_note": ("Des effectifs par service, jamais un classement de personnes.",
                        "Head counts per department, never a ranking of people."),
    "dash.cost_per_department": ("Coût du mois par service, au regard du budget",
                                 "This month's cost per department, against budget"),
    "dash.cost_per_model": ("Coût du mois par modèle", "This month's cost per model"),
    "dash.models_catalogue": ("Modèles du catalogue seulement.", "Catalogue models only."),
    "dash.models_other": ("Hors catalogue", "Not in the catalogue"),
    "dash.models_other_note": (
        "« Hors catalogue » : {n} requête(s) vers des modèles retirés du catalogue ({cost}).",
        "“Not in the catalogue”: {n} request(s) to models removed from the catalogue "
        "({cost}).",
    ),
    "dash.models_left_out": (
        "Non comptées : {n} requête(s) sans modèle ou vers un modèle inconnu, refusées "
        "avant tout envoi (0 €).",
        "Not counted: {n} request(s) naming no model or an unknown one, refused before "
        "anything was sent (€0).",
    ),
    "dash.pii": ("Données personnelles détectées, par type", "Personal data found, by type"),
    "dash.decisions": ("Refus et validations", "Refusals and reviews"),
    "dash.budget": ("Budget", "Budget"),
    "dash.no_budget": ("sans budget", "no budget"),
    "dash.budget_rule": ("limite « {id} »", "limit “{id}”"),
    "dash.no_data": ("Aucune donnée sur la période.", "No data for this period."),
    "dash.department": ("Service", "Department"),
    "dash.model": ("Modèle", "Model"),
    "dash.day": ("Jour", "Day"),
    "dash.type": ("Type", "Type"),
    "dash.count": ("Nombre", "Count"),
    "dash.month": ("Mois en cours (UTC)", "Current month (UTC)"),
    "dash.data_table": ("Données du graphique", "Chart data"),
    # Interactions
    "int.title": ("Interactions", "Interactions"),
    "int.filters": ("Filtres", "Filters"),
    "int.search": ("Texte dans le prompt", "Text in the prompt"),
    "int.user": ("Utilisateur (e-mail)", "User (e-mail)"),
    "int.department": ("Service", "Department"),
    "int.tool": ("Outil", "Tool"),
    "int.model": ("Modèle", "Model"),
    "int.decision": ("Décision", "Decision"),
    "int.rule": ("Règle", "Rule"),
    "int.since": ("Depuis", "Since"),
    "int.until": ("Jusqu'au", "Until"),
    "int.any": ("(toutes)", "(any)"),
    "int.apply": ("Rechercher", "Search"),
    "int.reset": ("Effacer", "Clear"),
    "int.date": ("Date (UTC)", "Date (UTC)"),
    "int.status": ("Statut", "Status"),
    "int.cost": ("Coût", "Cost"),
    "int.none": ("Aucune interaction ne correspond.", "No matching interaction."),
    "int.next": ("Page suivante", "Next page"),
    "int.first": ("Première page", "First page"),
    "int.open": ("Ouvrir", "Open"),
    "int.export": ("Exporter :", "Export:"),
    "int.journal_note": (
        "Toute consultation du journal (liste, recherche, export, fiche) est inscrite au "
        "journal d'accès.",
        "Every read of the log (list, search, export, record) is written to the access log.",
    ),
    # Detail
    "det.title": ("Interaction {id}", "Interaction {id}"),
    "det.summary": ("Résumé", "Summary"),
    "det.prompt": ("Prompt (tel que transmis, pseudonymisé)",
                   "Prompt (as forwarded, redacted)"),
    "det.response": ("Réponse", "Response"),
    "det.empty": ("(vide ou purgé par la rétention)", "(empty or purged by retention)"),
    "det.findings": ("Données personnelles détectées", "Personal data found"),
    "det.no_findings": ("Aucune.", "None."),
    "det.rules": ("Règles appliquées", "Matched rules"),
    "det.no_rules": ("Aucune.", "None."),
    "det.timings": ("Durées", "Timings"),
    "det.latency": ("Latence totale", "Total latency"),
    "det.upstream_latency": ("Latence du fournisseur", "Provider latency"),
    "det.tokens": ("Jetons (prompt / réponse)", "Tokens (prompt / completion)"),
    "det.error": ("Message d'erreur", "Error message"),
    "det.integrity": ("Intégrité", "Integrity"),
    "det.seq": ("Rang dans la chaîne (seq)", "Chain position (seq)"),
    "det.prev_hash": ("Empreinte précédente", "Previous hash"),
    "det.hash": ("Empreinte", "Hash"),
    "det.not_chained": ("Pas encore chaînée (en cours).", "Not chained yet (in progress)."),
    "det.hash_ok": ("L'empreinte de cet enregistrement est vérifiée.",
                    "This record's hash verifies."),
    "det.hash_bad": ("L'empreinte ne correspond plus : enregistrement modifié.",
                     "The hash no longer matches: the record was altered."),
    "det.link_ok": ("Lien avec l'enregistrement précédent vérifié.",
                    "Link to the previous record verified."),
    "det.link_bad": ("Le lien avec l'enregistrement précédent est rompu.",
                     "The link to the previous record is broken."),
    "det.link_anchor": ("Précédent purgé par la rétention (ancre).",
                        "Previous record purged by retention (anchor)."),
    "det.content_bad": ("Le contenu ne correspond plus à son empreinte.",
                        "The content no longer matches its hash."),
    "det.retry": ("Renvoi approuvé", "Approved retry"),
    "det.original": ("Demande validée d'origine", "Approved original request"),
    "det.purged": ("purgé par la rétention", "purged by retention"),
    "det.review": ("Décision de revue", "Review decision"),
    "det.reviewer": ("Par", "By"),
    "det.comment": ("Commentaire", "Comment"),
    # Reviews
    "rev.title": ("File de revue", "Review queue"),
    "rev.status": ("Statut", "Status"),
    "rev.status.held": ("En attente", "Held"),
    "rev.status.blocked": ("Bloquées", "Blocked"),
    "rev.status.all": ("Toutes", "All"),
    "rev.none": ("Rien à examiner.", "Nothing to review."),
    "rev.comment": ("Commentaire (obligatoire)", "Comment (required)"),
    "rev.approve": ("Approuver", "Approve"),
    "rev.reject": ("Rejeter", "Reject"),
    "rev.own": ("Votre propre demande : un autre validateur doit l'examiner.",
                "Your own request: another reviewer must decide on it."),
    "rev.confirm_block": ("Confirmer le blocage", "Confirm the block"),
    "rev.decided": ("Décision enregistrée : {action}.", "Decision recorded: {action}."),
    "rev.approve_note": (
        "Une approbation permet à l'auteur de renvoyer la même requête une fois.",
        "An approval lets the author send the same request again, once.",
    ),
    "rev.read": ("Lire la demande", "Read the request"),
    "rev.open_form": ("Décider…", "Decide…"),
    "rev.retry_of": ("Renvoi transmis grâce à l'approbation de", "Retry sent on the approval of"),
    "rev.retry_original": ("la demande d'origine", "the original request"),
    # Keys
    "keys.title": ("Clés de passerelle", "Gateway keys"),
    "keys.create": ("Créer une clé", "Create a key"),
    "keys.user": ("Utilisateur (e-mail)", "User (e-mail)"),
    "keys.department": ("Service", "Department"),
    "keys.role": ("Rôle", "Role"),
    "keys.tool": ("Outil (facultatif)", "Tool (optional)"),
    "keys.tags": ("Étiquettes", "Tags"),
    "keys.tags_field": ("Étiquettes (facultatif, séparées par des virgules)",
                        "Tags (optional, comma-separated)"),
    "keys.tags_hint": (
        "Les règles de la politique visent les clés par étiquette, à l'identique "
        "(majuscules comprises). Étiquettes que la politique active utilise : {tags}.",
        "Policy rules pick keys by tag, exactly (case included). Tags the active policy "
        "uses: {tags}.",
    ),
    "keys.tags_unused": ("aucune", "none"),
    "keys.bad_tag": (
        "l'étiquette « {tag} » n'est pas valable (un seul mot : lettres, chiffres, - _ ou ., "
        "32 caractères au plus)",
        "the tag “{tag}” is not valid (one word: letters, digits, - _ or ., at most 32 "
        "characters)",
    ),
    "keys.too_many_tags": ("{n} étiquettes au plus par clé", "at most {n} tags per key"),
    "keys.submit": ("Créer", "Create"),
    "keys.created": ("Clé créée pour {user}.", "Key created for {user}."),
    "keys.secret_once": (
        "Copiez cette clé maintenant : elle ne sera plus jamais affichée.",
        "Copy this key now: it will never be shown again.",
    ),
    "keys.list": ("Clés existantes", "Existing keys"),
    "keys.prefix": ("Préfixe", "Prefix"),
    "keys.created_at": ("Créée le", "Created"),
    "keys.last_used": ("Dernier usage", "Last used"),
    "keys.state": ("État", "State"),
    "keys.active": ("active", "active"),
    "keys.revoked": ("révoquée le {at}", "revoked on {at}"),
    "keys.revoke": ("Révoquer", "Revoke"),
    "keys.revoked_done": ("Clé {id} révoquée.", "Key {id} revoked."),
    "keys.invalid": ("Création refusée : {reason}", "Creation refused: {reason}"),
    # Policies
    "pol.title": ("Politique d'usage active", "Active usage policy"),
    "pol.version": ("Version", "Version"),
    "pol.files": ("Fichiers", "Files"),
    "pol.defaults": ("Par défaut", "Defaults"),
    "pol.defaults_text": ("Quand aucune règle ne décide : {action} ; contenu journalisé : {log}.",
                          "When no rule decides: {action}; content logged: {log}."),
    "pol.tools": ("Outils autorisés", "Authorized tools"),
    "pol.rules": ("Règles", "Rules"),
    "pol.rule": ("Règle", "Rule"),
    "pol.when": ("Quand", "When"),
    "pol.then": ("Alors", "Then"),
    "pol.unless": ("Sauf si", "Unless"),
    "pol.always": ("toujours", "always"),
    "pol.priority": ("priorité {n}", "priority {n}"),
    "pol.shadow": ("mode observation (shadow)", "shadow mode"),
    "pol.shadow_hits": ("Déclenchements en observation : {n}", "Shadow-mode hits: {n}"),
    "pol.message": ("Message affiché", "Message shown"),
    "pol.limits": ("Budgets et limites", "Budgets and limits"),
    "pol.limit_scope.user": ("par personne", "per person"),
    "pol.limit_scope.department": ("par service", "per department"),
    "pol.rpm": ("{n} requêtes par minute", "{n} requests per minute"),
    "pol.tpd": ("{n} jetons par jour", "{n} tokens per day"),
    "pol.spend": ("{n} € par mois", "€{n} per month"),
    "pol.source": ("Source", "Source"),
    # Integrity
    "ver.title": ("Intégrité du journal", "Log integrity"),
    "ver.intro": (
        "Vérifie que chaque enregistrement est présent, à sa place et non modifié "
        "(chaîne d'empreintes SHA-256).",
        "Checks that every record is present, in place and unaltered (SHA-256 hash chain).",
    ),
    "ver.run": ("Lancer la vérification", "Run the verification"),
    "ver.intact": ("Journal intact.", "Log intact."),
    "ver.broken": ("Journal altéré : {message}", "Log altered: {message}"),
    "ver.chain": ("Chaîne", "Chain"),
    "ver.checked": ("Maillons vérifiés", "Links checked"),
    "ver.head": ("Tête (seq / empreinte)", "Head (seq / hash)"),
    "ver.unchained": ("En attente de chaînage", "Waiting to be chained"),
    "ver.seconds": ("Durée : {s} s", "Duration: {s} s"),
    "ver.pin": (
        "Conservez l'empreinte de tête ailleurs (ticket, SIEM) pour pouvoir prouver plus "
        "tard que rien n'a été réécrit.",
        "Keep the head hash elsewhere (a ticket, a SIEM) to prove later that nothing was "
        "rewritten.",
    ),
    # Me
    "me.title": ("Mon activité", "My activity"),
    "me.intro": ("Vos requêtes passées par la passerelle, les plus récentes d'abord.",
                 "Your requests through the gateway, newest first."),
    "me.outcome": ("Ce qui s'est passé", "What happened"),
    "me.none": ("Aucune requête pour l'instant.", "No request yet."),
    "me.open": ("Détail", "Details"),
    "me.record_title": ("Votre requête du {at}", "Your request of {at}"),
    "me.asked": ("Votre demande (telle que conservée)", "Your request (as kept)"),
    # Words
    "word.yes": ("oui", "yes"),
    "word.no": ("non", "no"),
    "word.none": ("—", "—"),
    "word.quoted": ("« {v} »", "“{v}”"),
}

_TEXT.update(i18n_activity.TEXT)
_TEXT.update(i18n_identity.TEXT)
_TEXT.update(i18n_gdpr.TEXT)


def normalize(lang: str | None) -> str | None:
    return lang if lang in LANGS else None


class Translator:
    """``t("key", **values)`` in one language, plus the words for recorded values."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else DEFAULT_LANG
        self._at = LANGS.index(self.lang)

    def __call__(self, key: str, **values: Any) -> str:
        pair = _TEXT.get(key)
        text = key if pair is None else (pair[self._at] or pair[0])
        return text.format(**values) if values else text

    def value(self, kind: str, raw: str | None) -> str:
        """A recorded value (decision, role, action…) in words; unknown ones as they are."""
        if raw is None:
            return ""
        pair = VALUES.get(kind, {}).get(raw)
        return raw if pair is None else pair[self._at]

    def condition(self, name: str, values: str) -> str:
        pair = CONDITIONS[name]
        return pair[self._at].format(v=values)

    @property
    def other(self) -> str:
        return LANGS[1 - self._at]


def translator(lang: str) -> Translator:
    return Translator(lang)


Gettext = Callable[..., str]
