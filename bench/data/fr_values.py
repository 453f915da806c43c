"""Value generators for the French evaluation set (valid checksums by code).

Names and places here are written independently of the recognizers'
gazetteer: many first names (regional, foreign-origin, rarer) are on purpose
absent from ``gateway.redaction.gazetteer``; the eval reports both groups.
"""

from __future__ import annotations

import random
import string
import unicodedata

FIRST_NAMES = [
    "Jean",
    "Marie",
    "Pierre",
    "Michel",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Philippe",
    "Catherine",
    "Christophe",
    "Sandrine",
    "Stéphane",
    "Valérie",
    "Frédéric",
    "Céline",
    "Laurent",
    "Aurélie",
    "Julien",
    "Émilie",
    "Nicolas",
    "Camille",
    "Thomas",
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Théo",
    "Inès",
    "Louis",
    "Jade",
    "Arthur",
    "Zoé",
    "Gabriel",
    "Maëlys",
    "Raphaël",
    "Clémence",
    "Baptiste",
    "Margaux",
    "Quentin",
    "Pauline",
    "Maxime",
    "Océane",
    "Antoine",
    "Élise",
    "Guillaume",
    "Mathilde",
    "Romain",
    "Justine",
    "Benoît",
    "Agnès",
    "Hervé",
    "Brigitte",
    "Yannick",
    "Gwenaëlle",
    "Erwan",
    "Maïwenn",
    "Loïc",
    "Soizic",
    "Tanguy",
    "Gaëlle",
    "Ronan",
    "Solenn",
    "Goulven",
    "Nolwenn",
    "Abdoulaye",
    "Aminata",
    "Moussa",
    "Fatoumata",
    "Ibrahima",
    "Mariama",
    "Ousmane",
    "Awa",
    "Mamadou",
    "Kadiatou",
    "Karim",
    "Samira",
    "Youssef",
    "Leïla",
    "Rachid",
    "Nadia",
    "Mehdi",
    "Yasmina",
    "Bilal",
    "Soraya",
    "Hamza",
    "Malika",
    "Thi",
    "Minh",
    "Thanh",
    "Huong",
    "Linh",
    "Wei",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Sunil",
    "Priya",
    "Ananya",
    "Rajesh",
    "Wojciech",
    "Agnieszka",
    "Piotr",
    "Katarzyna",
    "Dmitri",
    "Olga",
    "Sergueï",
    "Irina",
    "Bogdan",
    "Ioana",
    "Joao",
    "Ana",
    "Tiago",
    "Inês",
    "Miguel",
    "Beatriz",
    "Giulia",
    "Matteo",
    "Alessandro",
    "Chiara",
    "Javier",
    "Lucía",
    "Siobhan",
    "Declan",
    "Aoife",
    "Niamh",
    "Ingrid",
    "Lars",
    "Astrid",
    "Sven",
    "Björn",
    "Elke",
    "Apolline",
    "Bérénice",
    "Séverine",
    "Ghislain",
    "Aurore",
    "Blandine",
    "Eudes",
    "Hortense",
    "Anatole",
    "Ferdinand",
    "Prosper",
    "Léontine",
    "Marius",
    "Firmin",
    "Clotilde",
    "Honorine",
    "Gaspard",
    "Octave",
    "Violette",
    "Capucine",
    "Kylian",
    "Enzo",
    "Lina",
    "Nolan",
    "Timéo",
    "Ambre",
    "Lou",
    "Noah",
    "Léna",
    "Sacha",
    "Maëlle",
    "Adam",
    "Lya",
    "Naël",
    "Mila",
]

_SIMPLE_LAST_NAMES = """
Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent
Lefebvre Michel Garcia David Bertrand Roux Vincent Fournier Morel Girard André
Lefèvre Mercier Dupont Lambert Bonnet François Martinez Legrand Garnier Faure
Rousseau Blanc Guérin Muller Henry Roussel Nicolas Perrin Morin Mathieu Clément
Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gérard Nguyen
Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy Noël Meyer Lucas Meunier
Jean Perez Marchand Dufour Blanchard Marie Barbier Brun Dumas Brunet Schmitt
Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud Leclerc
Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe Leclercq Lacroix Fabre
Dupuis Olivier Rodriguez Hubert Louis Charles Guillot Rivière
Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Ménard Fleury Deschamps Carpentier
Julien Benoît Paris Maillard Marchal Aubry Vasseur Renault Jacquet Collet
Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons Paul Laine Carré Breton
Kerhervé Quéméner Tanguy Guivarc'h
Diallo Traoré Koné Diop Ndiaye Cissé Camara Sow Touré Fofana Keita Bamba
Benali Haddad Bensaïd Mansouri Cherif Boukhari Zerrouki Amrani Belkacem Hamidi
Tran Pham Le Hoang Vo Dang Bui Chen Wang Zhang Li Yamamoto Tanaka Patel Sharma
Kowalski Nowak Wiśniewski Popescu Ionescu Ivanov Petrov Schneider Weber Fischer
Rossi Russo Ferrari Esposito Fernandes Pereira Oliveira Santos Costa Rodrigues
O'Brien Murphy Jensen Larsen Johansson Lindqvist
d'Aubigny Saint-Martin Lévêque Béranger
"""
LAST_NAMES = [
    *_SIMPLE_LAST_NAMES.split(),
    "Da Silva",
    "Le Gall",
    "Le Roux",
    "Le Goff",
    "Le Floch",
    "Le Bihan",
    "Le Cam",
    "de La Tour",
    "Du Pont",
]

