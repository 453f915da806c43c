"""Word lists used by the person recognizers (common first names, stop words).

The first names are the most frequent given names in France (INSEE birth
statistics, 1940-2020, from memory, both sexes) plus common English ones.
They only *support* a capitalised surname that follows; names outside the
list still rely on spaCy NER and on the title/greeting rules.
"""

from __future__ import annotations

from .lexicon import CONTACT_VERBS, HEADINGS

__all__ = ["FIRST_NAMES", "FRENCH_SURNAMES", "NOT_A_NAME", "SURNAMES"]


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


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

# Given names of the other origins French companies employ and serve: Maghreb
# and Middle East, West and Central Africa, Vietnam, China, Korea, Japan,
# India, Turkey, Eastern Europe, Iberia and Italy, Brittany, the Nordics,
# the Anglo world. Lower case; hyphenated and accented forms as written.
_WORLD_FIRST_NAMES_TEXT = """
youssef yousef youcef ahmed ahmad abdelkrim abdelkader abdellah abdallah abderrahmane abdel hicham
hichem khadija fatima fatma fatima-zahra zahra samira samia souad saïd said saida
hamza bilal ilyes ilies yacine yassine younes youness ismaël ismail ibrahim brahim
hassan hussein houssine hakim halim kamel kamal malik mourad nabil nassim omar othmane
rachida rania rim salma sana sara selma sofia soraya wassim walid zakaria zineb aïcha
aicha asma assia amel amal amira amine anissa dounia farah farid faïza farida ghita
hafsa hayat imane imène jamila kenza latifa leila leïla loubna lamia lina malika
meriem myriam nabila nadia naïma najat nour noura ouarda rachid redouane ryad sabrina
safia sami samir sarah siham sofiane souhila tarek tariq yasmina yasmine zoubir mehdi
mohamed mohammed mohand moussa mamadou ibrahima aminata fatoumata oumar oumou seydou
salif abdoulaye awa aïssatou adama bakary boubacar cheikh demba djibril issa kadiatou
mariam mariama modibo ousmane souleymane sékou sekou siaka coumba binta penda astou
kwame kofi kojo kwabena yaw adjoa akosua ama abena efua chidi chinonso chiamaka
emeka ngozi nkechi obinna olufemi oluwaseun tunde babatunde ayodele adebayo folake
funmilayo yetunde amaka ifeoma uche chukwuma kelechi tobi segun jean-baptiste
grace-divine dieudonné prosper blaise serge-alain
minh huong hương anh thanh thảo thao linh ngoc ngọc tuan tuấn hung hùng dung dũng
phuong phương trang quynh quỳnh khoa khanh khánh toan toàn tung tùng vinh hieu hiếu
thu thuy thủy hoang hoàng duy quang quoc quốc
wei jing xiaoming xiaoyan xiaoli yan yang ying lei jie hui hua ming min mei meiling
li na chen jun feng hao yu yi qing ling zhen zhi fang lihua haoran zihan yuxuan
min-jun seo-yeon ji-hoon ji-woo hyun soo-ah jae
haruto hiroshi kenji takashi yuki yuto sota aiko sakura yui haruki kenta
arjun priya priyanka lakshmi ravi rohan ananya aditya rahul raj sanjay sunil anil
deepak vikram neha pooja kavya divya aarav vihaan ishaan krishna meera shreya tanvir
emre mehmet mustafa ahmet ayşe ayse fatih burak elif zeynep cem murat selin
agnieszka katarzyna małgorzata malgorzata magdalena dorota joanna aleksandra natalia
tomasz piotr paweł pawel grzegorz krzysztof marek jakub kacper wojciech łukasz lukasz
dmitri dmitry dmytro sergei sergey andriy andrei oleksandr olena oksana olga svetlana
tatiana tatiana yevhenia kateryna iryna nataliya bogdan vasyl igor ivan yuri yulia
milena milan marko ivana jelena dragan goran nikola bojan stefan aleksandar mladen
dorottya zsófia zsofia bence ádám
joão joao rui tiago inês ines ana duarte gonçalo goncalo beatriz catarina filipa
lucía lucia carmen javier alejandro pablo diego sergio jorge iñaki inaki ainhoa
chiara giulia francesca alessandro lorenzo matteo giovanni luca marco federica
valentina silvia paolo stefano
erwan erwann yann yannig tanguy gwenaëlle gwenaelle maëlys maelys goulven nolwenn
gwendal soizic malo loïc loic ronan gaël gwen maïwenn maiwenn morgan brieuc corentin
tristan armel aziliz enora ewen gurvan katell riwal yannick yves-marie youenn
björn bjorn lars sven ingrid astrid sigrid erik nils anders mette henrik
siobhan aisling aoife ciarán ciaran niamh seán sean padraig
oliver harry george jack charlie thomas noah leo arthur freddie alfie sophie
rachel sarah gareth daniel nathan mark kevin brian ryan sean liam emily chloe
kwame seydou wanjiru jérémie jeremie ludivine gwladys loan maëva maeva kilian killian
marion cyril rayan hannah bastien solène jordan kylian maxence valentine clémentine
mathis lenny gwendoline gaspard alison jessy jimmy johan johanna julia lena marina
mélissa yohan yoann cédric rodolphe ugo elsa émeline pierre-antoine marc-antoine
jean-christophe jean-yves anne-laure anne-claire marie-laure marie-hélène priscilla
perrine aymeric amaury ghislain loris kenzo mathys marceau yannis aurélia lucille
théo theo aaron isaac naël noam sohan ayden kaïs amir esteban raphael sasha célestin
augustin côme eliott eliot éliott robin owen milo rayane mila mia nina lola louna luna
nora lyna emy romy anaé alba léana lana lise elise eloïse ninon garance faustine
bérénice mélina thaïs maya ayla alya inaya jana lily-rose eléna elena solveig maelle
albane roxane roxanne
"""

