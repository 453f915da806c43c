"""Build gateway/redaction/data/{first_names,surnames}.txt from Faker's locale name lists.

Usage (in a throwaway venv, neither package is a dependency of the gateway):
  pip install faker==40.40.0 spacy-lookups-data==1.0.5
  python tools/make_name_lists.py

Why: the hand-written gazetteer (``gateway/redaction/gazetteer.py``) holds the
commonest French and a few hundred world first names; held-out set #2 (issue
15) found names outside it at 0.713 recall against 0.972 inside. Faker
(MIT licence, https://github.com/joke2k/faker) ships curated first and family
names for ~80 locales; its West African (yo_NG, ig_NG, ha_NG, tw_GH, en_NG),
Maghreb (fr_DZ), Vietnamese, romanised Chinese and Japanese, Slavic,
Portuguese, Turkish and Romanian lists are the origins the gateway's users
write. Only the Latin-script lists are taken (Cyrillic ones are transliterated
with Faker's own unidecode table); Arabic, Hangul, Thai and Indic scripts are
left out: their romanisation varies too much to match what people type.

A name that is also a common French or English word (« rose », « pierre »,
« will », « young », « park ») would make the name rules hit ordinary words,
so every word in spaCy's French and English lemma tables (spacy-lookups-data,
MIT; the English tables come from WordNet 3.0, whose licence allows this use)
is left out (accented or not), as are words of two letters. The curated gazetteer keeps the
frequent names that are also words.
"""

from __future__ import annotations

import gzip
import importlib
import json
import pkgutil
import unicodedata
from pathlib import Path

import faker.providers.person as person_providers
import spacy_lookups_data
from faker.decode import unidecode

OUT = Path(__file__).resolve().parents[1] / "gateway" / "redaction" / "data"
_LATIN_CYRILLIC = ("ru_RU", "uk_UA", "bg_BG", "mk_MK")
_SKIPPED = (
    "ar_AA",
    "ar_PS",
    "ar_SA",
    "fa_IR",
    "he_IL",
    "ko_KR",
    "th_TH",
    "hi_IN",
    "bn_BD",
    "gu_IN",
    "mr_IN",
    "ne_NP",
    "or_IN",
    "ta_IN",
    "si_LK",
    "ka_GE",
    "hy_AM",
    "el_GR",
)


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _latin(word: str) -> bool:
    return all(c in "-'" or "LATIN" in unicodedata.name(c, "") for c in word)


def _names(provider: type, kind: str, locale: str) -> set[str]:
    """The words of every name list of ``provider`` whose attribute says ``kind``.

    Locales name their lists freely (« first_names_male », « male_last_names »,
    « first_romanized_names »), weighted lists are dicts; an accented name
    also gives its unaccented spelling (« Nguyễn », « nguyen »).
    """
    found: set[str] = set()
    for attr, value in vars(provider).items():
        if kind not in attr or "name" not in attr or not isinstance(value, (list, tuple, dict)):
            continue
        for raw in value:
            if not isinstance(raw, str):
                continue
            text = unidecode(raw) if locale in _LATIN_CYRILLIC else raw
            for word in text.lower().replace("’", "'").split():
                if len(word) > 2 and _latin(word):
                    found.add(word)
                    found.add(_plain(word))
    return found


def _common_words() -> set[str]:
    data = Path(next(iter(spacy_lookups_data.__path__))) / "data"
    words: set[str] = set()
    for name in ("fr_lemma_lookup", "en_lemma_lookup", "fr_lemma_index", "en_lemma_index"):
        with gzip.open(data / f"{name}.json.gz") as fh:
            table = json.loads(fh.read())
        for key, value in table.items():
            if name.endswith("lookup"):
                words.add(key)
            for item in [value] if isinstance(value, str) else value:
                words.add(item)
    return {w.lower() for w in words}


def main() -> None:
    first: set[str] = set()
    last: set[str] = set()
    for module in pkgutil.iter_modules(person_providers.__path__):
        if module.name in _SKIPPED:
            continue
        provider = importlib.import_module(f"{person_providers.__name__}.{module.name}").Provider
        first |= _names(provider, "first", module.name)
        last |= _names(provider, "last", module.name) | _names(provider, "middle", module.name)
    common = _common_words()
    # « sante » would pass as a name while « santé » is a word: compare unaccented.
    common |= {_plain(w) for w in common}
    OUT.mkdir(parents=True, exist_ok=True)
    for name, words in (("first_names", first), ("surnames", last)):
        kept = sorted(w for w in words if w not in common and _plain(w) not in common)
        header = f"# {name}: Faker 40.40.0 person providers, by tools/make_name_lists.py\n"
        (OUT / f"{name}.txt").write_text(header + "\n".join(kept) + "\n", encoding="utf-8")
        print(f"{name}: {len(kept)} kept of {len(words)}")


if __name__ == "__main__":
    main()
