"""The words for what the log and the policies hold: recorded values and rule conditions.

Each entry is (français, English), like the console's texts in ``i18n.py``, which reads them.
"""

from __future__ import annotations

# Values recorded in the log, shown in words.
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "decision": {
        "allowed": ("autorisée", "allowed"),
        "redacted": ("pseudonymisée", "redacted"),
        "blocked": ("bloquée", "blocked"),
        "held": ("en attente de validation", "held for review"),
        "approved": ("approuvée", "approved"),
        "rejected": ("rejetée", "rejected"),
        "error": ("erreur", "error"),
    },
    "role": {
        "employee": ("salarié·e", "employee"),
        "auditor": ("auditeur·rice", "auditor"),
        "reviewer": ("valideur·se", "reviewer"),
        "admin": ("administrateur·rice", "administrator"),
    },
    "action": {
        "allow": ("autoriser", "allow"),
        "deny": ("refuser", "deny"),
        "redact": ("traiter les données personnelles", "handle personal data"),
        "hold": ("soumettre à la validation d'un responsable", "hold for a reviewer's approval"),
        "route": ("rediriger vers un autre modèle", "route to another model"),
        "log_content": ("choisir la journalisation du contenu", "set how content is logged"),
    },
    "redact": {
        "pseudonymize": ("pseudonymiser", "pseudonymize"),
        "mask": ("masquer", "mask"),
        "block": ("refuser la requête", "refuse the request"),
    },
    "log": {
        "none": ("aucun contenu", "no content"),
        "redacted": ("pseudonymisé", "redacted"),
        "full-encrypted": ("intégral, chiffré", "full, encrypted"),
    },
    "attachments": {
        "image": ("une image", "a picture"),
        "audio": ("un son", "sound"),
        "video": ("une vidéo", "a video"),
        "pdf": ("un PDF", "a PDF"),
        "file": ("un autre fichier", "another file"),
        "unreadable": ("un fichier que la passerelle ne peut pas lire (son, vidéo, image ou "
                       "scan sans texte lisible, PDF protégé, fichier en lien)",
                       "a file the gateway cannot read (sound, video, picture or scan "
                       "without readable text, protected PDF, linked file)"),
    },
    "hosting": {
        "eu": ("hébergé dans l'UE", "hosted in the EU"),
        "us": ("hébergé aux États-Unis", "hosted in the US"),
        "on_prem": ("hébergé en interne", "hosted on premises"),
    },
}

# Conditions of a policy rule, with {v} the values.
CONDITIONS: dict[str, tuple[str, str]] = {
    "users": ("l'utilisateur est {v}", "the user is {v}"),
    "departments": ("le service est {v}", "the department is {v}"),
    "roles": ("le rôle est {v}", "the role is {v}"),
    "key_tags": ("la clé porte l'étiquette {v}", "the key is tagged {v}"),
    "tools": ("l'outil est {v}", "the tool is {v}"),
    "models": ("le modèle est {v}", "the model is {v}"),
    "providers": ("le fournisseur est {v}", "the provider is {v}"),
    "hosting": ("le modèle est {v}", "the model is {v}"),
    "endpoints": ("la route est {v}", "the endpoint is {v}"),
    "stream": ("la réponse est diffusée en flux : {v}", "the answer is streamed: {v}"),
    "function_tools": ("le modèle peut appeler l'outil {v}", "the model may call the tool {v}"),
    "function_tools_except": ("le modèle peut appeler un outil autre que {v}",
                              "the model may call a tool other than {v}"),
    "attachments": ("la requête joint {v}", "the request carries {v}"),
    "min_tokens": ("la requête fait au moins {v} jetons", "the request has at least {v} tokens"),
    "max_tokens": ("la requête fait au plus {v} jetons", "the request has at most {v} tokens"),
    "pii": ("des données personnelles de type {v} sont détectées",
            "personal data of type {v} is found"),
    "keywords": ("le texte contient {v}", "the text contains {v}"),
    "regex": ("le texte correspond à {v}", "the text matches {v}"),
    "case_sensitive": ("(majuscules comprises)", "(case-sensitive)"),
    "content_roles": ("dans les messages {v}", "in the {v} messages"),
    "or": ("ou", "or"),
    "and": ("et", "and"),
    "route_to": ("vers {v} (le premier présent au catalogue)",
                 "to {v} (the first in the catalogue)"),
}
