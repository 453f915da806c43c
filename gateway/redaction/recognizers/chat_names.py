"""Lower-case names in chat by their place in the sentence (issue 15, seventh round).

``person_context`` reads a lower-case name after a cue word (« avec karim »)
or opening a line before a verb (« sung-min est malade »). Chat also puts a
name as the subject of a verb mid-line (« tu as vu que zainab a eu son CDI »,
« salut svetlana, ilya m'a dit »), beside another name (« rivo et haja sont
bloqués »), writes Vietnamese names in full (« nguyen van long »), two names in
a row (« fatoumata diallo », « mei ling », « youssef el idrissi »), and speaks
to someone whose first name is also a word (« aurore tu me passes… »). Each
rule wants a name of the lists (``world_names``), never a bare unknown word:
lower case carries no other sign. Two-syllable Chinese and Vietnamese given
names (« jia hui », « hai yen ») want two syllables of given names where a name
stands (ninth round).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..gazetteer import SURNAMES
from ..lexicon import AMBIGUOUS_FIRST_NAMES
from ..world_names import is_first_name, is_surname, plain

__all__ = ["chat_names", "lower_pairs", "syllable_names", "vocatives"]

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


_WORD = r"[^\W\d_][^\W\d_'’-]*"
# Overlapping pairs (a lookahead): « dit que fatoumata diallo » pairs every two words.
_LOWER_PAIR = re.compile(rf"(?<![\w@./-])(?P<a>{_WORD})(?= +(?P<b>{_WORD})(?![\w@/-]))")


def lower_pairs(
    text: str, stop: frozenset[str], chat_stop: frozenset[str]
) -> Iterator[tuple[int, int]]:
    """« fatoumata diallo », « costa mariana »: a first name and a family name in lower case."""
    for match in _LOWER_PAIR.finditer(text):
        a, b = match.group("a"), match.group("b")
        if not (a.islower() and b.islower()) or a in stop or b in stop:
            continue
        # « mamadou sy », « amadou ba »: a family name may have two letters; « mei
        # ling », « wei jie »: two given names of the lists, neither a word.
        if (
            len(a) >= 3
            and len(b) >= 2
            and ((is_first_name(a) and is_surname(b)) or (is_surname(a) and is_first_name(b)))
        ) or (
            min(len(a), len(b)) >= 3
            and a not in chat_stop
            and b not in chat_stop
            and is_first_name(a)
            and is_first_name(b)
        ):
            yield match.start("a"), match.end("b")
    # « youssef el idrissi », « karim ben salah »: a particle between the two.
    for match in _LOWER_PARTICLE_PAIR.finditer(text):
        a, b = match.group("a"), match.group("b")
        if a.islower() and b.islower() and is_first_name(a) and is_surname(b) and b not in stop:
            yield match.start("a"), match.end("b")


_LOWER_PARTICLE_PAIR = re.compile(
    rf"(?<![\w@./-])(?P<a>{_WORD}) +(?:el|al|ben|ould|da|dos|van|de|le) +(?P<b>{_WORD})(?![\w@/-])"
)


# A first name that is also a word (« aurore », « clémence », « olivier ») opening a
# chat line, then « tu » or « t'as »: spoken to, so a person. French forms only:
# « can you » or « will you » open English questions.
_VOCATIVE = re.compile(
    r"(?m)^[ \t]*@?(?P<name>[a-zà-ÿ]{4,}(?:-[a-zà-ÿ]+)?)[ \t]*,?[ \t]+"
    r"(?=(?:tu|t['’](?:as|es|étais|avais)|stp|svp|peux-tu)(?![\w-]))"
)


def vocatives(text: str, stop: frozenset[str]) -> Iterator[tuple[int, int]]:
    """A first name that is also a word, spoken to at a chat line's start."""
    for match in _VOCATIVE.finditer(text):
        name = match.group("name")
        if name in AMBIGUOUS_FIRST_NAMES and name not in stop:
            yield match.span("name")


# Two-syllable Chinese and Vietnamese given names in lower case (« jia hui », « hai
# yen », « van long », « zi han »): chat writes the syllables apart, and the lists hold
# few of them as names, many not at all. Two syllables of given names side by side
# name someone where a name stands: after a cue word or at a line's start, and before
# a verb, « et », a colon, a comma or the line's end. Syllables that are French words
# (« le », « lu », « mai », « son », « tu ») are not in the list.
_SYLLABLE_TEXT = """
    wei jie hui wen jia zi han yu xuan hao yi xin ming ling mei li na fang jing ying lei
    tao jun hong yan xiao chen qing ting lan hua zhi jian yong qiang bo peng fei kai rui xi
    yue shu yun ning jin min qian xue zhen cheng hai feng bin yang long ze chun
    ruo shan tian xia yao yin zhu bao zhao zhou guo jiang hui xiu meng qi lin
    anh binh chau cuong dung duc duy giang hanh hang hieu hoa hoang hung huong huy khanh
    khoa kim linh loan nam nga ngan ngoc nhung phong phuong quan quang quoc quynh tam thanh
    thao thi thu thuy trang trung tuan tung uyen van viet vinh vy yen dat khang phuc
    thinh tri tuyet diep hien lien oanh diem nhi thang loc tai
"""
_SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
_SYLLABLE_CUE = (
    r"merci|thx|salut|bonjour|coucou|hello|avec|à|a|de|pour|et|par|que|qu['’]|dis|demande|"
    r"c['’]est|voir|cc|ping|chez|remplace"
)
_SYLLABLE_PAIR = re.compile(
    rf"(?:(?m:^)[ \t]*(?:\[[\d:]+\][ \t]*)?@?|(?<![\w'’])(?:{_SYLLABLE_CUE})[ \t]+)"
    r"(?P<name>(?P<a>[a-zà-ỹ]{2,6}) (?P<b>[a-zà-ỹ]{2,6}))"
    rf"(?=[ \t]*(?:[:,!?.]|$|\n|[^\w\s])|[ \t]+(?:et|and|qui|{_AFTER_SUBJECT})(?![\w'’]))"
)


# « wen jie et hai yen font… »: the second of two names joined by « et ».
_AND_PAIR = re.compile(
    r"[ \t]+(?:et|and|&)[ \t]+(?P<a>[a-zà-ỹ]{2,6}) (?P<b>[a-zà-ỹ]{2,6})(?![\w'’-])"
)


def _syllables(a: str, b: str) -> bool:
    # « na na » is a sound; « li na » is fine, « ba ze » is not.
    return (
        a != b
        and max(len(a), len(b)) >= 3
        and plain(a) in _SYLLABLES
        and plain(b) in _SYLLABLES
    )


def syllable_names(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of the lower-case two-syllable names described above."""
    for match in _SYLLABLE_PAIR.finditer(text):
        if _syllables(match["a"], match["b"]):
            yield match.span("name")
            second = _AND_PAIR.match(text, match.end("name"))
            if second is not None and _syllables(second["a"], second["b"]):
                yield second.start("a"), second.end("b")
