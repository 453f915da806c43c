"""Console strings of company sign-in, self-service keys and the people page (fr, en).

Merged into :mod:`gateway.console.i18n`'s table; kept apart so that table stays readable.
"""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    # Sign-in
    "login.company": ("Se connecter avec {provider}", "Sign in with {provider}"),
    "login.company_default": ("le compte de l'entreprise", "your company account"),
    "login.company_intro": (
        "Utilisez le compte de l'entreprise : aucune clé à saisir.",
        "Use your company account: no key to type.",
    ),
    "login.breakglass": ("Accès de secours par clé d'administrateur",
                         "Break-glass access with an admin key"),
    "login.or_key": ("Ou avec une clé de passerelle", "Or with a gateway key"),
    "login.key_admin_only": (
        "La connexion par clé est réservée à l'accès de secours des administrateurs : "
        "connectez-vous avec le compte de l'entreprise.",
        "Key sign-in is kept for the administrators' break-glass access: sign in with your "
        "company account.",
    ),
    "sso.refused.unavailable": (
        "Le fournisseur d'identité ne répond pas. Réessayez dans un instant ; l'accès de "
        "secours reste possible.",
        "The identity provider does not answer. Try again shortly; break-glass access "
        "still works.",
    ),
    "sso.refused.discovery": (
        "Le fournisseur d'identité est mal configuré (découverte). Prévenez le service "
        "informatique.",
        "The identity provider is misconfigured (discovery). Tell IT.",
    ),
    "sso.refused.jwks": (
        "Les clés de signature du fournisseur d'identité sont illisibles. Prévenez le "
        "service informatique.",
        "The identity provider's signing keys cannot be read. Tell IT.",
    ),
    "sso.refused.provider": (
        "Le fournisseur d'identité a refusé la connexion.",
        "The identity provider refused the sign-in.",
    ),
    "sso.refused.state": (
        "Cette connexion a expiré ou a déjà servi. Recommencez depuis la page de connexion.",
        "This sign-in expired or was already used. Start again from the sign-in page.",
    ),
    "sso.refused.token": (
        "Le fournisseur d'identité n'a pas validé la connexion (code refusé ou déjà "
        "utilisé). Recommencez.",
        "The identity provider did not confirm the sign-in (code refused or already used). "
        "Start again.",
    ),
    "sso.refused.id_token": (
        "La preuve d'identité reçue est invalide (signature, émetteur, audience, date ou "
        "nonce). Connexion refusée.",
        "The identity proof received is invalid (signature, issuer, audience, time or "
        "nonce). Sign-in refused.",
    ),
    "sso.refused.no_email": (
        "Le fournisseur d'identité n'a pas transmis d'adresse e-mail.",
        "The identity provider sent no e-mail address.",
    ),
    "sso.refused.email_unverified": (
        "Votre adresse e-mail n'est pas vérifiée chez le fournisseur d'identité.",
        "Your e-mail address is not verified at the identity provider.",
    ),
    "sso.refused.domain": (
        "Votre domaine de messagerie n'est pas autorisé sur cette passerelle.",
        "Your e-mail domain is not allowed on this gateway.",
    ),
    "sso.refused.not_allowed": (
        "Votre compte n'appartient à aucun groupe autorisé à utiliser la passerelle.",
        "Your account is in none of the groups allowed to use the gateway.",
    ),
    "sso.refused.subject": (
        "Cette adresse e-mail est déjà liée à un autre compte. Prévenez le service "
        "informatique.",
        "This e-mail address is already bound to another account. Tell IT.",
    ),
    "sso.refused.disabled": (
        "Votre accès à la passerelle est désactivé.",
        "Your access to the gateway is disabled.",
    ),
    # Self-service keys (« Mon activité »)
    "me.activity": ("Mes requêtes", "My requests"),
    "mykeys.title": ("Mes clés", "My keys"),
    "mykeys.intro": (
        "Une clé par outil (VS Code, un script…) : vous la révoquez sans toucher aux autres.",
        "One key per tool (VS Code, a script…): revoke it without touching the others.",
    ),
    "mykeys.name": ("Nom de la clé", "Key name"),
    "mykeys.tool": ("Outil (facultatif)", "Tool (optional)"),
    "mykeys.any_tool": ("(tout outil autorisé)", "(any authorized tool)"),
    "mykeys.expiry": ("Expiration", "Expiry"),
    "mykeys.days": ("{n} jours", "{n} days"),
    "mykeys.never": ("jamais", "never"),
    "mykeys.create": ("Créer la clé", "Create the key"),
    "mykeys.created": ("Clé « {name} » créée.", "Key “{name}” created."),
    "mykeys.usage": (
        "Utilisez-la comme clé d'API OpenAI, avec l'adresse {url}.",
        "Use it as an OpenAI API key, with the base URL {url}.",
    ),
    "mykeys.none": ("Aucune clé active.", "No active key."),
    "mykeys.expires": ("Expire le", "Expires"),
    "mykeys.revoke": ("Révoquer", "Revoke"),
    "mykeys.revoked_done": ("Clé révoquée : elle ne fonctionne plus.",
                            "Key revoked: it no longer works."),
    "mykeys.limit": (
        "Vous avez déjà {n} clés actives, le maximum fixé par le service informatique. "
        "Révoquez-en une d'abord.",
        "You already have {n} active keys, the most IT allows. Revoke one first.",
    ),
    "mykeys.expiry_required": (
        "Une date d'expiration est obligatoire (au plus {n} jours).",
        "An expiry is required (at most {n} days).",
    ),
    "mykeys.bad_name": ("Donnez un nom à la clé (100 caractères au plus).",
                        "Give the key a name (100 characters at most)."),
    "mykeys.bad_tool": ("Outil inconnu.", "Unknown tool."),
    "mykeys.disabled": ("Les clés personnelles sont désactivées par le service informatique.",
                        "Personal keys are turned off by IT."),
    "mykeys.no_person": (
        "Cette session n'est liée à aucune personne : connectez-vous avec le compte de "
        "l'entreprise.",
        "This session is bound to no person: sign in with your company account.",
    ),
    "mykeys.kind.personal": ("personnelle", "personal"),
    "mykeys.kind.issued": ("émise par l'informatique", "issued by IT"),
    # People (admins, auditors)
    "nav.people": ("Personnes", "People"),
    "people.title": ("Personnes", "People"),
    "people.intro": (
        "Qui peut utiliser la passerelle, d'où vient chaque personne (annuaire SCIM, "
        "connexion d'entreprise ou saisie manuelle) et son rôle.",
        "Who may use the gateway, where each person comes from (SCIM directory, company "
        "sign-in or entered by hand) and their role.",
    ),
    "people.email": ("E-mail", "E-mail"),
    "people.name": ("Nom", "Name"),
    "people.source": ("Origine", "Source"),
    "people.keys": ("Clés actives", "Active keys"),
    "people.last_sign_in": ("Dernière connexion", "Last sign-in"),
    "people.state": ("État", "State"),
    "people.active": ("actif", "active"),
    "people.inactive": ("désactivé", "disabled"),
    "people.disable": ("Désactiver", "Disable"),
    "people.enable": ("Réactiver", "Enable"),
    "people.disabled_done": (
        "{email} est désactivé·e : {n} clé(s) révoquée(s), sessions fermées.",
        "{email} is disabled: {n} key(s) revoked, sessions closed.",
    ),
    "people.enabled_done": ("{email} est réactivé·e (ses anciennes clés restent révoquées).",
                            "{email} is enabled again (their old keys stay revoked)."),
    "people.set_role": ("Changer", "Change"),
    "people.role_done": ("Rôle et service de {email} enregistrés.",
                         "{email}'s role and department saved."),
    "people.events": ("Connexions et changements d'accès", "Sign-ins and access changes"),
    "people.events_note": (
        "Extraits de la chaîne d'intégrité des événements (les personnes y sont désignées "
        "par leur identifiant, jamais par leur e-mail).",
        "From the integrity chain of events (people appear there by id, never by e-mail).",
    ),
    "people.when": ("Quand (UTC)", "When (UTC)"),
    "people.event": ("Événement", "Event"),
    "people.who": ("Personne", "Person"),
    "people.detail": ("Détail", "Detail"),
    "people.none": ("Personne pour l'instant.", "Nobody yet."),
    "people.bad_profile": ("Rôle inconnu ou service vide.", "Unknown role or empty department."),
    "people.profile_note": (
        "Quand l'annuaire transmet les groupes, il a le dernier mot à la prochaine "
        "synchronisation ou connexion.",
        "When the directory sends groups, it has the last word at the next sync or sign-in.",
    ),
    "people.source.oidc": ("connexion d'entreprise", "company sign-in"),
    "people.source.scim": ("annuaire (SCIM)", "directory (SCIM)"),
    "people.source.manual": ("manuelle", "manual"),
    "event.person.created": ("personne créée", "person created"),
    "event.person.updated": ("rôle ou service changé", "role or department changed"),
    "event.person.signed_in": ("connexion", "sign-in"),
    "event.person.deprovisioned": ("accès retiré", "access removed"),
    "event.person.reactivated": ("accès rétabli", "access restored"),
    "event.key.created": ("clé créée", "key created"),
    "event.key.revoked": ("clé révoquée", "key revoked"),
}
