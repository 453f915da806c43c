"""Lower-case names in chat by their place in the sentence (issue 15, seventh round).

``person_context`` reads a lower-case name after a cue word (« avec karim »)
or opening a line before a verb (« sung-min est malade »). Chat also puts a
name as the subject of a verb mid-line (« tu as vu que zainab a eu son CDI »,
« salut svetlana, ilya m'a dit »), beside another name (« rivo et haja sont
bloqués »), and writes Vietnamese names in full (« nguyen van long »). Each
rule wants a name of the lists (``world_names``), never a bare unknown word:
lower case carries no other sign.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..gazetteer import SURNAMES
from ..world_names import is_first_name

__all__ = ["chat_names"]

_LOWER = r"[a-zà-ÿñç]"
_NAME = rf"{_LOWER}{{3,}}(?:-{_LOWER}+)?"
# Third-person verbs and words spoken to someone that follow a subject name.
_AFTER_SUBJECT = (
    r"a|est|m['’]a|t['’]a|va|doit|peut|sera|arrive|vient|dit|fait|veut|remplace|passe|part|"
    r"était|avait|attend|reprend|quitte|garde|gère|s['’]occupe|sont|ont|tu|t['’]as|je|j['’]ai|"
    r"voilà|voici"
)
_SUBJECT = re.compile(rf"(?<![\w@./'’-])(?P<name>{_NAME})(?= +(?:{_AFTER_SUBJECT})(?![\w'’]))")
# « rivo et haja », « joão & inês »: two names joined.
_PAIR = re.compile(rf"(?<![\w@./'’-])(?P<a>{_NAME}) +(?:et|and|&) +(?P<b>{_NAME})(?![\w@/-])")
# A Vietnamese name: family name, middle name, given name (« nguyen van long »).
_VIET_MIDDLE = r"van|văn|thi|thị|duc|đức|huu|hữu|dinh|đình|xuan|xuân|ngoc|ngọc|quoc|quốc"
_VIET = re.compile(
    rf"(?<![\w@./-])(?P<name>{_LOWER}+ +(?:{_VIET_MIDDLE}) +{_LOWER}+(?: +{_LOWER}+)?)(?![\w@/-])"
)

# Vietnamese family names that are also French words.
_SHORT_FAMILIES = frozenset({"le", "lê", "do", "đỗ", "vu", "vũ", "ly", "lý", "ho", "hồ"})


def _known(word: str, stop: frozenset[str]) -> bool:
    return word not in stop and is_first_name(word)


def chat_names(text: str, stop: frozenset[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of the lower-case names the module docstring describes.

    ``stop``: words that are never names (stop words, roles, ambiguous first
    names such as « rose » or « pierre »).
    """
    for match in _SUBJECT.finditer(text):
        if _known(match["name"], stop):
            yield match.span("name")
    for match in _PAIR.finditer(text):
        a, b = match["a"], match["b"]
        if _known(a, stop) and _known(b, stop):
            yield match.span("a")
            yield match.span("b")
    for match in _VIET.finditer(text):
        words = list(re.finditer(r"\S+", match["name"]))
        if words[-1].group() in stop:  # « nguyen thi mai a envoyé »: the verb goes on
            words.pop()
        family, given = words[0].group(), words[-1].group()
        # « le van hieu »: a family name that is a word needs a known given name.
        if (family in SURNAMES and family not in stop) or (
            family in _SHORT_FAMILIES and is_first_name(given)
        ):
            yield match.start("name"), match.start("name") + words[-1].end()
