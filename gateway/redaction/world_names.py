"""First and family names of many origins, shipped as package data.

The hand-written gazetteer (``gazetteer.py``) holds the commonest French
names and a few hundred others; on held-out set #2 (issue 15) names outside
it were found at 0.713 against 0.972 inside. ``data/first_names.txt`` and
``data/surnames.txt`` (23,000 and 30,000 lower-case words) come from Faker's
locale name lists, with every common French or English word left out
(``tools/make_name_lists.py`` says how and under which licences). They are
evidence of a name, never a name by themselves: the rules that read them
also want a capital, a second name word, a cue word or a person column.
``data/first_names_extra.txt`` adds, by hand, given names of origins those
lists miss or spell otherwise (Armenian, Iranian, Ethiopian, Malagasy,
Basque, Japanese, pinyin in one word, Russian as typed: « ilya »), and
``data/surnames_extra.txt`` family names of origins the lists miss (Congolese,
Malagasy, Sri Lankan, Albanian…; ninth round); a family name is also known by
an ending only family names have (« -escu », « -opoulos », « -yan »).

Loaded once at import into frozensets (about 4 MB of the gateway's memory);
a lookup is a set membership test.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

from .gazetteer import FIRST_NAMES, FRENCH_SURNAMES, NOT_A_NAME, SURNAMES
from .lexicon import AMBIGUOUS_FIRST_NAMES, BRANDS, HEADINGS
from .organisations import JOB_WORDS, ORG_HEADS, SOFTWARE, TOWNS

__all__ = [
    "KOREAN_SYLLABLES",
    "WORLD_FIRST_NAMES",
    "WORLD_SURNAMES",
    "is_first_name",
    "is_surname",
    "plain",
]


def _load(name: str) -> frozenset[str]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


def plain(word: str) -> str:
    """Lower case without accents (« Nguyễn » -> « nguyen »)."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Words the gateway's own lists say are not names win over the data files
