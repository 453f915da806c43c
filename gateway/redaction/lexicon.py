"""Words that look like names and are not: brands, headings, verbs, roles, table headers.

Kept apart from the first-name gazetteer (``gazetteer.py``): these lists
*remove* findings (``filters.py``) or stop a rule, where the gazetteer adds.
"""

from __future__ import annotations

__all__ = [
    "AMBIGUOUS_FIRST_NAMES",
    "BRANDS",
    "CONTACT_VERBS",
    "FIRM_COLUMNS",
    "HEADINGS",
    "MAYBE_PERSON_COLUMNS",
    "NON_PERSON_COLUMNS",
    "PERSON_COLUMNS",
    "ROLE_WORDS",
]


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


# Companies and brands a French small company writes about, whose names read
# like a person's ("Leroy Merlin", "Petit Bateau", "Michel et Augustin") or a
# capitalised word NER takes for one. A PERSON finding inside one is dropped
# unless a title or a field label named a person there ("M. Boulanger").
BRANDS: tuple[str, ...] = tuple(
    line.strip()
    for line in """
Leroy Merlin
Malakoff Humanis
Bpifrance
Petit Bateau
Michel et Augustin
Yves Rocher
Louis Vuitton
Christian Dior
Pierre Fabre
Guy Degrenne
Marie Claire
Jean Louis David
Franck Provost
Jacques Dessange
Camille Albane
Claudie Pierlot
Marie Blachère
Jeff de Bruges
Bonne Maman
Fleury Michon
Harmonie Mutuelle
AG2R La Mondiale
Crédit Agricole
Crédit Mutuel
Caisse d'Epargne
Caisse d'Épargne
Banque Populaire
Société Générale
BNP Paribas
La Banque Postale
La Poste
France Travail
Pôle emploi
Bouygues Telecom
Saint-Gobain
Schneider Electric
Maisons du Monde
Brico Dépôt
Mr Bricolage
Monsieur Bricolage
Point P
Castorama
Boulanger
Darty
Lapeyre
Manutan
Lyreco
Bruneau
Raja
Picard
Carrefour
Auchan
Intermarché
Monoprix
Decathlon
Groupama
Generali
Allianz
Axa
Macif
Maif
Matmut
Swiss Life
Klesia
Humanis
Doctolib
Qonto
Swile
Payfit
PayFit
Pennylane
Cegid
Chronopost
Colissimo
Mondial Relay
Geodis
Dalkia
Eiffage
Vinci
Veolia
Engie
Michelin
Renault
Peugeot
Citroën
Dassault
Thales
Safran
Airbus
Legrand
Danone
Lactalis
Bonduelle
Lacoste
Hermès
Chanel
Kiabi
Etam
Sézane
Amazon
Cdiscount
Leboncoin
Vinted
Ikea
Lidl
Aldi
Fnac
Sage
Silae
Free
Orange
Salesforce
HubSpot
Notion
Jira
Slack
Canva
Trainline
Atlantic
Ingenico
""".splitlines()
    if line.strip()
)

# Section headings and field labels that start a line in notes, forms and
# CVs ("Contexte :", "Diagnostic :", "EXPÉRIENCE PROFESSIONNELLE").
HEADINGS: frozenset[str] = _words(
    """
contexte objet objectif objectifs motif diagnostic antécédents antecedents traitement
observations observation conclusion conclusions synthèse synthese résumé resume décision
decision décisions analyse action actions proposition propositions faits suite suites
bénéficiaire beneficiaire bénéficiaires montant référence reference budget planning
périmètre livrables risques contraintes examen conduite points prochaine ordre agenda
compétences competences expérience expérience experience expériences experiences formation
formations langues loisirs profil contact parcours qualités qualites diplômes diplomes
permis centres intérêt intérêts employeurs références summary education skills languages
references decisions attendees notes next steps description priorité statut status
justificatif validé valide adresse coordonnées signataire certifications certificats
"""
)

