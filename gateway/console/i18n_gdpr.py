"""Console strings of « Mes données » (what is kept about me, rules, who read my records)
and of the people page's GDPR export, in French and English."""

from __future__ import annotations

TEXT: dict[str, tuple[str, str]] = {
    "mydata.link": ("Vos données : ce qui est conservé, jusqu'à quand, les règles qui vous "
                    "concernent et qui a lu vos requêtes",
                    "Your data: what is kept, until when, the rules that apply to you and "
                    "who read your requests"),
    "mydata.title": ("Mes données", "My data"),
    "mydata.intro": (
        "Ce que la passerelle conserve sur vous, pourquoi, pour combien de temps, et qui l'a "
        "consulté. Vous avez {n} requête(s) conservée(s).",
        "What the gateway keeps about you, why, for how long, and who looked at it. You have "
        "{n} request(s) kept."),
    "mydata.kept": ("Ce qui est conservé et jusqu'à quand", "What is kept, and until when"),
    "mydata.data": ("Donnée", "Data"),
    "mydata.period": ("Durée", "Kept for"),
    "mydata.then": ("Ensuite", "Then"),
    "mydata.yours": ("Pour vous", "Yours"),
    "mydata.days": ("{n} jours", "{n} days"),
    "mydata.goes": ("votre plus ancienne : effacée vers le {at}",
                    "your oldest: goes around {at}"),
    "mydata.nothing": ("rien de conservé", "nothing kept"),
    "mydata.purposes": ("Pourquoi", "Why"),
    "mydata.recipients": ("Où vont vos requêtes", "Where your requests go"),
    "mydata.provider": ("Fournisseur", "Provider"),
    "mydata.hosting": ("Hébergement", "Hosting"),
    "mydata.models": ("Modèles", "Models"),
    "mydata.pseudonymized": ("Données personnelles masquées avant envoi",
                             "Personal data masked before sending"),
    "mydata.internal": ("rien ne sort de l'entreprise", "nothing leaves the company"),
    "mydata.by_rules": ("oui (règles {rules})", "yes (rules {rules})"),
    "mydata.not_masked": ("non", "no"),
    "mydata.rules": ("Les règles qui vous concernent", "The rules that apply to you"),
    "mydata.rules_intro": (
        "Les règles dont les conditions sur la personne (rôle, service, adresse) vous visent "
        "ou visent tout le monde ; leurs autres conditions (contenu, modèle, outil) décident "
        "requête par requête.",
        "The rules whose conditions on the person (role, department, address) name you or "
        "everyone; their other conditions (content, model, tool) decide request by request."),
    "mydata.limits": ("Vos limites d'usage", "Your usage limits"),
    "mydata.reads": ("Qui a lu vos requêtes", "Who read your requests"),
    "mydata.reads_intro": (
        "Chaque consultation de vos requêtes par une autre personne est journalisée. Les "
        "collègues sont désignés par leur rôle et un numéro ; le délégué à la protection des "
        "données peut retrouver une consultation par son numéro de journal.",
        "Every look at your requests by someone else is journaled. Colleagues are named by "
        "their role and a number; the data protection officer can trace a read by its "
        "journal number."),
    "mydata.no_reads": ("Personne n'a consulté vos requêtes.",
                        "Nobody has looked at your requests."),
    "mydata.more_reads": ("Les {n} plus récentes ; l'export les contient toutes.",
                          "The {n} most recent; the export has them all."),
    "mydata.reader": ("Qui", "Who"),
    "mydata.how": ("Quoi", "What"),
    "mydata.reason": ("Motif", "Reason"),
    "mydata.journal": ("N° de journal", "Journal no."),
    "mydata.how.records": ("a ouvert ou listé vos requêtes", "opened or listed your requests"),
    "mydata.how.search": ("a recherché vos requêtes", "searched your requests"),
    "mydata.how.export": ("a exporté vos données (droit d'accès)",
                          "exported your data (right of access)"),
    "mydata.how.whole_log": ("a exporté le journal entier", "exported the whole log"),
    "mydata.rights": ("Vos droits", "Your rights"),
    "mydata.rights_text": (
        "Vous pouvez obtenir toutes vos données, en demander la rectification, la limitation, "
        "vous opposer à leur traitement pour un motif légitime, et saisir la CNIL. "
        "Téléchargez-les ici :",
        "You may obtain all your data, ask for its rectification or restriction, object to "
        "its processing on legitimate grounds, and complain to the CNIL. Download it here:"),
    "mydata.download": ("Télécharger mes données (JSON)", "Download my data (JSON)"),
    "pol.retention": ("Conservation du journal", "Log retention"),
    "pol.retention_intro": (
        "Une durée par type de donnée, alignée sur la recommandation de la CNIL pour la "
        "journalisation (six mois à un an) : les données les plus intrusives partent les "
        "premières. Appliquée par « gateway retention purge ».",
        "One period per kind of data, on the CNIL's recommendation for activity logs (six "
        "months to a year): the most intrusive data goes first. Applied by `gateway "
        "retention purge`."),
    "pol.setting": ("Réglage", "Setting"),
    "people.export": ("Export RGPD", "GDPR export"),
    "people.export_reason": ("Motif (demande d'accès du…)", "Reason (access request of…)"),
}