# (« Okta » is a software before a Latvian first name).
_NOT_NAMES = (
    NOT_A_NAME
    | HEADINGS
    | AMBIGUOUS_FIRST_NAMES
    | SOFTWARE
    | TOWNS
    | ORG_HEADS
    | JOB_WORDS
    | frozenset(" ".join(BRANDS).lower().split())
    # Brands, cars and assistants that Faker also lists as names, and French
    # words the lemma tables missed.
    | _words(
        """
        zara nikon philips renault kia skoda ferrari porsche suzuki mercedes mégane megane
        alexa siri lucca amundi lancia dacia toyota mazda nissan lexus tesla
        avis
        """
    )
)
_NOT_NAMES = _NOT_NAMES | frozenset(plain(w) for w in _NOT_NAMES)
WORLD_FIRST_NAMES: frozenset[str] = (
    _load("first_names.txt") | _load("first_names_extra.txt")
) - _NOT_NAMES
WORLD_SURNAMES: frozenset[str] = (
    _load("surnames.txt") | _load("surnames_extra.txt")
) - _NOT_NAMES
# Faker has no Senegal, Mali, Guinea, Côte d'Ivoire or Maghreb surname list in
# Latin script; the commonest of those in France (from general knowledge).
_SUPPLEMENT_FIRST = _words(
    """
    saliou abdou alioune assane babacar cheikhou fodé lamine mamadou modou ousseynou
    pape serigne souleymane aliou boubacar daouda habib idrissa khady ndèye ndeye
    rokhaya sokhna mariétou kadidiatou hawa oumou djeneba fanta nafissatou kaltoum
    khadidja yamina zohra hocine mokhtar nordine noureddine djamel lakhdar slimane
    fatou bintou binta bineta ramatoulaye salimata maïmouna maimouna dieynaba fatim
    adja mame ndella alassane amadou samba mody birame ibou thierno youssou malick
    """
)
# Nor has it India in Latin script: the commonest given names of Indian staff
# and customers (from general knowledge), as chat writes them in lower case.
_INDIAN_FIRST = _words(
    """
    rajesh ramesh suresh mahesh dinesh ganesh naresh harish rakesh mukesh umesh
    anil sunil vijay sanjay ajay amit sumit rohit mohit deepak pradeep sandeep kuldeep
    manoj vinod ashok arun varun kiran ravi krishna gopal prakash sachin vikram nikhil
    aditya vivek abhishek akash aakash ankit ankur gaurav saurabh tarun karthik
    venkatesh srinivas srinivasan balaji murali senthil raghav aarav vivaan ishaan
    sai harsha pooja neha divya kavya lakshmi meena sunita anita geeta gita rekha
    shweta swati sneha nisha asha usha radha shreya aishwarya deepika anjali kavita
    ritu preeti pallavi madhuri vidya shalini sangeeta archana bhavna jyoti
    """
)
# Korean given names are two syllables joined by a hyphen (« sung-min »,
# « ji-hoon »): a hyphenated word counts when each part is such a syllable.
KOREAN_SYLLABLES = _words(
    """
    sung seung hyun hyeon jae joon jun min seo yeon woo hoon jin soo su young yeong
    eun hye kyung kyeong dong sang chul hee ji yoon hwan seok bin won jung jeong
    sook mi hyo yu kyu tae ho ye da eun ha na ra ga si hae gyu woong chan hwa yeol
    geun rin hun beom seon hyuk gi ki byung sik bo
    """
)
_SUPPLEMENT_SURNAMES = _words(
    """
    ndiaye diop gueye fall sarr faye seck sow thiam niang ndour diouf mbaye dieng
    kane wade sy sylla sané mendy gomis diatta badji sagna coulibaly diarra keita
    sangaré fofana bamba ouattara kouassi kouamé konan koffi yao nguessan n'guessan
    dembélé doumbia sissoko diakité diaby kanté soumaré dramé sidibé tounkara samaké
    bah barry baldé sall tall ba kaba kourouma condé soumah bangoura sylla
    ouedraogo ouédraogo sawadogo compaoré zongo kaboré traore toure cisse konate
    benali benaïssa bensaïd bensaid bouzid cherif chérif haddad hamidi khelifi
    mansouri mebarki rahmani saïdi saidi belkacem brahimi djebbar amrani alaoui
    bennani berrada chraibi idrissi tazi ziani bouaziz trabelsi jebali gharbi
    hammami ayari mejri benhamou benkirane cherkaoui elidrissi bensalah boukhari
    """
)
_FIRST = FIRST_NAMES | WORLD_FIRST_NAMES | _SUPPLEMENT_FIRST | _INDIAN_FIRST
_LAST = SURNAMES | FRENCH_SURNAMES | WORLD_SURNAMES | _SUPPLEMENT_SURNAMES
# « heloise » typed for « Héloïse »: the lookups also try the unaccented form.
_FIRST = _FIRST | frozenset(plain(w) for w in _FIRST)
_LAST = _LAST | frozenset(plain(w) for w in _LAST)


def is_first_name(word: str) -> bool:
    """A known first name, in any case, accents or not; hyphenated parts count."""
    lower = word.lower()
    if lower in _FIRST or plain(lower) in _FIRST:
        return True
    parts = lower.split("-")
    if len(parts) == 2 and parts[0] != parts[1] and all(p in KOREAN_SYLLABLES for p in parts):
        return True
    # A doubled word is a sound (« na-na », « bye-bye »), not « Jean-Marc ».
    distinct = len(set(parts)) == len(parts)
    return len(parts) > 1 and distinct and all(p in _FIRST or plain(p) in _FIRST for p in parts)


# Endings that only family names have (issue 15, ninth round): Armenian « -yan »,
# Romanian « -escu », Greek « -opoulos », « -akis », « -idis », Ukrainian « -enko »,
# « -chuk », Polish « -wicz », « -czyk », South Slavic « -ović », « -ević », Georgian
# « -shvili », « -dze », Icelandic « -dóttir », Turkish « -oğlu », Lithuanian « -auskas »,
# « -ienė », « -aitė », « -ytė ». No French or English word of six letters or more
# ends so (« -ski » and « -ian » do: « Alaska », « musician »).
_SURNAME_ENDING = re.compile(
    r"(?:yan|escu|eanu|opoulos|opoulou|akis|akou|idis|idou|enko|chuk|czuk|wicz|czyk|"
    r"ović|ovic|ević|evic|shvili|dze|dóttir|dottir|oğlu|oglu|auskas|auskienė|auskiene|"
    r"ienė|aitė|ytė)$"
)


def is_surname(word: str) -> bool:
    """A known family name, in any case, accents or not, or one by its ending."""
    lower = word.lower()
    if lower in _LAST or plain(lower) in _LAST:
        return True
    return len(lower) >= 6 and lower.isalpha() and _SURNAME_ENDING.search(lower) is not None