FIRST_NAMES: frozenset[str] = frozenset(_FIRST_NAMES_TEXT.split()) | frozenset(
    _WORLD_FIRST_NAMES_TEXT.split()
)

# Family names that are unambiguous evidence of a person next to another
# capitalised word ("Zhang Wei", "Nguyen Van Hai"): the commonest Vietnamese,
# Chinese and Korean ones. French surnames are too often words (Petit, Blanc,
# Roux) to serve this way; so are the ASCII spellings that are words ("le",
# "do", "song", "park", "sun"): only their accented forms are here.
SURNAMES: frozenset[str] = _words(
    """
nguyen nguyễn tran trần lê pham phạm hoang hoàng huynh huỳnh phan vu vũ vo võ dang
đặng bui bùi đỗ hồ ngo ngô duong dương lý truong trương
wang zhang liu chen yang huang zhao zhou xu zhu guo gao luo zheng liang
xie han feng deng cao peng zeng xiao tian yuan
kim lee choi jung kang cho yoon jang lim
"""
)

# The commonest French family names (INSEE, from memory), accents as written.
# Too often words to *add* a name (see above), they only *keep* a one-word NER
# finding ("voir avec Mercier") that would otherwise be dropped as unsupported
# (``name_evidence.py``).
FRENCH_SURNAMES: frozenset[str] = _words(
    """
martin bernard thomas petit robert richard durand dubois moreau laurent simon michel
lefebvre lefèvre leroy roux david bertrand morel fournier girard bonnet dupont lambert
fontaine rousseau vincent muller müller faure andré mercier blanc guérin boyer garnier
chevalier françois legrand gauthier garcia perrin robin clément morin nicolas henry
roussel mathieu gautier masson marchand duval denis dumont lemaire noël meyer dufour
meunier brun blanchard giraud joly rivière lucas brunet gaillard barbier arnaud martinez
gérard roche renard schmitt roy leroux colin vidal caron fabre aubert lemoine renaud
dumas lacroix olivier philippe bourgeois benoît rey leclerc payet rolland leclercq
guillaume lecomte lopez dupuy guillot hubert berger carpentier sanchez dupuis moulin
deschamps huet vasseur perez boucher fleury royer klein jacquet adam poirier marty
aubry guyot carré charles renault charpentier ménard maillard baron bertin bailly hervé
schneider fernandez collet léger bouvier julien prévost millet perrot daniel cousin
germain breton besson langlois rémy pelletier lévêque perrier leblanc barré lebrun
marchal weber mallet hamon jacob monnier michaud rodriguez guichard gillet étienne
grondin poulain tessier chevallier collin chauvin bouchet gay lemaître bénard maréchal
humbert reynaud antoine hoarau perret barthélemy cordier pichon lejeune gilbert lamy
delaunay pasquier carlier laporte lemoine texier guillon marchetti rodrigues pereira
ferreira santos oliveira martins silva gomes diallo traoré camara cissé konaté touré
"""
)

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
        "numéro",
        "numero",
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
NOT_A_NAME = NOT_A_NAME | frozenset(_INSTRUCTIONS_TEXT.split()) | HEADINGS | CONTACT_VERBS