STREET_NAMES = [
    "de la Paix",
    "Victor Hugo",
    "des Lilas",
    "Jean Jaurès",
    "du Général Leclerc",
    "Pasteur",
    "de la République",
    "Gambetta",
    "des Écoles",
    "du Moulin",
    "Saint-Honoré",
    "des Tilleuls",
    "de la Gare",
    "du Château",
    "Émile Zola",
    "de Verdun",
    "Carnot",
    "de l'Église",
    "des Acacias",
    "du Port",
    "Foch",
    "de Strasbourg",
    "des Roses",
    "du 8 Mai 1945",
    "de Bretagne",
    "Jules Ferry",
    "des Peupliers",
    "de la Liberté",
    "du Commerce",
    "Lamartine",
    "de Paris",
    "des Vignes",
    "Nationale",
    "du Stade",
    "de la Fontaine",
    "Anatole France",
    "du Maréchal Joffre",
    "des Frères Lumière",
]
STREET_TYPES = [
    "rue",
    "rue",
    "rue",
    "avenue",
    "boulevard",
    "allée",
    "impasse",
    "chemin",
    "place",
    "quai",
    "route",
    "cours",
    "square",
]
CITIES = [
    ("75002", "Paris"),
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("13008", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("44000", "Nantes"),
    ("59000", "Lille"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("34000", "Montpellier"),
    ("06000", "Nice"),
    ("21000", "Dijon"),
    ("29200", "Brest"),
    ("37000", "Tours"),
    ("87000", "Limoges"),
    ("92100", "Boulogne-Billancourt"),
    ("93200", "Saint-Denis"),
    ("94300", "Vincennes"),
    ("38000", "Grenoble"),
    ("49000", "Angers"),
    ("76600", "Le Havre"),
    ("51100", "Reims"),
    ("20000", "Ajaccio"),
    ("97400", "Saint-Denis"),
    ("85000", "La Roche-sur-Yon"),
    ("13100", "Aix-en-Provence"),
    ("64200", "Biarritz"),
    ("74000", "Annecy"),
    ("57000", "Metz"),
]


def strip_accents(value: str) -> str:
    """ASCII-fold a name for an e-mail local part."""
    folded = unicodedata.normalize("NFKD", value)
    return "".join(c for c in folded if not unicodedata.combining(c))


def luhn_digit(partial: str) -> str:
    """Digit that makes ``partial + digit`` pass Luhn."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return str((10 - total % 10) % 10)


def digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def phone(rng: random.Random) -> str:
    prefix = rng.choice(["06", "07", "01", "02", "03", "04", "05", "09"])
    pairs = [digits(rng, 2) for _ in range(4)]
    style = rng.random()
    if style < 0.45:
        return prefix + " " + " ".join(pairs)
    if style < 0.6:
        return prefix + "".join(pairs)
    if style < 0.7:
        return prefix + "." + ".".join(pairs)
    if style < 0.85:
        return "+33 " + prefix[1] + " " + " ".join(pairs)
    if style < 0.93:
        return "+33" + prefix[1] + "".join(pairs)
    return "0033 " + prefix[1] + " " + " ".join(pairs)


def email(rng: random.Random, first: str, last: str, domain: str) -> str:
    f = strip_accents(first).lower().replace(" ", "")
    la = strip_accents(last).lower().replace(" ", "").replace("'", "")
    local = rng.choice(
        [f"{f}.{la}", f"{f[0]}.{la}", f"{f}{la}", f"{la}.{f}", f"{f}_{la}{rng.randint(1, 99)}"]
    )
    return f"{local}@{domain}"


def iban(rng: random.Random) -> str:
    country = rng.choice(["FR"] * 8 + ["DE", "BE", "ES"])
    lengths = {"FR": 23, "DE": 18, "BE": 12, "ES": 20}
    bban = digits(rng, lengths[country])
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    compact = f"{country}{check:02d}{bban}"
    if rng.random() < 0.7:
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return compact


def card(rng: random.Random) -> str:
    if rng.random() < 0.15:
        partial = rng.choice(["34", "37"]) + digits(rng, 12)
        number = partial + luhn_digit(partial)
        return f"{number[:4]} {number[4:10]} {number[10:]}" if rng.random() < 0.7 else number
    partial = rng.choice(["4", "51", "53", "55", "4970"])
    partial += digits(rng, 15 - len(partial))
    number = partial + luhn_digit(partial)
    sep = rng.choice([" ", " ", "", "-"])
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def nir(rng: random.Random) -> str:
    sex = rng.choice("12")
    year, month = (
        f"{rng.randint(40, 99):02d}" if rng.random() < 0.8 else f"{rng.randint(0, 6):02d}",
        f"{rng.randint(1, 12):02d}",
    )
    dept = rng.choice(["75", "69", "13", "2A", "2B", "33", "59", "44", "99", "35", "92"])
    commune, order = f"{rng.randint(1, 999):03d}", f"{rng.randint(1, 999):03d}"
    body = sex + year + month + dept + commune + order
    numeric = int(body.replace("2A", "19").replace("2B", "18"))
    key = f"{97 - numeric % 97:02d}"
    if rng.random() < 0.6:
        return f"{sex} {year} {month} {dept} {commune} {order} {key}"
    return body + key


def siren(rng: random.Random) -> str:
    partial = rng.choice("123456789") + digits(rng, 7)
    return partial + luhn_digit(partial)


def siret(rng: random.Random, base: str | None = None) -> str:
    if rng.random() < 0.05:
        while True:
            candidate = "356000000" + digits(rng, 5)
            if sum(map(int, candidate)) % 5 == 0:
                return candidate
    partial = (base or siren(rng)) + "000" + rng.choice("123456789")
    return partial + luhn_digit(partial)


def fmt_siren(rng: random.Random, value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:]}" if rng.random() < 0.6 else value


def fmt_siret(rng: random.Random, value: str) -> str:
    return f"{value[:3]} {value[3:6]} {value[6:9]} {value[9:]}" if rng.random() < 0.6 else value


def vat(rng: random.Random, base: str) -> str:
    key = f"{(12 + 3 * (int(base) % 97)) % 97:02d}"
    style = rng.random()
    if style < 0.5:
        return f"FR{key}{base}"
    if style < 0.8:
        return f"FR{key} {base}"
    return f"FR {key} {base[:3]} {base[3:6]} {base[6:]}"


def street(rng: random.Random) -> str:
    number = str(rng.randint(1, 180))
    if rng.random() < 0.12:
        number += rng.choice([" bis", " ter", "bis", "B"])
    return f"{number}{rng.choice(['', ','])} {rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}"


def city(rng: random.Random) -> str:
    code, name = rng.choice(CITIES)
    return f"{code} {name.upper() if rng.random() < 0.2 else name}"


def ipv4(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return ".".join(str(rng.randint(1, 254)) for _ in range(4))


def ipv6(rng: random.Random) -> str:
    groups = [f"{rng.randint(0, 0xFFFF):x}" for _ in range(4)]
    return "2001:db8:" + ":".join(groups[:2]) + "::" + groups[2]


def secret(rng: random.Random) -> tuple[str, str]:
    """Return (prefix text, secret value)."""
    alnum = string.ascii_letters + string.digits
    kind = rng.randint(0, 5)
    if kind == 0:
        return "la clé API ", "sk-proj-" + "".join(rng.choice(alnum) for _ in range(40))
    if kind == 1:
        return "la clé ", "sk-ant-api03-" + "".join(rng.choice(alnum + "-_") for _ in range(48))
    if kind == 2:
        return "l'access key AWS ", "AKIA" + "".join(
            rng.choice(string.ascii_uppercase + string.digits) for _ in range(16)
        )
    if kind == 3:
        return "le token GitHub ", "ghp_" + "".join(rng.choice(alnum) for _ in range(36))
    word = rng.choice(["Soleil", "Azerty", "Printemps", "Marseille", "Chocolat"]) + str(
        rng.randint(10, 2025)
    )
    word += rng.choice(["!", "#", "$", "", "*"])
    if kind == 4:
        return "mot de passe : ", word
    return "password=", word
