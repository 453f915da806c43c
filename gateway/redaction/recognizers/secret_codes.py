"""Secrets that ``secrets.py``'s label rules miss: PINs and codes near their label,
spaced one-time codes, card security codes, and a few more password phrasings.

dev3_fr (issue 15) measured SECRET recall at 0.73 on its secret texts before
these rules: the value sat a few words after its label (« Le code confidentiel
vous sera envoyé séparément : 6605 », « code de l'alarme ? c'est toujours
8812 »), was a label away from « code » (« cadenas 0731 », « alarme entrepôt :
2580 »), was spaced (« passcode : 552 918 ») or was three digits (« cryptogramme
381 »). Harmless codes share these shapes (« code postal 75011 », « code
banque 30004 », « code NAF 6201Z »): a qualifier naming such a code between
the label and the value leaves it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .secret_commands import command_secrets
from .secret_shapes import shape_secrets
from .secret_tools import tool_secrets

__all__ = ["code_secrets"]

# Words that make a nearby number a secret code.
_PIN_LABEL = (
    r"codes?|pin|puk|digicode|cadenas|coffre(?:-fort)?|alarme|passcode|otp|2fa|"
    r"code(?:s)? (?:confidentiel|secret|d['’]accès|pin)"
)
# Qualifiers of harmless codes: « code postal », « code client », « code NAF ».
_HARMLESS_CODE = re.compile(
    r"(?i:\b(?:postal|postaux|client|clients|banque|guichet|naf|ape|article|promo|promotionnel|"
    r"produit|tva|insee|département|erreur|error|http|retour|projet|rome|comptable|analytique|"
    r"fournisseur|source|barre|barres|couleur|pays|iso|cip|ean|sku|réf|ref|référence|commande|"
    r"suivi|tracking|douane|douanier|acte|formation|salarié|matricule|agent|magasin|vendeur|"
    r"remise|réduction|parrainage|cadeau|rabais|lot|série|modèle|version|zone|tarif|"
    r"status|statut|réponse|response|exit|sortie|ligne|line|cpf|siret|siren|bic|swift|iban)\b)"
)
# The value: 4 to 8 digits, digit groups (« 552 918 », « 19-44-07 »), digits
# spaced one by one (« 6 0 4 8 »), or 4 to 8 capitals and digits with at least
# two digits (« 47B19 »).
_VALUE = (
    r"(?P<value>\d{4,8}|\d{2,4}(?:[ \-]\d{2,4}){1,2}|\d(?: \d){3,7}|"
    r"(?=[0-9A-Z]*\d[0-9A-Z]*\d)[0-9A-Z]{4,8})"
    r"(?![\w/:€%-]|[ \-]\d|[.,]\d| ?(?:€|%|h\b|min\b|ans\b|jours\b|euros?\b|mois\b))"
)
_PIN_NEAR = re.compile(
    r"(?i:\b(?P<label>" + _PIN_LABEL + r"))(?![\w-])(?P<gap>[^\n.!;]{0,48}?)"
    # Not the tail of a phone number or a longer digit run.
    r"(?<![\w/-])(?<!\d[ .])" + _VALUE
)
# Whose code it is: « code magasin » is the shop's number, but « alarme du
# magasin », « coffre de l'agence » still guard something with a secret.
_OWNER = re.compile(
    r"(?i:\b(?:magasin|salarié|agent|vendeur|fournisseur|clients?|zone|ligne|line)\b)"
)
# A year after a bare label (« code de l'alarme changé en 2026 ») is a date.
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SAYS_VALUE = re.compile(r"(?i:[:=]|\bc['’]est\b|\best\b|\bis\b|\bsera\b)")
# « cryptogramme 381 », « CVV : 042 ».
_CVV = re.compile(
    r"(?i:\b(?:cryptogramme(?: visuel)?|cvv2?|cvc2?|code de sécurité))[ \t]*(?::|est)?[ \t]*"
    r"(?P<value>\d{3,4})(?![\w/-])"
)
# « mot de passe provisoire (à changer à la 1re connexion) : Bvn-4471-zq ».
_PARENTHESIS = re.compile(
    r"(?i:\b(?:mots? de passe|mdp|password)(?:[ \t]+[^\W\d_]+){0,3}[ \t]*\([^)\n]{1,60}\)"
    r"[ \t]*:[ \t]*)(?P<value>[^\s\"'`,;]{4,100}?)(?=[.,;)]?(?:\s|$))"
)
# « les identifiants sont admin et Borne7731x », « login gbecker, mdp Berlin1989 ».
_LOGIN_AND = re.compile(
    r"(?i:\b(?:identifiants?|accès|login|credentials)\b[^\n.]{0,40}?\b(?:sont|:|are)[ \t]+)"
    r"[^\s,;]+[ \t]+(?i:et|and|/)[ \t]+(?P<value>[^\s\"'`,;]{4,100}?)(?=[.,;)]?(?:\s|$))"
)
# « docker login -u ci-bot -p Rg7v... », « ftp -p », « az login -p »: -p then a value.
_DASH_P = re.compile(
    r"\b(?:docker|podman|helm|az|oc|ftp|lftp|smbclient|psql|rabbitmqctl)\b[^\n]*?"
    r"[ \t]-p[ \t]+(?P<value>[^\s-]\S{3,100})"
)


# A value shaped like a password (a letter, a digit and a symbol) right after
# a word that names one: « clé Jup1ter!2026 », « pwd Xk9#2 ».
_STRONG = r"(?=\S*[^\W\d_])(?=\S*\d)(?=\S*[!?#$%&*+=^~_@])[^\s\"'`,;«»]{6,40}?"
_STRONG_DIRECT = re.compile(
    r"(?i:\b(?:clé|cle|key|mdp|pwd|pass|password|accès|acces))[ \t]+(?P<value>" + _STRONG + r")"
    r"(?=[.,;)]?(?:\s|$))"
)
# « qui a le mot de passe du compte Canva ? c'est pas canva2026equipe ? », « les
# accès Grafana ? tomasz dit que c'est Graf@na-Ops9 »: after « c'est », letters
# mixed with digits, with a label for a password or an access just before.
_SAYS = re.compile(
    r"(?i:\bc['’]est)[ \t]+(?:(?:pas|toujours|bien|juste|encore|maintenant|désormais)[ \t]+)?"
    r"(?P<value>(?=\S*[^\W\d_])(?=\S*\d)[^\s\"'`,;«»?!]{6,40}?)(?=[.,;)]?(?:\s|$)|[ \t]*[?!])"
)
_ACCESS_NEAR = re.compile(
    r"(?i:\b(?:mots? de passe|mdp|password|pwd|passcode|accès|acces|identifiants?|login|"
    r"code|clé|cle)\b)"
)
# Google's 16-letter app passwords, written in four groups: « abcd efgh ijkl mnop ».
_APP_PASSWORD = re.compile(
    r"(?i:(?:password|passwd|pass|mot de passe|mdp)[\w\"']*[ \t]*[:=][ \t]*[\"']?)"
    r"(?P<value>[a-z]{4}(?: [a-z]{4}){3})(?![\w])"
)
# Incoming webhooks carry their secret in the path.
_WEBHOOK = re.compile(
    # The team and channel ids before the secret identify the workspace: all of the path goes.
    r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<value>[A-Z0-9]+/[A-Z0-9]+/[A-Za-z0-9]{16,})"
    r"|discord(?:app)?\.com/api/webhooks/\d+/(?P<discord>[\w-]{30,})"
)


# « G-739105 est votre code de validation Google », « 552918 is your code »:
# the value before its label.
_CODE_FIRST = re.compile(
    r"(?<![\w-])(?P<value>(?:G-)?\d{4,8})[ \t]+(?i:est votre code|is your (?:\w+ )?code)"
)
# A label closing its line (« Le mot de passe du partage est le suivant : »,
# « Vos codes de récupération : »), then the value(s) alone on the next lines.
_LABEL_LINE = re.compile(
    r"(?im)(?:mots? de passe|mdp|password|codes? de (?:récupération|secours)|recovery codes?|"
    r"backup codes?)[^\n]{0,60}:[ \t]*\n(?:[ \t]*\n)?"
)
_VALUE_LINE = re.compile(r"[ \t]*(?P<value>[^\s\"'`]{4,60})[ \t]*(?:\n|$)")


# A login as an e-mail address, then a password-shaped value: « marc@acme.fr /
# Acme#2026 », « compta@x.fr | Tresor-44 ». Letters and digits with a symbol
# or an inner capital, so « paul@x.fr / Marketing » stays.
_EMAIL_PAIR = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+[ \t]*[/|][ \t]*"
    r"(?P<value>(?=\S*[^\W\d_])(?=\S*\d)[^\s\"'`,;«»/]{6,60}?)(?=[.,;)]?(?:\s|$))"
)


def _values_below(text: str) -> Iterator[tuple[int, int]]:
    for match in _LABEL_LINE.finditer(text):
        pos = match.end()
        for _ in range(10):  # recovery codes come by the handful
            line = _VALUE_LINE.match(text, pos)
            value = line.group("value") if line else ""
            # A link or an address below the label (« cliquez ici : https://… ») is not it.
            if not line or not _looks_secret(value) or "://" in value or "@" in value:
                break
            yield line.span("value")
            pos = line.end()


def _looks_secret(value: str) -> bool:
    """Digits, symbols or inner capitals: not a plain word."""
    return any(not c.isalpha() for c in value) or any(c.isupper() for c in value[1:])


def code_secrets(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, rule) of each secret the module docstring describes."""
    yield from shape_secrets(text)
    yield from tool_secrets(text)
    yield from command_secrets(text)
    for match in _PIN_NEAR.finditer(text):
        gap, value = match.group("gap"), match.group("value")
        if not match.group("label").lower().startswith("code"):
            gap = _OWNER.sub("", gap)
        if _HARMLESS_CODE.search(gap) or (_YEAR.match(value) and not _SAYS_VALUE.search(gap)):
            continue
        yield *match.span("value"), "secret_code_near"
    for regex, rule in ((_CVV, "secret_cvv"), (_DASH_P, "secret_dash_p")):
        for match in regex.finditer(text):
            yield *match.span("value"), rule
    for regex, rule in ((_STRONG_DIRECT, "secret_strong"), (_APP_PASSWORD, "secret_app_password")):
        for match in regex.finditer(text):
            yield *match.span("value"), rule
    for match in _SAYS.finditer(text):
        near = _ACCESS_NEAR.search(text, max(0, match.start() - 100), match.start())
        # « le code promo c'est NOEL2026 »: a harmless code's qualifier after the label.
        if near and not _HARMLESS_CODE.search(text, near.end(), match.start()):
            yield *match.span("value"), "secret_says"
    for match in _CODE_FIRST.finditer(text):
        yield *match.span("value"), "secret_code_first"
    for start, end in _values_below(text):
        yield start, end, "secret_below_label"
    for match in _WEBHOOK.finditer(text):
        group = "value" if match.group("value") else "discord"
        yield *match.span(group), "secret_webhook"
    for regex, rule in (
        (_PARENTHESIS, "secret_prose"),
        (_LOGIN_AND, "secret_login_and"),
        (_EMAIL_PAIR, "secret_email_pair"),
    ):
        for match in regex.finditer(text):
            if _looks_secret(match.group("value")):
                yield *match.span("value"), rule