# Verbs that put a name after them in a request or a to-do ("Appelle Karim",
# "Préviens Nadia", "Contacter M. Diop"): never part of the name.
CONTACT_VERBS: frozenset[str] = _words(
    """
appelle appelez appeler rappelle rappelez rappeler préviens prévenez prévenir contacte
contactez contacter relance relancez relancer demande demandez demander écris écrire
envoie envoyez envoyer transmets transmettez transmettre invite invitez inviter remercie
remerciez remercier informe informez informer vois voyez voir dis dites dire ajoute
ajoutez ajouter mets mettez mettre passe passez passer réponds répondez répondre
convoque convoquez convoquer félicite félicitez féliciter accueille accueillez accueillir
ping call ask tell email remind contact invite thank cc remplace remplacez remplacer
croisé croise
"""
)

# Words after "monsieur le", "madame la": a role, not a surname.
ROLE_WORDS: frozenset[str] = _words(
    """
directeur directrice maire président présidente ministre préfet préfète juge docteur
professeur curé député députée sénateur sénatrice gérant gérante responsable bâtonnier
commissaire conseiller conseillère chef cheffe
"""
)

# First names that are also everyday words: only taken as a name when
# capitalised or after a strong cue (a title, a greeting).
AMBIGUOUS_FIRST_NAMES: frozenset[str] = _words(
    """
pierre rose claire marine france jade ambre olive prune aurore constance victoire blanche
capucine violette iris fleur céleste océane ange marc will mark may june april grace hope
joy lily ruby amber summer bill jack rich long son nam mai hoa lan an bao hai duc tam
louise martin guy bob sam max nour noor emma lou léo noé ali dan eve ève
said prosper min li jun yu yi na dung hung rim sana hao jae ama yaw can
olivier romain clément clémence germain maxime serge fang milan florence sofia
"""
)

# Table and JSON columns whose cells are people's names.
PERSON_COLUMNS: frozenset[str] = _words(
    """
nom prénom prenom noms prénoms name names surname surnames firstname lastname first_name
last_name given_name givenname family_name familyname full_name fullname nom_prenom
nom_prénom nomprenom display_name displayname customer_name client_name contact_name
employee_name patient_name nom_complet intervenant intervenante intervenants salarié
salarie salariée employé employe employée bénéficiaire beneficiaire titulaire
participant participants participante attendee attendees candidat candidate locataire
destinataire demandeur demandeuse porteur porteuse holder cardholder card_holder contact
contacts référent référente referent tuteur tutrice manager agent agente conducteur
conductrice chauffeur auteur auteure author owner assignee reporter interlocuteur
interlocutrice signataire patient patiente élève eleve étudiant étudiante etudiant student
adhérent adhérente adherent assuré assurée assure passager passagère passenger invité
invitée guest remplaçant remplaçante remplacant collaborateur collaboratrice formateur
formatrice stagiaire apprenti apprentie médecin conseiller conseillère prenoms nom_usage
nom_d_usage nom_naissance nom_de_naissance nom_de_famille patronyme
"""
)

# Columns that hold a person as often as a firm or a team (« Client », « Technicien »,
# « Responsable »): a cell counts as a name only when a word of it is a name of
# the lists and none names a firm.
MAYBE_PERSON_COLUMNS: frozenset[str] = _words(
    """
client cliente clients customer technicien technicienne techniciens technician vendeur
vendeuse commercial commerciale responsable responsables resp acheteur acheteuse
demandé_par créé_par cree_par saisi_par validé_par valide_par opérateur operateur
opératrice operatrice préparateur préparatrice livreur livreuse
"""
)

# Table columns whose cells are never people: a name-like word there (a town,
# a department, a job) is not a person.
NON_PERSON_COLUMNS: frozenset[str] = _words(
    """
ville city town pays country région region département departement department service
poste job fonction titre title société societe company entreprise employeur employer
libellé libelle produit product article statut status site agence magasin store
"""
)

# Columns of firms: « Roger Martin » or « Daniel Moquet » there is the firm named after
# its founder; a person there comes with a trade or a title (« Artisan Rémi Carlier »).
FIRM_COLUMNS: frozenset[str] = _words(
    """
fournisseur fournisseurs supplier suppliers vendor vendors prestataire prestataires marque
marques brand brands enseigne enseignes partenaire partenaires organisme banque mutuelle
assureur fabricant manufacturer transporteur éditeur editeur raison_sociale
"""
)
