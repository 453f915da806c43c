"""Credentials: provider API keys, tokens, private keys, ``password=...`` forms."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from .base import Rule, RuleRecognizer, accept, take_precomputed
from .secret_codes import code_secrets

_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY

__all__ = ["SecretRecognizer"]


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


# Well-known key shapes; prefixes make them unambiguous, so score 1.0.
_KEY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("anthropic", r"sk-ant-[A-Za-z0-9_-]{20,}"),
    ("openai", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ("aws_access_key", r"(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}"),
    ("github", r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ("gitlab", r"gl(?:pat|dt|ptt|rt|soat|cbt)-[A-Za-z0-9_-]{20,}"),
    ("slack", r"xox[abprse]-[A-Za-z0-9-]{10,}"),
    ("google", r"AIza[0-9A-Za-z_-]{35}"),
    ("stripe", r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,}"),
    ("hf", r"hf_[A-Za-z0-9]{30,}"),
    ("jwt", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    # The shapes of gitleaks' rules for the other providers French teams use.
    ("sendgrid", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    ("npm", r"npm_[A-Za-z0-9]{36}"),
    ("pypi", r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}"),
    ("shopify", r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"),
    ("digitalocean", r"do[por]_v1_[a-f0-9]{64}"),
    ("mailgun", r"key-[0-9a-z]{32}"),
    ("twilio", r"SK[0-9a-f]{32}"),
    ("square", r"sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}"),
    ("mapbox", r"sk\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
    ("groq", r"gsk_[A-Za-z0-9]{40,}"),
    ("xai", r"xai-[A-Za-z0-9]{60,}"),
    ("google_oauth", r"ya29\.[A-Za-z0-9_-]{30,}|GOCSPX-[A-Za-z0-9_-]{28}"),
    ("atlassian", r"ATATT3[A-Za-z0-9_=-]{100,}"),
    ("notion", r"(?:secret_[A-Za-z0-9]{43}|ntn_[A-Za-z0-9]{40,})"),
    ("vault", r"hv[sb]\.[A-Za-z0-9_-]{24,}"),
    ("figma", r"figd_[A-Za-z0-9_-]{30,}"),
    ("postman", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}"),
    ("linear", r"lin_api_[A-Za-z0-9]{40}"),
)

# One pass over the text for all of them (one regex per shape was a pass each).
_KEYS = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _KEY_PATTERNS)
    + r")(?![\w-])"
)

# Configuration lines and assignments whose key names a secret, wherever the
# word sits in the key: "DB_PASSWORD=...", "AWS_SECRET_ACCESS_KEY=...",
# "smtp_pass: ...", '"client_secret": "..."', "passwd = ...". Only the value is
# captured, so the key stays readable for the model.
_SECRET_WORD = (
    r"(?:password|passwd|passphrase|pwd|pass|secret|token|api[_-]?key|apikey|"  # noqa: S105
    r"access[_-]?key|private[_-]?key|credentials?|mdp|signing[_-]?key|encryption[_-]?key|"
    r"psk|wpa[_-]?key)"  # a Wi-Fi pre-shared key (« wifi_psk = … »)
)
# Keys that name a setting about the secret, not the secret ("PASSWORD_MIN_LENGTH").
_NOT_SECRET_KEY = re.compile(
    r"(?i)(?:length|len|min|max|expiry|expires?|ttl|timeout|url|uri|file|path|policy|"
    r"reset|hint|type|name|field|rotation|enabled|required|header|prefix|id)$"
)
_ASSIGNMENT = re.compile(
    r"(?P<key>(?<![\w-])[\"']?[A-Za-z0-9_.-]*(?i:" + _SECRET_WORD + r")[A-Za-z0-9_.-]*[\"']?)"
    r"[ \t]*(?::|=|:=|=>)[ \t]*"
    r"(?:\"(?P<dq>[^\"\n]{3,200})\"|'(?P<sq>[^'\n]{3,200})'|(?P<bare>[^\s\"'`]{3,200}))"
)
# A quoted key then a comma and a quoted value: PHP's « define('DB_PASSWORD', 'X') »,
# « config.set('smtp', 'password', 'X') », « os.getenv("API_TOKEN", "X") ».
_QUOTED_ARGUMENT = re.compile(
    r"(?P<key>[\"'][A-Za-z0-9_.-]*(?i:" + _SECRET_WORD + r")[A-Za-z0-9_.-]*[\"'])"
    r"[ \t]*,[ \t]*(?:\"(?P<dq>[^\"\n]{3,200})\"|'(?P<sq>[^'\n]{3,200})')"
)
_PLACEHOLDER = re.compile(
    r"(?i)^(?:\$\{?[\w.]+\}?|<[^>]*>|\*+|x+|\.+|null|none|nil|true|false|yes|no|bearer|basic|"
    r"required|optional|changeme|secret|password|redacted|hidden|env|os\.environ.*|default|"
    r"example|exemple|dummy|placeholder|os\.getenv.*|getenv.*|"
    r"process\.env.*|\{\{.*\}\}|%\(\w+\)s|%\w+%)$"
)
# Credentials inside a URL ("postgres://user:pass@host", "redis://:pass@host")
# and curl's "-u user:pass": the password only.
_URL_CREDENTIALS = re.compile(
    r"(?i:\b[a-z][a-z0-9+.-]*://)[^\s:/@]*:(?P<value>[^\s@/]{1,200})@[\w.-]"
)
_CURL_USER = re.compile(r"(?<!\S)(?:-u|--user)[ \t]+[^\s:]+:(?P<value>[^\s]{3,200})")
# Prose: "mot de passe temporaire : X", "le mdp du wifi invité c'est X", "the
# password is X", "code wifi : X", "clé WPA2 : X". A few lower-case words may
# sit between the label and the value.
_LABEL = (
    r"(?:mots? de passe|mdp|password|passwd|pwd|pw|pass|passphrase|passcode|digicode|"
    r"code (?:(?:de la|de l['’]|du|des|de|d['’]) ?(?:(?:ma|mon|ta|ton|sa|son|votre|notre) )?)?"
    r"(?:wifi|wi-fi|accès|pin|puk|secret|porte|"
    r"portail|entrée|immeuble|alarme|parking|garage|local|badge|coffre|cadenas|sécurité|"
    r"déverrouillage|boîte|confidentiel|vérification|validation|confirmation|activation|"
    r"carte|cb|téléphone|portable|sim|session|ordinateur|tablette|"
    r"otp|2fa|sms)|(?:access|door|gate|alarm|entry|security|verification|pin|wifi|wi-fi|"
    r"one-time|otp|2fa|sms) code|clé (?:wifi|wi-fi|wpa2?|wep)|"
    r"(?:wifi|wpa2?) (?:key|password)|pin)"
)
_INTRO = r"(?:est|is|c['’]est|sera|was|:|=|->|→)"
_PROSE = re.compile(
    r"(?i:\b" + _LABEL + r")(?!\w)"
    # Words (and a short number: « mdp session caisse 2 : … ») between label and value.
    r"(?:[ \t]+(?!" + _INTRO + r"(?:\s|$))(?:[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*|\d{1,3})"
    r"(?=[ \t:=])){0,9}"
    r"(?P<intro>(?:[ \t]*" + _INTRO + r")+[ \t]*|[ \t]+)"
    # "est le 4471", "c'est « Soleil-26 »", "est toujours Tournesol48": an
    # article, an adverb or an opening quote.
    r"(?:(?:le|la|the|toujours|encore|maintenant|désormais|actuellement|still|now)[ \t]+){0,2}"
    r"(?:[«\"“‘'][ \t\u00a0]?)?"
    r"(?P<value>[^\s\"'`,;«»“”]{3,100}?)(?=[ \t\u00a0]?[»\"”’']|[.,;)]?(?:\s|$))"
)
# Right after the label, without a verb or a colon: only a value that looks
# like a password ("login n.haddad / mdp Haddad-77x").
_PROSE_DIRECT = re.compile(
    r"(?i:\b" + _LABEL + r")(?!\w)[ \t]+(?P<value>[^\s\"'`,;]{4,100}?)(?=[.,;)]?(?:\s|$))"
)
# "identifiant / mot de passe : jdupont / S3cret!", "login/mdp : a / b".
_PAIR = re.compile(
    r"(?i:\b(?:identifiants?|login|user(?:name)?|utilisateur)[ \t]*/[ \t]*"
    r"(?:mot de passe|mdp|password|pwd|pass)\b)[ \t]*:?[ \t]*[^\s/]+[ \t]*/[ \t]*"
    r"(?P<value>[^\s,;]{3,100})"
)
# "identifiants : admin / Xy!2026", "accès : compta / Lyon#26", "creds: bot:Tk-55":
# a login and a password-looking value after a label for both.
_CREDENTIALS = re.compile(
    r"(?i:\b(?:identifiants?|accès|acces|credentials?|creds|login)\b)[ \t]*:[ \t]*"
    r"[^\s/:]+[ \t]*[/:][ \t]*(?P<value>[^\s,;]{4,100})"
)
_PAIR_TAIL = re.compile(r"[ \t]*/[ \t]*\S")
# A word followed by a colon names what follows ("code d'accès TeamViewer : ID ..."):
# it is not the value.
_LABEL_TAIL = re.compile(r"[ \t]*:")
# "le code est 0719", "ton code c'est 4471": "code" alone is too common ("code
# postal", "code client") unless a determiner and a verb or a colon frame it.
_CODE_IS = re.compile(
    r"(?i:\b(?:le|ton|votre|mon|son|notre|leur|the|your) code)[ \t]*"
    r"(?:est|c['’]est|:|=|is)[ \t]*(?P<value>[A-Za-z0-9#*]{4,8})(?=[.,;)]?(?:\s|$))"
)
# Tokens named in prose: "the API key for the EU site is 6f1e0b...", "recovery
# key K3QX-7H2M-...", "clé API : ...", "token : ...". Only a long value mixing
# letters and digits, as generated keys are.
_TOKEN_LABEL = (
    r"(?:(?:api|app|application|access|admin|secret|recovery|license|licence|private|"  # noqa: S105
    r"signing|encryption|master) key|clé (?:d['’]?api|api|secrète|privée|d['’]accès|"
    r"de récupération|de licence)|token|jeton|secret)"
)
_TOKEN_PROSE = re.compile(
    r"(?i:\b" + _TOKEN_LABEL + r")(?!\w)(?:[ \t]+[^\W\d_][\w'’-]*(?=[ \t:=])){0,6}"
    r"(?:[ \t]*" + _INTRO + r")?[ \t]*(?P<value>[A-Za-z0-9][A-Za-z0-9_+/=.-]{15,200})"
    r"(?=[.,;)]?(?:\s|$)|[\"'])"
)
# « Clé : X », « Réseau : Bureau-5G / Clé : X »: « clé » alone is too common a
# word (« clé USB ») unless a colon follows it.
_KEY_COLON = re.compile(r"(?i:\bclé)[ \t]*:[ \t]*(?P<value>[^\s\"'`,;«»]{6,100})")
# mysql's and sshpass's password glued to -p: "mysql -u root -pS3cret!".
_GLUED_P = re.compile(
    r"\b(?:mysql|mysqldump|mariadb|sshpass)\b[^\n]*?[ \t]-p[ \t]?(?P<value>[^\s-]\S{2,100})"
)
# Command-line flags that carry a secret: "--s3-secret X", "--api-token=X".
_CLI_FLAG = re.compile(
    r"(?<!\S)--?[\w-]*(?i:secret|token|password|passwd|pwd|api-key|apikey|key)[\w-]*"
    r"(?:=|[ \t]+)(?P<value>[^\s\"'`-][^\s\"'`]{7,200})"
)
# Any "..._KEY=" setting ("ALGOLIA_ADMIN_KEY=f1c8e2..."): "key" alone names too
# many harmless settings ("sort_key: date"), so only a generated value counts.
_KEY_SETTING = re.compile(
    r"(?<![\w-])[\"']?[A-Za-z0-9_.-]*(?:[_.-](?i:key)|[a-z]Key)[\"']?[ \t]*(?::|=)[ \t]*[\"']?"
    r"(?P<value>[A-Za-z0-9_+/=.-]{16,200})"
)
# A reply in a thread: « le mot de passe du wifi ? » then « c'est Everest_2026! ».
# A value shaped like a password (letters, digits and a symbol) after « c'est »
# or a colon, with a password label in the 200 characters before it.
_PASSWORD_SHAPE = re.compile(
    r"(?:\b(?i:c['’]est|is|est)|[:=])[ \t]+"
    r"(?P<value>(?=\S*[^\W\d_])(?=\S*\d)(?=\S*[!?#$%&*+=^~_])[^\s\"'`,;«»/@]{6,40}?)"
    r"(?=[.,;)]?(?:\s|$))"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_LABEL_NEAR = re.compile(r"(?i:\b" + _LABEL + r")(?!\w)")
# A token alone before the @ of a URL (Sentry's DSN "https://<key>@o1.ingest..."); it
# outranks the e-mail address the same characters form.
_URL_TOKEN = re.compile(r"(?i:\b[a-z][a-z0-9+.-]*://)(?P<value>[A-Za-z0-9_-]{20,200})@[\w.-]")
# An XML or HTML element named for a secret: « <password>Ete2026!Plage</password> ».
_XML_ELEMENT = re.compile(
    r"<(?P<tag>(?i:password|passwd|pwd|secret|token|api_?key|apikey|mot_?de_?passe|mdp|"
    r"client_?secret|access_?token))>[ \t]*(?P<value>[^<\s]{3,200})[ \t]*</(?P=tag)>"
)
# Words that follow "mot de passe est ..." without being a password.
_NOT_A_VALUE = _words(
    """incorrect incorrecte expiré expirée oublié faux erroné invalide valide correct bloqué
    changé modifié réinitialisé temporaire provisoire requis obligatoire vide identique trop
    pas le la les un une ton votre son ce cette sur dans pour envoyé envoyée ci-dessous
    ci-joint voir suivant suivante wrong invalid expired required reset changed incorrect
    the your this that below attached sent same too not valid"""
)


# Whole blocks, PGP's included; a block pasted without its END line (a chat cut
# it) still hides its base64 lines.
_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----"
    r"(?:[\s\S]{0,8000}?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----|(?:\s*[A-Za-z0-9+/=:-]{16,})+)"
)
# The signature of a shared-access URL (Azure SAS « …&sig=Xk7%2Bq… », S3's « Signature= »).
_URL_SIGNATURE = re.compile(
    r"[?&;](?:sig|Signature|X-Amz-Signature)=(?P<value>[A-Za-z0-9%+/=_-]{16,200})"
)
_BEARER = re.compile(r"(?i:\bbearer\s+)(?P<value>[A-Za-z0-9._~+/=-]{20,})")
_BASIC = re.compile(r"(?i:\bauthorization:[ \t]*basic\s+)(?P<value>[A-Za-z0-9+/]{8,}={0,2})")


def _not_placeholder(value: str) -> tuple[int, float] | None:
    """A URL's password unless it is a template's (« postgres://app:changeme@… »)."""
    return None if _PLACEHOLDER.match(value) else (len(value), 1.0)


def _any_value(value: str) -> bool:
    """The element's name says it all (« <password>soleil</password> »)."""
    return bool(value)


def _generated(value: str) -> bool:
    """Letters and digits mixed, as a generated key is (not a word, not a number)."""
    return any(c.isdigit() for c in value) and sum(c.isalpha() for c in value) >= 4


def _looks_secret(value: str) -> bool:
    """Digits, symbols or inner capitals: not a plain word."""
    return any(not c.isalpha() for c in value) or any(c.isupper() for c in value[1:])


class SecretRecognizer(RuleRecognizer):
    """Secrets and credentials (entity type ``SECRET``); no context needed."""

    def __init__(self) -> None:
        rules = [
            Rule("secret_key", _KEYS, accept(1.0), score=1.0),
            Rule("secret_private_key", _PRIVATE_KEY, accept(1.0), score=1.0),
            Rule("secret_bearer", _BEARER, accept(0.9), "value", 0.9),
            Rule("secret_url", _URL_CREDENTIALS, _not_placeholder, "value", 1.0),
            Rule("secret_curl", _CURL_USER, accept(0.9), "value", 0.9),
            Rule("secret_pair", _PAIR, accept(0.9), "value", 0.9),
            Rule("secret_code", _CODE_IS, accept(0.85), "value", 0.85),
            Rule("secret_url_token", _URL_TOKEN, accept(1.0), "value", 1.0),
            Rule("secret_basic", _BASIC, accept(0.9), "value", 0.9),
            Rule("secret_url_signature", _URL_SIGNATURE, accept(0.9), "value", 0.9),
        ]
        super().__init__("SECRET", "SecretRecognizer", rules)

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: Any = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The regex rules, plus assignments and prose whose checks need the whole match."""
        precomputed = take_precomputed(nlp_artifacts, self.id)
        if precomputed is not None:
            return precomputed
        found = super().analyze(text, entities, None, regex_flags)
        assignments = (*_ASSIGNMENT.finditer(text), *_QUOTED_ARGUMENT.finditer(text))
        for match in assignments:
            key = match.group("key").strip("\"'")
            group = next(g for g in ("dq", "sq", "bare") if match.group(g) is not None)
            start, end = match.span(group)
            value = text[start:end].rstrip(",;")
            if _NOT_SECRET_KEY.search(key) or _PLACEHOLDER.match(value):
                continue
            if _PAIR_TAIL.match(text, start + len(value)):
                continue
            found.append(self._result(start, start + len(value), 0.9, "secret_assignment"))
        for regex, direct in ((_PROSE, False), (_PROSE_DIRECT, True)):
            for match in regex.finditer(text):
                start, end = match.span("value")
                value = match.group("value")
                intro = "" if direct else match.group("intro").strip().lower()
                if value.lower() in _NOT_A_VALUE or len(value) < 4 or _PLACEHOLDER.match(value):
                    continue
                if _PAIR_TAIL.match(text, end):
                    continue  # "mot de passe : login / secret": the secret is the pair's
                if not (_looks_secret(value) or intro in {":", "=", "c'est", "c’est"}):
                    continue
                if not intro and _YEAR.match(value):
                    continue  # « code de l'alarme changé en 2026 »: a date
                if _LABEL_TAIL.match(text, end):
                    continue
                found.append(self._result(start, end, 0.85, "secret_prose"))
        for match in _PASSWORD_SHAPE.finditer(text):
            start, end = match.span("value")
            if _LABEL_NEAR.search(text, max(0, start - 200), start):
                found.append(self._result(start, end, 0.8, "secret_near_label"))
        for regex, rule, check in (
            (_TOKEN_PROSE, "secret_token_prose", _generated),
            (_CLI_FLAG, "secret_flag", _generated),
            (_KEY_SETTING, "secret_key_setting", _generated),
            (_CREDENTIALS, "secret_credentials", _looks_secret),
            (_KEY_COLON, "secret_key_colon", _looks_secret),
            (_GLUED_P, "secret_glued_p", _looks_secret),
            (_XML_ELEMENT, "secret_xml", _any_value),
        ):
            for match in regex.finditer(text):
                start, end = match.span("value")
                value = match.group("value").rstrip(".")
                if check(value) and not _PLACEHOLDER.match(value):
                    found.append(self._result(start, start + len(value), 0.85, rule))
        # An app password's four groups outrank the first group alone that the
        # assignment rule reads (« app_password = abcd efgh ijkl mnop »).
        found.extend(
            self._result(s, e, 0.95 if rule == "secret_app_password" else 0.8, rule)
            for s, e, rule in code_secrets(text)
        )
        return found

    def _result(self, start: int, end: int, score: float, rule: str) -> RecognizerResult:
        metadata = {_NAME_KEY: rule, _ID_KEY: self.id}
        return RecognizerResult("SECRET", start, end, score, recognition_metadata=metadata)
