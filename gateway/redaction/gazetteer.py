"""Word lists used by the person recognizers (common first names, stop words).

The first names are the most frequent given names in France (INSEE birth
statistics, 1940-2020, from memory, both sexes) plus common English ones.
They only *support* a capitalised surname that follows; names outside the
list still rely on spaCy NER and on the title/greeting rules.
"""

from __future__ import annotations

__all__ = ["FIRST_NAMES", "NOT_A_NAME"]

_FIRST_NAMES_TEXT = """
adam adèle adrien agathe agnès alain albert alexandra alexandre alexis alfred alice
aline alix amandine amélie anaïs andré andrée ange angélique anne annick annie
anthony antoine antoinette arnaud arthur audrey aurélie aurélien axel baptiste
benjamin benoît bernadette bernard bertrand brigitte bruno camille capucine carole
caroline catherine cécile céline chantal charles charlotte chloé christelle
christian christiane christine christophe claire clara claude claudine clément
clémence colette coralie corinne damien daniel danielle david delphine denis denise
didier dominique dylan edith édith éléonore elisa élisa élise elodie élodie éloïse
emma emmanuel emmanuelle enzo éric estelle ethan étienne eva évelyne fabien
fabienne fabrice fanny florence florian francis franck françois françoise frédéric
frédérique gabriel gabrielle gaël gaëlle gaëtan geneviève georges gérard germaine
ghislaine gilbert gilles ginette grégoire grégory guillaume guy hélène henri
henriette hervé hugo hugues inès irène isabelle jacqueline jacques jade jean
jeanne jeannine jérémy jérôme joël joëlle jonathan josé joseph josette josiane
jules julie julien juliette justine karine kevin kévin laetitia laëtitia laura
laure laurence laurent léa léna léo léon léonie liliane lina lisa lou louis
louise luc lucas lucie lucien lucienne ludovic lydie madeleine manon marc marcel
marcelle margaux margot marguerite maria marie mariette marine marius marthe
martin martine mathéo mathias mathieu mathilde matthieu maurice maxime mélanie
michel michèle micheline mickaël monique morgane muriel myriam nadège nadia
nadine nathalie nathan nicolas nicole noah noé noémie océane odette odile olivier
ophélie pascal pascale patrice patricia patrick paul paulette pauline philippe
pierre quentin raphaël raymond raymonde régine régis rémi rémy renée richard
robert roger roland romain romane rose sabine sacha samuel sandra sandrine sarah
sébastien serge simon simone solange sophie stéphane stéphanie suzanne sylvain
sylvie thérèse thibault thibaut thierry thomas timothée tom valentin valérie
vanessa véronique victor victoria vincent virginie xavier yann yannick yves
yvette yvonne zoé maël maëlle lilou ambre anna jules timéo nolan gabin sacha
mohamed mehdi karim rachid sofiane nassim yanis amine samir nadia fatima leïla
yasmine sarah myriam kenza salomé agathe constance blanche apolline héloïse
jean-pierre jean-claude jean-louis jean-marc jean-paul jean-luc jean-michel
jean-françois jean-jacques jean-philippe marie-claire marie-christine
marie-france marie-thérèse anne-marie anne-sophie pierre-yves paul-henri
james john robert michael william david mary patricia jennifer linda elizabeth
susan jessica emily olivia sophia oliver jack harry george charlie amelia isla
"""

FIRST_NAMES: frozenset[str] = frozenset(_FIRST_NAMES_TEXT.split())

# Capitalised words spaCy's small French model often tags PER or LOC although
# they are salutations, sentence starters or document vocabulary.
NOT_A_NAME: frozenset[str] = frozenset(
    [
        "bonjour",
        "bonsoir",
        "salut",
        "coucou",
        "merci",
        "cordialement",
        "bien",
        "cdt",
        "rendez",
        "objet",
        "madame",
        "monsieur",
        "mademoiselle",
        "messieurs",
        "mesdames",
        "client",
        "cliente",
        "facture",
        "total",
        "réf",
        "ref",
        "devis",
        "commande",
        "tél",
        "tel",
        "téléphone",
        "mail",
        "email",
        "courriel",
        "adresse",
        "date",
        "montant",
        "siret",
        "siren",
        "tva",
        "iban",
        "rib",
        "bic",
        "nir",
        "urgent",
        "important",
        "note",
        "pj",
        "cc",
        "cci",
        "re",
        "tr",
        "fwd",
        "dear",
        "hello",
        "hi",
        "regards",
        "thanks",
        "best",
        "sincerely",
        "subject",
        "invoice",
        "order",
        "the",
        "signé",
        "signée",
        "directeur",
        "directrice",
        "responsable",
        "service",
        "équipe",
        "equipe",
        "rh",
        "paie",
        "comptabilité",
        "société",
        "sas",
        "sarl",
        "sa",
        "eurl",
        "sci",
        "remise",
        "nom",
        "prénom",
        "manager",
        "ttc",
        "ht",
        "eur",
        "cedex",
        "bp",
        "tva",
        "intracommunautaire",
        "facture",
        "fournisseur",
        "priorité",
        "message",
        "ticket",
    ]
)

# What most prompts start with: an instruction to the model ("Résume ça", "Traduis ce
# texte"). spaCy's small French model tags a capitalised verb at the start of a message as
# a person, and the model would then receive "<PERSON_1> ce texte": the instruction lost.
_INSTRUCTIONS_TEXT = """
aide aidez ajoute ajoutez améliore améliorez analyse analysez calcule calculez cherche
cherchez classe classez compare comparez complète complétez convertis convertissez
corrige corrigez crée créez décris décrivez détaille détaillez dis dites donne donnez
écris écrivez explique expliquez extrais extrayez fais faites génère générez identifie
identifiez imagine imaginez liste listez montre montrez prépare préparez propose
proposez rédige rédigez reformule reformulez relis relisez résume résumez simplifie
simplifiez structure structurez synthétise synthétisez traduis traduisez transforme
transformez trouve trouvez vérifie vérifiez
summarize summarise translate explain rewrite draft describe generate
"""
NOT_A_NAME = NOT_A_NAME | frozenset(_INSTRUCTIONS_TEXT.split())
