"""Czech demo content for generating realistic helpdesk requests.

Pure data, no Django imports. A demo-data command combines these pieces into a few hundred
requests: contact names (female surnames in ``SURNAMES_FEMALE`` match ``SURNAMES_MALE`` by
index, e.g. Novák/Nováková), organisations with valid IČO, request templates per topic slug
of ``vik.topics.seed.TOPICS``, clerk replies, internal notes and citizen follow-ups.

Placeholders (``str.format``):

- ``REQUEST_TEMPLATES`` subject/text: only ``{municipality}`` (municipality name, nominative;
  the texts use it in apposition such as "v obci {municipality}").
- ``REPLY_TEMPLATES``: ``{name}`` (addressee's full name, nominative) and ``{centre}``
  (information centre name, used as the signature).
- ``INTERNAL_NOTES`` and ``FOLLOW_UPS``: no placeholders.

Request kinds: ``inquiry``, ``information_request`` (Act No. 106/1999 Coll.), ``complaint``,
``suggestion``.
"""

from string import Formatter as _Formatter

FIRST_NAMES_MALE: list[str] = [
    "Jan",
    "Petr",
    "Josef",
    "Pavel",
    "Martin",
    "Tomáš",
    "Jaroslav",
    "Miroslav",
    "Jiří",
    "František",
    "Zdeněk",
    "Václav",
    "Karel",
    "Milan",
    "Michal",
    "Lukáš",
    "Jakub",
    "David",
    "Ondřej",
    "Vojtěch",
    "Stanislav",
    "Roman",
    "Radek",
    "Aleš",
    "Libor",
    "Vladimír",
    "Marek",
    "Filip",
    "Adam",
    "Matěj",
]

FIRST_NAMES_FEMALE: list[str] = [
    "Jana",
    "Marie",
    "Eva",
    "Hana",
    "Anna",
    "Lenka",
    "Kateřina",
    "Věra",
    "Lucie",
    "Alena",
    "Petra",
    "Jaroslava",
    "Veronika",
    "Martina",
    "Jitka",
    "Tereza",
    "Ludmila",
    "Helena",
    "Michaela",
    "Zdeňka",
    "Ivana",
    "Monika",
    "Eliška",
    "Zuzana",
    "Markéta",
    "Barbora",
    "Kristýna",
    "Simona",
    "Dana",
    "Klára",
]

# Same order as SURNAMES_FEMALE: index i of one is the other's counterpart.
SURNAMES_MALE: list[str] = [
    "Novák",
    "Svoboda",
    "Novotný",
    "Dvořák",
    "Černý",
    "Procházka",
    "Kučera",
    "Veselý",
    "Horák",
    "Němec",
    "Pokorný",
    "Marek",
    "Pospíšil",
    "Hájek",
    "Jelínek",
    "Král",
    "Růžička",
    "Beneš",
    "Fiala",
    "Sedláček",
    "Doležal",
    "Zeman",
    "Kolář",
    "Navrátil",
    "Čermák",
    "Vaněk",
    "Urban",
    "Blažek",
    "Kříž",
    "Kratochvíl",
    "Bárta",
    "Havlíček",
]

SURNAMES_FEMALE: list[str] = [
    "Nováková",
    "Svobodová",
    "Novotná",
    "Dvořáková",
    "Černá",
    "Procházková",
    "Kučerová",
    "Veselá",
    "Horáková",
    "Němcová",
    "Pokorná",
    "Marková",
    "Pospíšilová",
    "Hájková",
    "Jelínková",
    "Králová",
    "Růžičková",
    "Benešová",
    "Fialová",
    "Sedláčková",
    "Doležalová",
    "Zemanová",
    "Kolářová",
    "Navrátilová",
    "Čermáková",
    "Vaňková",
    "Urbanová",
    "Blažková",
    "Křížová",
    "Kratochvílová",
    "Bártová",
    "Havlíčková",
]

# (name, IČO). Fictional except Kraj Vysočina; every IČO passes the checksum.
ORGANISATIONS: list[tuple[str, str]] = [
    ("Kraj Vysočina", "70890749"),
    ("Stavební firma Horák a syn s.r.o.", "28417364"),
    ("Spolek přátel Podhůří, z. s.", "07529147"),
    ("Zemědělské družstvo Borovina", "22674101"),
    ("Domov v srdci, o. p. s.", "60915374"),
    ("Sbor dobrovolných hasičů Lipnice", "04533186"),
    ("TJ Sokol Horní Dvůr, z. s.", "19846029"),
    ("Kavárna U Rybníka s.r.o.", "27304655"),
    ("Pekařství Zlatý klas s.r.o.", "05619271"),
    ("Rodinné centrum Sluníčko, z. s.", "08251436"),
    ("Autodoprava Kubíček s.r.o.", "24598712"),
    ("Penzion Na Vyhlídce s.r.o.", "46830154"),
    ("Místní akční skupina Podhorácko, z. s.", "07169825"),
    ("Elektro Svoboda s.r.o.", "29950341"),
    ("Truhlářství Dvořák s.r.o.", "23781564"),
    ("Divadelní spolek Kulisa, z. s.", "06982417"),
    ("Bytové družstvo Sídliště Jih", "21843708"),
]

REQUEST_TEMPLATES: dict[str, list[dict[str, str]]] = {
    "documents-id-card": [
        {
            "subject": "Vyřízení nového občanského průkazu",
            "text": (
                "Dobrý den,\n\n"
                "mému občanskému průkazu za měsíc končí platnost. Chci se zeptat, zda mohu o nový "
                "požádat na úřadě v obci {municipality}, nebo musím na úřad obce s rozšířenou "
                "působností. Jaké doklady mám vzít s sebou a jak dlouho trvá vyhotovení?\n\n"
                "Děkuji za informaci.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Ztracený občanský průkaz",
            "text": (
                "Dobrý den,\n\n"
                "včera se mi na nádraží ztratila peněženka i s občanským průkazem. Jak mám ztrátu "
                "nahlásit a musím kvůli tomu na policii? Prosím také o informaci, kolik stojí "
                "vydání nového průkazu a zda mezitím dostanu nějaký náhradní doklad.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Občanský průkaz pro dítě",
            "text": (
                "Dobrý den,\n\n"
                "chystáme se s rodinou na dovolenou do Chorvatska a naší dceři je devět let. Stačí "
                "jí k cestě občanský průkaz, nebo potřebuje cestovní pas? Může o průkaz požádat "
                "jen jeden z rodičů a musí být dcera při podání žádosti přítomna?\n\n"
                "Předem děkuji za odpověď.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Změna příjmení v občanském průkazu po sňatku",
            "text": (
                "Dobrý den,\n\n"
                "minulý měsíc jsem se vdala a změnilo se mi příjmení. Do kdy musím požádat o nový "
                "občanský průkaz a platí se za jeho vydání poplatek? Mohu žádost podat i na úřadě "
                "v obci {municipality}?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "documents-passport": [
        {
            "subject": "Jak dlouho trvá vydání pasu",
            "text": (
                "Dobrý den,\n\n"
                "v září letím do USA a potřebuji nový cestovní pas. Jak dlouho trvá jeho vydání v "
                "běžné lhůtě a je možné požádat o vydání ve zkrácené lhůtě? Kolik která varianta "
                "stojí?\n\n"
                "Děkuji za informaci.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Cestovní pas pro kojence",
            "text": (
                "Dobrý den,\n\n"
                "našemu synovi jsou čtyři měsíce a v létě s ním chceme odcestovat mimo Evropskou "
                "unii. Potřebuje dítě vlastní pas, i když je takhle malé? Jaké doklady máme "
                "přinést a musí být syn u podání žádosti osobně?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Vyzvednutí pasu jinou osobou",
            "text": (
                "Dobrý den,\n\n"
                "můj nový cestovní pas by měl být podle SMS hotový, ale momentálně pracuji v "
                "zahraničí. Může ho místo mě vyzvednout manželka na základě plné moci? Pokud ano, "
                "musí být podpis na plné moci úředně ověřený?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "documents-driving-licence": [
        {
            "subject": "Výměna řidičského průkazu",
            "text": (
                "Dobrý den,\n\n"
                "v řidičském průkazu mi letos končí platnost. Kde mohu požádat o výměnu, kolik to "
                "stojí a potřebuji novou fotografii? Chci se také zeptat, zda mohu s propadlým "
                "průkazem do doby výměny dál řídit.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Odcizený řidičský průkaz",
            "text": (
                "Dobrý den,\n\n"
                "v pátek mi někdo z auta ukradl tašku s doklady včetně řidičského průkazu. Krádež "
                "je už nahlášená na policii. Jak postupovat při vydání nového řidičského průkazu a "
                "mohu do té doby řídit s potvrzením od policie?\n\n"
                "Děkuji za radu.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Mezinárodní řidičský průkaz",
            "text": (
                "Dobrý den,\n\n"
                "na jaře jedeme na dovolenou do Austrálie, kde si chceme půjčit auto. Vydává se "
                "mezinárodní řidičský průkaz i na úřadě v obci {municipality}, nebo kam se mám "
                "obrátit? Jaký je poplatek a co k žádosti potřebuji?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "documents-vehicle-registration": [
        {
            "subject": "Přepis ojetého vozidla",
            "text": (
                "Dobrý den,\n\n"
                "minulý týden jsme od známého koupili ojetý automobil. Co vše je potřeba k přepisu "
                "vozidla na nového vlastníka a musí na registr vozidel přijít i původní majitel? "
                "Do kdy je nutné přepis provést?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Vyřazení vozidla z registru",
            "text": (
                "Dobrý den,\n\n"
                "naše staré auto už nechceme používat a plánujeme ho odevzdat do autovrakoviště. "
                "Jaké doklady potřebujeme k trvalému vyřazení vozidla z registru a kde získáme "
                "potvrzení o ekologické likvidaci?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Registrace vozidla dovezeného z Německa",
            "text": (
                "Dobrý den,\n\n"
                "prosím o informaci, jak postupovat při registraci osobního auta dovezeného z "
                "Německa. Potřebuji technickou kontrolu v ČR ještě před podáním žádosti a jaké "
                "poplatky mě čekají?\n\n"
                "Předem děkuji za odpověď.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "residence-permanent": [
        {
            "subject": "Přihlášení k trvalému pobytu",
            "text": (
                "Dobrý den,\n\n"
                "koupili jsme rodinný dům v obci {municipality} a chceme se tam s celou rodinou "
                "přihlásit k trvalému pobytu. Jaké doklady musíme předložit, kolik činí správní "
                "poplatek a musí být u přihlášení přítomny i děti?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Zrušení trvalého pobytu bývalého nájemníka",
            "text": (
                "Dobrý den,\n\n"
                "v našem bytě má stále hlášený trvalý pobyt bývalý nájemník, který se odstěhoval "
                "před rokem a nereaguje na výzvy. Jak můžeme podat návrh na zrušení jeho trvalého "
                "pobytu a co k tomu musíme doložit?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Trvalý pobyt na adrese úřadu",
            "text": (
                "Dobrý den,\n\n"
                "chci se zeptat, zda je možné mít trvalý pobyt hlášený na adrese obecního úřadu. "
                "Jaké to má důsledky pro doručování písemností a pro vyřizování dokladů?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "residence-address": [
        {
            "subject": "Přidělení čísla popisného novostavbě",
            "text": (
                "Dobrý den,\n\n"
                "dokončili jsme stavbu rodinného domu a potřebujeme přidělit číslo popisné. Jaké "
                "dokumenty je třeba k žádosti přiložit a jak dlouho přidělení trvá? Musíme si "
                "tabulku s číslem pořídit sami?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Chybná adresa v registru adres",
            "text": (
                "Dobrý den,\n\n"
                "v registru adres je u našeho domu uvedena chybná ulice, a proto nám nechodí "
                "některé zásilky. Na koho se máme obrátit s opravou údaje a potřebujeme k tomu "
                "nějaký doklad?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Počet osob přihlášených v domě",
            "text": (
                "Dobrý den,\n\n"
                "potřebuji pro soud doložit, kolik osob je přihlášeno k trvalému pobytu v našem "
                "domě. Kde mohu o takové potvrzení požádat a lze to vyřídit i na Czech POINTu?\n\n"
                "Děkuji za informaci.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "civil-registry-births": [
        {
            "subject": "Rodný list pro novorozence",
            "text": (
                "Dobrý den,\n\n"
                "minulý týden se nám v porodnici narodila dcera. Kdy a kde si můžeme vyzvednout "
                "její rodný list a co musíme k vyzvednutí přinést? Nejsme manželé, je potřeba "
                "ještě něco řešit kvůli určení otcovství?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Duplikát rodného listu",
            "text": (
                "Dobrý den,\n\n"
                "můj rodný list je po letech značně poškozený a potřebuji nový kvůli žádosti o "
                "důchod. Narodila jsem se ale v jiné obci, než kde dnes bydlím. Mohu o duplikát "
                "požádat na matrice u vás, nebo musím na matriku podle místa narození?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Jméno dítěte, které není v kalendáři",
            "text": (
                "Dobrý den,\n\n"
                "čekáme miminko a rádi bychom mu dali jméno Noel, které jsme nenašli v kalendáři. "
                "Je možné takové jméno zapsat do matriky bez problémů, nebo je nutné dokládat "
                "nějaké odborné vyjádření?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "civil-registry-marriages": [
        {
            "subject": "Svatba v obřadní síni",
            "text": (
                "Dobrý den,\n\n"
                "s přítelem plánujeme svatbu na příští červen a rádi bychom měli obřad v obřadní "
                "síni v obci {municipality}. Jaké dokumenty musíme předložit spolu s dotazníkem k "
                "uzavření manželství a s jakým předstihem si máme termín zarezervovat?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Svatba mimo obřadní síň",
            "text": (
                "Dobrý den,\n\n"
                "chtěli bychom mít svatební obřad venku na zahradě penzionu. Je to možné a kolik "
                "činí správní poplatek za uzavření manželství mimo úředně stanovenou místnost? Kdo "
                "v takovém případě oddává?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Sňatek s cizincem",
            "text": (
                "Dobrý den,\n\n"
                "můj snoubenec je občanem Německa a žije v Mnichově. Jaké doklady bude potřebovat "
                "k uzavření manželství v České republice a musí být úředně přeloženy nebo opatřeny "
                "ověřením?\n\n"
                "Děkuji za informaci.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "civil-registry-deaths": [
        {
            "subject": "Úmrtní list po zesnulém otci",
            "text": (
                "Dobrý den,\n\n"
                "minulý týden nám doma zemřel otec. Kde a kdy si můžeme vyzvednout úmrtní list a "
                "kdo je oprávněn jej převzít? Potřebujeme ho co nejdříve kvůli pohřební službě a "
                "bance.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Převod nájmu hrobového místa",
            "text": (
                "Dobrý den,\n\n"
                "po úmrtí maminky bychom rádi převedli nájem hrobového místa na hřbitově v obci "
                "{municipality} na mé jméno. Jak mám postupovat a kolik činí roční nájem hrobu?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Pohřeb osamělého souseda",
            "text": (
                "Dobrý den,\n\n"
                "v sousedství zemřel osamělý pán, který podle všeho nemá žádné příbuzné. Kdo v "
                "takovém případě zajišťuje pohřeb a je potřeba to někomu oznámit?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "building-permits": [
        {
            "subject": "Povolení na stavbu garáže",
            "text": (
                "Dobrý den,\n\n"
                "na svém pozemku chci postavit dřevěnou garáž o rozměrech zhruba 6 × 4 metry. "
                "Potřebuji k tomu povolení stavby, nebo stačí nějaký jednodušší postup? Na který "
                "úřad se mám obrátit?\n\n"
                "Děkuji za radu.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Stav řízení o povolení stavby",
            "text": (
                "Dobrý den,\n\n"
                "v březnu jsme podali žádost o povolení stavby rodinného domu a od té doby nemáme "
                "žádnou zprávu. Můžete mi prosím sdělit, v jakém stavu je řízení a kdo žádost "
                "vyřizuje? Jak zjistím, zda je potřeba něco doplnit?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Oplocení pozemku",
            "text": (
                "Dobrý den,\n\n"
                "chceme oplotit zahradu směrem k místní komunikaci plotem vysokým 1,8 metru. "
                "Musíme stavbu plotu někde ohlásit nebo žádat o povolení? Je potřeba souhlas obce "
                "jako vlastníka sousední cesty?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Fotovoltaika na střeše rodinného domu",
            "text": (
                "Dobrý den,\n\n"
                "plánujeme instalaci fotovoltaické elektrárny o výkonu 10 kW na střechu rodinného "
                "domu. Je k tomu potřeba nějaké povolení stavebního úřadu, případně jaké podklady "
                "musíme doložit?\n\n"
                "Předem děkuji za odpověď.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "building-zoning": [
        {
            "subject": "Návrh na změnu územního plánu",
            "text": (
                "Dobrý den,\n\n"
                "vlastníme pozemek na okraji obce {municipality}, který je v územním plánu veden "
                "jako orná půda. Rádi bychom na něm v budoucnu postavili rodinný dům. Jak můžeme "
                "podat návrh na změnu územního plánu a jak dlouho takový proces obvykle trvá?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Kde najdu platný územní plán",
            "text": (
                "Dobrý den,\n\n"
                "zvažujeme koupi stavební parcely a chceme si ověřit, co je na ní podle územního "
                "plánu dovoleno postavit. Je platný územní plán obce {municipality} dostupný "
                "online, případně kde do něj mohu nahlédnout?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Připomínka k návrhu územního plánu",
            "text": (
                "Dobrý den,\n\n"
                "v návrhu nového územního plánu je u rybníka vymezena plocha pro výstavbu. "
                "Navrhuji tuto plochu zachovat jako veřejnou zeleň, protože je to jediné místo v "
                "obci, kde se lidé mohou procházet v přírodě. Prosím o informaci, jak a do kdy "
                "mohu podat formální připomínku.\n\n"
                "S pozdravem"
            ),
            "kind": "suggestion",
        },
    ],
    "waste-collection": [
        {
            "subject": "Svoz bioodpadu",
            "text": (
                "Dobrý den,\n\n"
                "chci se zeptat, kdy začíná letošní svoz bioodpadu v obci {municipality} a jak "
                "často se hnědé popelnice vyvážejí. Je možné si hnědou nádobu od obce zapůjčit?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Nevyvezená popelnice",
            "text": (
                "Dobrý den,\n\n"
                "už podruhé za měsíc nám svozová firma nevyvezla popelnici, přestože byla řádně "
                "přistavená u silnice a měla platnou známku. Prosím o prošetření a sdělení, kdy "
                "bude odpad odvezen.\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
        {
            "subject": "Sběrný dvůr a objemný odpad",
            "text": (
                "Dobrý den,\n\n"
                "vyklízíme byt po babičce a potřebujeme se zbavit starého nábytku a pračky. Jaká "
                "je otevírací doba sběrného dvora, co tam lze odevzdat zdarma a je potřeba "
                "prokázat trvalý pobyt v obci?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Další kontejner na plasty",
            "text": (
                "Dobrý den,\n\n"
                "kontejnery na plasty u obchodu jsou o víkendech téměř vždy přeplněné a odpad se "
                "válí kolem. Navrhuji přidat alespoň jeden další kontejner nebo zvýšit četnost "
                "svozu. Děkuji za zvážení.\n\n"
                "S pozdravem"
            ),
            "kind": "suggestion",
        },
    ],
    "waste-fees": [
        {
            "subject": "Výše poplatku za odpad",
            "text": (
                "Dobrý den,\n\n"
                "jaká je pro letošní rok výše poplatku za komunální odpad v obci {municipality} a "
                "do kdy je třeba ho zaplatit? Mohu platit převodem a jaký variabilní symbol mám "
                "uvést?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Osvobození od poplatku za odpad",
            "text": (
                "Dobrý den,\n\n"
                "náš syn studuje a pracuje dlouhodobě v zahraničí, ale trvalý pobyt má stále u "
                "nás. Má nárok na osvobození od poplatku za odpad a jaké doklady je potřeba "
                "předložit?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Poplatek za odpad u rekreační chaty",
            "text": (
                "Dobrý den,\n\n"
                "vlastníme rekreační chatu v obci {municipality}, ve které nikdo nemá trvalý "
                "pobyt. Platí se za ni poplatek za odpad a jakým způsobem? Nevím, zda jsme ho v "
                "minulých letech hradili správně.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "environment-trees": [
        {
            "subject": "Kácení stromu na zahradě",
            "text": (
                "Dobrý den,\n\n"
                "na naší zahradě roste starý ořešák, který se naklání ke střeše domu. Potřebuji k "
                "jeho pokácení povolení? Pokud ano, kde o ně požádat a v jakém období lze kácet?\n"
                "\nDěkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Nebezpečná větev nad chodníkem",
            "text": (
                "Dobrý den,\n\n"
                "u cesty ke hřbitovu roste vzrostlá lípa s velkou suchou větví, která visí přímo "
                "nad chodníkem. Prosím o kontrolu stromu, než větev někoho zraní. Pozemek je podle "
                "mého názoru obecní.\n\n"
                "S pozdravem"
            ),
            "kind": "suggestion",
        },
        {
            "subject": "Výsadba stromořadí u cyklostezky",
            "text": (
                "Dobrý den,\n\n"
                "navrhuji, aby obec podél nové cyklostezky vysadila stromořadí, které by v létě "
                "poskytovalo stín. Rádi bychom se jako sousedé do výsadby zapojili i brigádnicky. "
                "Dá se s obcí něco takového domluvit?\n\n"
                "S pozdravem"
            ),
            "kind": "suggestion",
        },
    ],
    "environment-water": [
        {
            "subject": "Povolení nové studny",
            "text": (
                "Dobrý den,\n\n"
                "u chaty chceme vyvrtat novou studnu na pitnou vodu. Jaké povolení k tomu "
                "potřebujeme a který úřad je příslušný? Je nutné mít vyjádření hydrogeologa?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Kvalita vody z vodovodu",
            "text": (
                "Dobrý den,\n\n"
                "voda z obecního vodovodu má poslední dny nažloutlou barvu a divně zapáchá. Je "
                "bezpečné ji pít? Kdo provádí rozbory vody a kde najdu jejich výsledky?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Vyvážení jímky a kanalizace",
            "text": (
                "Dobrý den,\n\n"
                "náš dům není napojený na kanalizaci a máme bezodtokovou jímku. Jak často musíme "
                "dokládat vyvážení jímky a komu doklady předkládáme? Plánuje obec {municipality} v "
                "naší ulici výstavbu kanalizace?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "fees-local": [
        {
            "subject": "Poplatek ze psů",
            "text": (
                "Dobrý den,\n\n"
                "pořídili jsme si štěně a chceme se zeptat, do kdy musíme psa přihlásit a kolik "
                "činí roční poplatek ze psů. Je výše poplatku jiná pro důchodce?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Zábor veřejného prostranství",
            "text": (
                "Dobrý den,\n\n"
                "budeme opravovat fasádu domu a potřebujeme na dva týdny postavit lešení na "
                "chodníku. Jak požádat o zábor veřejného prostranství a jaký je poplatek za metr "
                "čtvereční a den?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Poplatek z pobytu u apartmánu",
            "text": (
                "Dobrý den,\n\n"
                "začínáme pronajímat apartmán turistům přes internetovou platformu. Musíme vybírat "
                "poplatek z pobytu, v jaké výši a jak často ho odvádíme obci? Kde najdu příslušnou "
                "obecně závaznou vyhlášku?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "fees-real-estate-tax": [
        {
            "subject": "Přiznání k dani z nemovitých věcí",
            "text": (
                "Dobrý den,\n\n"
                "v prosinci jsme koupili pozemek. Do kdy je třeba podat přiznání k dani z "
                "nemovitých věcí a podává se na obci, nebo na finančním úřadě?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Místní koeficient daně z nemovitostí",
            "text": (
                "Dobrý den,\n\n"
                "letos nám výrazně vzrostla daň z nemovitých věcí. Zvýšila obec {municipality} "
                "místní koeficient? A kde se mohu dozvědět, jak obec s výnosem daně hospodaří?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Daň z nemovitosti po dědictví",
            "text": (
                "Dobrý den,\n\n"
                "po úmrtí otce na nás přešel rodinný dům. Musíme podat nové přiznání k dani z "
                "nemovitých věcí, i když řízení o dědictví ještě není ukončeno?\n\n"
                "Předem děkuji za odpověď.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "social-benefits": [
        {
            "subject": "Příspěvek na bydlení",
            "text": (
                "Dobrý den,\n\n"
                "jsem samoživitelka se dvěma dětmi a po zdražení energií nám nevychází rozpočet. "
                "Mám nárok na příspěvek na bydlení a kde o něj mohu požádat? Je možné žádost podat "
                "elektronicky?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Příspěvek na péči o matku",
            "text": (
                "Dobrý den,\n\n"
                "maminka po mozkové příhodě potřebuje každodenní pomoc a péči o ni zajišťuji já. "
                "Jak se žádá o příspěvek na péči a kdo posuzuje, na jaký stupeň má nárok?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Mimořádná pomoc po požáru",
            "text": (
                "Dobrý den,\n\n"
                "soused se po požáru domu ocitl bez prostředků. Existuje nějaká mimořádná okamžitá "
                "pomoc, o kterou by mohl požádat, a kdo mu se žádostí může pomoci?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "social-care-services": [
        {
            "subject": "Pečovatelská služba pro seniora",
            "text": (
                "Dobrý den,\n\n"
                "můj tatínek žije sám a přestává zvládat nákupy a úklid. Poskytuje obec "
                "{municipality} pečovatelskou službu, kolik stojí a jak se o ni žádá?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Dovoz obědů po operaci",
            "text": (
                "Dobrý den,\n\n"
                "je v obci možné zajistit dovoz obědů pro seniory? Babička je po operaci kyčle a "
                "několik týdnů nebude moci sama vařit.\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Místo v domově pro seniory",
            "text": (
                "Dobrý den,\n\n"
                "hledáme pro maminku místo v domově pro seniory nebo v domově se zvláštním "
                "režimem. Můžete mi poradit, na koho se obrátit a jak dlouhé jsou čekací lhůty v "
                "okolí?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "social-housing": [
        {
            "subject": "Žádost o obecní byt",
            "text": (
                "Dobrý den,\n\n"
                "chci se zeptat, zda obec {municipality} pronajímá obecní byty a jak se podává "
                "žádost o přidělení bytu. Podle jakých kritérií se byty přidělují?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Byt v domě s pečovatelskou službou",
            "text": (
                "Dobrý den,\n\n"
                "je mi 78 let a v rodinném domě už to sama nezvládám. Jaké jsou podmínky pro "
                "přidělení bytu v domě s pečovatelskou službou a jak dlouhý je pořadník?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Hrozící ztráta bydlení",
            "text": (
                "Dobrý den,\n\n"
                "pronajímatel nám dal výpověď z nájmu a do konce měsíce se musíme vystěhovat. "
                "Zatím nemáme kam jít. Může nám obec nějak pomoci, případně na koho se máme "
                "obrátit?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "social-health": [
        {
            "subject": "Lékařská pohotovost o víkendu",
            "text": (
                "Dobrý den,\n\n"
                "kde je v okolí obce {municipality} o víkendu nejbližší lékařská pohotovostní "
                "služba pro dospělé a pro děti? A jaká je otevírací doba pohotovostní lékárny?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Praktický lékař pro nové pacienty",
            "text": (
                "Dobrý den,\n\n"
                "přestěhovali jsme se do obce {municipality} a nemůžeme najít praktického lékaře, "
                "který by přijímal nové pacienty. Můžete nám poradit, kde hledat a kdo nám v tom "
                "může pomoci?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Zubní pohotovost ve svátek",
            "text": (
                "Dobrý den,\n\n"
                "potřebuji ve svátek akutně ošetřit zub. Kde najdu rozpis zubních pohotovostí v "
                "kraji?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "transport-public": [
        {
            "subject": "Jízdní řády a jízdné pro studenty",
            "text": (
                "Dobrý den,\n\n"
                "od září bude syn dojíždět na střední školu v okresním městě. Kde najdu aktuální "
                "jízdní řády autobusů z obce {municipality} a existuje zvýhodněné jízdné pro "
                "studenty?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Návrh na posílení ranního spoje",
            "text": (
                "Dobrý den,\n\n"
                "ranní autobus v 6:40 je pravidelně přeplněný a část cestujících musí celou cestu "
                "stát. Navrhuji tento spoj posílit nebo zavést další spoj o dvacet minut dříve. "
                "Můžete podnět předat koordinátorovi veřejné dopravy?\n\n"
                "S pozdravem"
            ),
            "kind": "suggestion",
        },
        {
            "subject": "Zlevněné jízdné pro seniory",
            "text": (
                "Dobrý den,\n\n"
                "je mi 66 let. Mám nárok na zlevněné jízdné v regionálních autobusech a vlacích a "
                "potřebuji k tomu nějaký průkaz? Kde si ho mohu vyřídit?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "transport-roads": [
        {
            "subject": "Neprotažená místní komunikace",
            "text": (
                "Dobrý den,\n\n"
                "od včerejšího rána není v naší ulici protažený sníh a nedá se vyjet autem ani "
                "dojít na autobus. Prosím o zajištění zimní údržby co nejdříve. Kdo má údržbu "
                "místních komunikací v obci {municipality} na starosti?\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
        {
            "subject": "Výtluky na silnici do sousední obce",
            "text": (
                "Dobrý den,\n\n"
                "na silnici mezi naší a sousední obcí jsou po zimě hluboké výtluky, ve kterých si "
                "už několik řidičů poškodilo pneumatiky. Komu tato silnice patří a kdy se plánuje "
                "její oprava?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Uzavírka silnice přes náves",
            "text": (
                "Dobrý den,\n\n"
                "podle sousedů bude v létě uzavřena silnice přes náves kvůli rekonstrukci. Od kdy "
                "do kdy uzavírka potrvá a kudy povede objízdná trasa, včetně autobusů?\n\n"
                "Děkuji za informaci.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Plán zimní údržby",
            "text": (
                "Dobrý den,\n\n"
                "kde najdu plán zimní údržby místních komunikací a chodníků v obci {municipality}? "
                "Chci vědět, v jakém pořadí se ulice odklízejí a zda obec zajišťuje i posyp "
                "chodníků.\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "transport-parking": [
        {
            "subject": "Rezidentní parkovací karta",
            "text": (
                "Dobrý den,\n\n"
                "bydlíme v centru, kde se od příštího měsíce zavádí placené parkování. Jak získat "
                "rezidentní parkovací kartu, kolik stojí a kolik karet lze vydat na jednu "
                "domácnost?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Vyhrazené parkovací místo pro ZTP",
            "text": (
                "Dobrý den,\n\n"
                "manžel je držitelem průkazu ZTP/P a u domu nemáme kde zaparkovat. Je možné "
                "požádat o vyhrazené parkovací stání pro osobu se zdravotním postižením a co k "
                "tomu potřebujeme?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Odstavený vrak na parkovišti",
            "text": (
                "Dobrý den,\n\n"
                "na obecním parkovišti u školy stojí už několik měsíců vrak auta bez registračních "
                "značek. Zabírá místo a děti si kolem něj hrají. Prosím o zajištění jeho "
                "odstranění.\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
    ],
    "schools-kindergartens": [
        {
            "subject": "Zápis do mateřské školy",
            "text": (
                "Dobrý den,\n\n"
                "kdy bude letos zápis do mateřské školy v obci {municipality} a jaké doklady máme "
                "k zápisu přinést? Dceři budou v září tři roky.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Úplata za mateřskou školu",
            "text": (
                "Dobrý den,\n\n"
                "kolik činí měsíční úplata za předškolní vzdělávání v obecní mateřské škole a je "
                "poslední ročník před nástupem do školy zdarma? Platí se zvlášť i stravné?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Provoz školky o prázdninách",
            "text": (
                "Dobrý den,\n\n"
                "oba pracujeme a potřebujeme vědět, zda bude mateřská škola v létě otevřená, "
                "případně které školky v okolí mají o prázdninách provoz. Můžeme dítě dočasně "
                "umístit i do jiné školky?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "schools-enrolment": [
        {
            "subject": "Zápis do první třídy",
            "text": (
                "Dobrý den,\n\n"
                "syn letos nastupuje do první třídy. Do které spádové základní školy patříme podle "
                "adresy trvalého pobytu a kdy probíhá zápis?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Odklad povinné školní docházky",
            "text": (
                "Dobrý den,\n\n"
                "psycholog nám doporučil odklad školní docházky pro naši dceru. Jak o odklad "
                "požádat a jaká doporučení musíme k žádosti doložit?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Svoz dětí do školy v sousední obci",
            "text": (
                "Dobrý den,\n\n"
                "v obci {municipality} není základní škola a děti dojíždějí do sousední obce. "
                "Zajišťuje obec pro děti svoz, případně přispívá na jízdné?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "trade": [
        {
            "subject": "Ohlášení volné živnosti",
            "text": (
                "Dobrý den,\n\n"
                "chci začít podnikat jako fotograf na živnostenský list. Jak ohlásit volnou "
                "živnost, kolik stojí správní poplatek a mohu vše vyřídit elektronicky nebo na "
                "Czech POINTu?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Přerušení živnosti",
            "text": (
                "Dobrý den,\n\n"
                "od příštího měsíce nastupuji na mateřskou dovolenou a chci přerušit živnost. Kde "
                "a jak přerušení ohlásit a musím informovat i zdravotní pojišťovnu a správu "
                "sociálního zabezpečení?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Prodej přebytků ze zahrádky",
            "text": (
                "Dobrý den,\n\n"
                "máme přebytky zeleniny a ovoce z vlastní zahrady. Potřebujeme k jejich občasnému "
                "prodeji na místním trhu živnostenské oprávnění, nebo stačí něco jiného?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Kadeřnictví v rodinném domě",
            "text": (
                "Dobrý den,\n\n"
                "chci v přízemí našeho domu zřídit malé kadeřnictví. Co vše je potřeba vyřídit "
                "kromě živnostenského oprávnění, například u stavebního úřadu nebo hygieny?\n\n"
                "Předem děkuji za odpověď.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "elections": [
        {
            "subject": "Voličský průkaz",
            "text": (
                "Dobrý den,\n\n"
                "v den voleb budu na služební cestě. Jak mohu požádat o voličský průkaz, do kdy a "
                "lze žádost podat elektronicky datovou schránkou?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Člen okrskové volební komise",
            "text": (
                "Dobrý den,\n\n"
                "chci se zeptat, zda se mohu přihlásit jako člen okrskové volební komise v obci "
                "{municipality}. Kolik činí odměna a co tato funkce obnáší?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Přenosná volební schránka",
            "text": (
                "Dobrý den,\n\n"
                "maminka je upoutaná na lůžko a nemůže dojít do volební místnosti. Je možné, aby "
                "za ní přišla komise s přenosnou volební schránkou, a jak o to požádat?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "culture-events": [
        {
            "subject": "Program kulturních akcí v létě",
            "text": (
                "Dobrý den,\n\n"
                "kde najdu přehled kulturních akcí v obci {municipality} na letošní léto? Zajímají "
                "nás hlavně koncerty a akce pro děti.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Pronájem sálu kulturního domu",
            "text": (
                "Dobrý den,\n\n"
                "chceme uspořádat oslavu padesátých narozenin pro zhruba 60 hostů. Je možné "
                "pronajmout sál kulturního domu, jaká je cena a je k dispozici i kuchyňka?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Ohlášení veřejné akce na návsi",
            "text": (
                "Dobrý den,\n\n"
                "náš spolek pořádá v srpnu na návsi letní slavnost s živou hudbou do 23 hodin. "
                "Musíme akci obci ohlásit a platí se poplatek za užívání veřejného prostranství?\n"
                "\nDěkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Dotace pro spolky",
            "text": (
                "Dobrý den,\n\n"
                "jsme malý divadelní spolek a hledáme finanční podporu na nové kostýmy. Vyhlašuje "
                "obec nebo kraj dotační program na spolkovou činnost a kdy je termín pro podání "
                "žádostí?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "culture-sport-tourism": [
        {
            "subject": "Otevírací doba koupaliště",
            "text": (
                "Dobrý den,\n\n"
                "od kdy bude v letošní sezóně otevřené koupaliště a jaké je vstupné? Je možné "
                "koupit permanentku pro celou rodinu?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Tipy na výlety a ubytování",
            "text": (
                "Dobrý den,\n\n"
                "na konci července plánujeme s rodinou týdenní dovolenou na Vysočině. Můžete nám "
                "doporučit zajímavé výlety v okolí obce {municipality} a poslat tipy na ubytování "
                "nebo turistické mapy?\n\n"
                "Děkujeme.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Pronájem sportovní haly",
            "text": (
                "Dobrý den,\n\n"
                "s kamarády hledáme tělocvičnu nebo sportovní halu na pravidelný volejbal jednou "
                "týdně ve večerních hodinách. Pronajímá obec sportoviště veřejnosti a za jakou "
                "cenu?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Návrh cyklostezky k nádraží",
            "text": (
                "Dobrý den,\n\n"
                "navrhuji vybudovat cyklostezku mezi naší obcí a nádražím, po které by mohly "
                "bezpečně jezdit i děti. Po silnici jezdí nákladní auta a není tam krajnice. "
                "Uvažuje obec o takovém projektu?\n\n"
                "S pozdravem"
            ),
            "kind": "suggestion",
        },
    ],
    "egovernment": [
        {
            "subject": "Zřízení datové schránky",
            "text": (
                "Dobrý den,\n\n"
                "chci si zřídit datovou schránku fyzické osoby. Mohu to udělat na Czech POINTu na "
                "úřadě v obci {municipality}, nebo jen online? Je zřízení zdarma?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Výpis z rejstříku trestů",
            "text": (
                "Dobrý den,\n\n"
                "nový zaměstnavatel po mně chce výpis z rejstříku trestů. Mohu ho získat na Czech "
                "POINTu u vás na úřadě, kolik stojí a co si mám vzít s sebou?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Aktivace elektronické identity",
            "text": (
                "Dobrý den,\n\n"
                "mám občanský průkaz s čipem a chci ho používat k přihlášení do Portálu občana. "
                "Jak aktivovat elektronickou identifikaci a kde si mohu nechat nastavit "
                "bezpečnostní kód?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Ztracené přístupové údaje k datové schránce",
            "text": (
                "Dobrý den,\n\n"
                "ztratila se mi obálka s přihlašovacími údaji k datové schránce a do schránky se "
                "nemohu přihlásit. Jak získám nové přístupové údaje?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Ověření podpisu a kopie listiny",
            "text": (
                "Dobrý den,\n\n"
                "potřebuji úředně ověřit podpis na kupní smlouvě a kopii vysvědčení. Provádí se "
                "legalizace a vidimace na úřadě v obci {municipality} a v jakých hodinách?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
    ],
    "information-request": [
        {
            "subject": "Žádost o informace – smlouvy na zimní údržbu",
            "text": (
                "Vážení,\n\n"
                "žádám podle zákona č. 106/1999 Sb., o svobodném přístupu k informacím, o "
                "poskytnutí informace o všech smlouvách uzavřených obcí {municipality} na "
                "zajištění zimní údržby místních komunikací v letech 2022 až 2024, včetně jejich "
                "cen a identifikace dodavatelů. Informace prosím poskytněte elektronicky na "
                "adresu, ze které tuto žádost zasílám.\n\n"
                "S pozdravem"
            ),
            "kind": "information_request",
        },
        {
            "subject": "Žádost o informace – odměny zastupitelů",
            "text": (
                "Vážení,\n\n"
                "žádám podle zákona č. 106/1999 Sb., o svobodném přístupu k informacím, o "
                "poskytnutí informace o výši měsíčních odměn uvolněných a neuvolněných členů "
                "zastupitelstva obce {municipality} v roce 2024. Informaci prosím zašlete do mé "
                "datové schránky.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "information_request",
        },
        {
            "subject": "Žádost o informace – usnesení zastupitelstva",
            "text": (
                "Dobrý den,\n\n"
                "žádám podle zákona č. 106/1999 Sb., o svobodném přístupu k informacím, o "
                "poskytnutí informace v podobě kopie zápisu a usnesení z posledního zasedání "
                "zastupitelstva obce, včetně příloh týkajících se prodeje obecních pozemků. "
                "Informace prosím zašlete elektronicky.\n\n"
                "S pozdravem"
            ),
            "kind": "information_request",
        },
        {
            "subject": "Žádost o informace – rekonstrukce náměstí",
            "text": (
                "Vážení,\n\n"
                "žádám podle zákona č. 106/1999 Sb., o svobodném přístupu k informacím, o "
                "poskytnutí informace o celkových nákladech na rekonstrukci náměstí, o výsledku "
                "výběrového řízení na zhotovitele a o případných dodatcích ke smlouvě o dílo. "
                "Informaci prosím poskytněte v elektronické podobě.\n\n"
                "S pozdravem"
            ),
            "kind": "information_request",
        },
        {
            "subject": "Žádost o informace – projednané přestupky",
            "text": (
                "Vážení,\n\n"
                "žádám podle zákona č. 106/1999 Sb., o svobodném přístupu k informacím, o "
                "poskytnutí informace o počtu přestupků projednaných obcí {municipality} za rok "
                "2024, a to v členění podle druhu přestupku. Informaci prosím zašlete na "
                "e-mailovou adresu, ze které píši.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "information_request",
        },
    ],
    "complaints": [
        {
            "subject": "Stížnost na jednání pracovníka podatelny",
            "text": (
                "Dobrý den,\n\n"
                "chci si stěžovat na nevhodné chování pracovníka podatelny, který mě při včerejší "
                "návštěvě úřadu opakovaně přerušoval a odmítl mi vysvětlit, proč nemůže mou žádost "
                "přijmout. Žádám o prošetření a písemné vyrozumění o výsledku.\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
        {
            "subject": "Stížnost na hluk z restaurace",
            "text": (
                "Dobrý den,\n\n"
                "z restaurace na náměstí se o víkendech až do dvou hodin do rána ozývá hlasitá "
                "hudba a hluk hostů na zahrádce. Opakovaně to narušuje noční klid celé ulice. "
                "Prosím o sdělení, jak může obec zasáhnout.\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
        {
            "subject": "Stížnost na průtahy při vyřizování žádosti",
            "text": (
                "Dobrý den,\n\n"
                "moje žádost o vyjádření k připojení na obecní vodovod, podaná před šesti týdny, "
                "dosud nebyla vyřízena a na telefonické dotazy nikdo nereaguje. Stěžuji si na "
                "průtahy a žádám o urychlené vyřízení.\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
        {
            "subject": "Nepořádek u stanoviště kontejnerů",
            "text": (
                "Dobrý den,\n\n"
                "stanoviště kontejnerů u bytového domu je dlouhodobě zaneřáděné odpadem, který sem "
                "vozí i lidé z jiných obcí, a začínají se tu objevovat potkani. Žádám obec o "
                "zjednání nápravy a pravidelný úklid.\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
        {
            "subject": "Stížnost na úřední hodiny",
            "text": (
                "Dobrý den,\n\n"
                "stěžuji si, že úřední hodiny podatelny jsou pouze dopoledne a pracující lidé si "
                "nemohou nic vyřídit bez čerpání dovolené. Prosím o zvážení alespoň jednoho "
                "odpoledne v týdnu do 17 hodin.\n\n"
                "S pozdravem"
            ),
            "kind": "complaint",
        },
    ],
    "other": [
        {
            "subject": "Ztracený batoh",
            "text": (
                "Dobrý den,\n\n"
                "ve čtvrtek se mi v autobusu nebo na zastávce u pošty ztratil batoh s notebookem. "
                "Nebyl odevzdán na obecní úřad jako nález? Jak dlouho se nalezené věci "
                "uchovávají?\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Nalezený pes",
            "text": (
                "Dobrý den,\n\n"
                "u nás na zahradě se od včerejška zdržuje pes bez obojku, zřejmě se někomu zaběhl. "
                "Komu máme nález nahlásit a kdo psa převezme?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Úřední hodiny o svátcích",
            "text": (
                "Dobrý den,\n\n"
                "jaké budou úřední hodiny obecního úřadu v obci {municipality} mezi Vánocemi a "
                "Novým rokem? Potřebuji si nechat ověřit podpis.\n\n"
                "Děkuji.\nS pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Pronájem obecního pozemku",
            "text": (
                "Dobrý den,\n\n"
                "rádi bychom si od obce pronajali část obecního pozemku za naším domem jako "
                "zahrádku. Jak se o pronájem žádá a kdo o něm rozhoduje?\n\n"
                "S pozdravem"
            ),
            "kind": "inquiry",
        },
        {
            "subject": "Lavičky u cesty ke hřbitovu",
            "text": (
                "Dobrý den,\n\n"
                "navrhuji umístit několik laviček podél cesty ke hřbitovu. Starší lidé si po cestě "
                "nemají kde odpočinout. Děkuji za zvážení tohoto podnětu.\n\n"
                "S pozdravem"
            ),
            "kind": "suggestion",
        },
    ],
}

REPLY_TEMPLATES: list[str] = [
    (
        "Dobrý den, {name},\n\n"
        "děkujeme za Váš dotaz. Záležitost vyřizuje příslušný odbor úřadu, kterému jsme Váš "
        "požadavek předali; jeho pracovník Vás bude kontaktovat nejpozději do pěti pracovních dnů. "
        "Pokud budete chtít cokoli doplnit, stačí odpovědět na tuto zprávu.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "k vyřízení Vaší záležitosti je nutná osobní návštěva úřadu. S sebou si prosím vezměte "
        "platný doklad totožnosti a doklady, které se žádostí souvisejí. Úřední hodiny jsou v "
        "pondělí a ve středu od 8 do 17 hodin, v ostatní dny po předchozí domluvě.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "příslušný formulář žádosti najdete na webových stránkách úřadu v sekci Formuláře ke "
        "stažení. Vyplněnou žádost můžete zaslat datovou schránkou, e-mailem s uznávaným "
        "elektronickým podpisem nebo ji osobně odevzdat na podatelně.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "podrobný postup včetně seznamu potřebných dokladů a výše správních poplatků je popsán v "
        "článku našeho znalostního centra, odkaz na něj připojujeme. Pokud Vám po jeho přečtení "
        "něco nebude jasné, rádi Vám poradíme.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "děkujeme za Vaši zprávu. Vaše záležitost bohužel nespadá do působnosti našeho úřadu. "
        "Obraťte se prosím na úřad obce s rozšířenou působností, případně na krajský úřad; "
        "kontakty na příslušná pracoviště najdete na jejich webových stránkách.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "abychom Vám mohli odpovědět přesně, potřebujeme od Vás doplnit několik údajů, zejména "
        "adresu nebo pozemek, kterého se dotaz týká, a případně číslo jednací předchozí "
        "korespondence. Po jejich doplnění se Vám ozveme co nejdříve.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "na úřad se můžete předem objednat na konkrétní čas prostřednictvím rezervačního systému "
        "na našem webu, a vyhnout se tak čekání. Nezapomeňte si prosím s sebou vzít platný doklad "
        "totožnosti.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "správní poplatek lze uhradit v hotovosti nebo platební kartou přímo na pokladně úřadu, "
        "případně bankovním převodem. Údaje pro platbu včetně variabilního symbolu Vám rádi "
        "sdělíme na vyžádání nebo je najdete na webu úřadu.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "Vaši žádost jsme zaevidovali a předali k vyřízení. Lhůta pro vyřízení je 30 dnů, ve "
        "složitějších případech může být prodloužena; o průběhu Vás budeme průběžně informovat.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "děkujeme za Váš podnět. Předali jsme jej vedení obce a odpovědnému odboru, který situaci "
        "prověří a navrhne další postup. O výsledku Vás budeme informovat.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "Vaše podání jsme přijali a zaevidovali. Bude prošetřeno v souladu se správním řádem a o "
        "výsledku Vás budeme písemně informovat do 60 dnů ode dne jeho doručení.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "část úkonů můžete vyřídit také elektronicky přes Portál občana nebo na kterémkoli "
        "kontaktním místě Czech POINT. Pokud byste dali přednost osobnímu jednání, jsme Vám k "
        "dispozici v úředních hodinách.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "v příloze Vám zasíláme požadované informace a odkaz na příslušný formulář. Pokud by Vám "
        "cokoli nebylo jasné, neváhejte nás znovu kontaktovat.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "Váš dotaz je poměrně specifický, a proto doporučujeme osobní konzultaci s pracovníkem "
        "příslušného odboru. Kontakt na něj Vám rádi předáme; schůzku je vhodné si předem domluvit "
        "telefonicky nebo e-mailem.\n\n"
        "S pozdravem\n{centre}"
    ),
    (
        "Dobrý den, {name},\n\n"
        "děkujeme za trpělivost. Věc jsme konzultovali s odpovědným odborem: potřebné doklady jsou "
        "uvedeny na webu úřadu u příslušné životní situace a žádost lze podat na podatelně nebo "
        "elektronicky. Rádi Vám pomůžeme i s vyplněním formuláře.\n\n"
        "S pozdravem\n{centre}"
    ),
]

INTERNAL_NOTES: list[str] = [
    "Předáno kolegům ze stavebního úřadu, čekáme na jejich vyjádření.",
    "Zkoušela jsem žadateli volat, nebral telefon. Zkusím to zítra znovu.",
    "Pozor, tentýž člověk psal minulý týden i datovou schránkou – nesloučit požadavky?",
    "Ověřeno na matrice, potřebné doklady odpovídají článku ve znalostním centru.",
    "Článek o místních poplatcích ve znalostním centru je zastaralý, nahlásím redaktorovi.",
    "Není to naše kompetence, přepošlu na ORP.",
    "Hlídat lhůtu – žádost podle zákona č. 106/1999 Sb., odpovědět do 15 dnů.",
    "Odpověď zkontrolovala vedoucí, můžeš odeslat.",
    "Tento dotaz se opakuje často, navrhuji doplnit ho do častých dotazů.",
    "Žadatel chce odpověď písemně poštou, ne e-mailem.",
    "Čekáme na podklady od technických služeb, urgováno e-mailem.",
]

FOLLOW_UPS: list[str] = [
    "Děkuji za odpověď, ještě bych se chtěl zeptat, zda je možné záležitost vyřídit i v sobotu.",
    "Dobrý den, děkuji za informace. Mohu žádost podat i za manželku na základě plné moci?",
    "Děkuji, vše je jasné. Ještě prosím: je potřeba se předem objednat?",
    (
        "Dobrý den, na svůj dotaz jsem zatím nedostala odpověď. Můžete mi prosím sdělit, v jakém "
        "je stavu?"
    ),
    "Děkuji za rychlou odpověď. Formulář jsem našel a vyplněný ho posílám v příloze.",
    "Omlouvám se, zapomněla jsem uvést adresu – jedná se o dům č. p. 112.",
    (
        "Dobrý den, odkaz na formulář z Vaší odpovědi nefunguje. Mohli byste mi ho prosím poslat "
        "znovu?"
    ),
    "Děkuji, záležitost se mezitím vyřešila, požadavek můžete uzavřít.",
    "Dobrý den, kolik přesně činí poplatek a lze ho zaplatit kartou?",
    "Děkuji mnohokrát, byli jste velmi nápomocní. Přeji hezký den.",
    "Dobrý den, doplňuji fotografii místa, o kterém jsem psal.",
]


_REQUEST_KINDS: frozenset[str] = frozenset(
    {"inquiry", "information_request", "complaint", "suggestion"}
)


def _ico_ok(ico: str) -> bool:
    """Return True when ``ico`` is a valid Czech IČO (8 digits, mod-11 check digit)."""
    if len(ico) != 8 or not ico.isdigit():
        return False
    r = sum(int(d) * w for d, w in zip(ico[:7], (8, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    check = 1 if r == 0 else 0 if r == 1 else 11 - r
    return int(ico[7]) == check


def _fields(template: str) -> set[str]:
    """Return the names of the ``str.format`` fields used in ``template``."""
    return {field for _, field, _, _ in _Formatter().parse(template) if field is not None}


assert all(_ico_ok(ico) for _, ico in ORGANISATIONS), "invalid IČO in ORGANISATIONS"
assert len(SURNAMES_MALE) == len(SURNAMES_FEMALE)
assert all(
    t["kind"] in _REQUEST_KINDS and _fields(t["subject"] + t["text"]) <= {"municipality"}
    for templates in REQUEST_TEMPLATES.values()
    for t in templates
)
assert all(_fields(r) <= {"name", "centre"} for r in REPLY_TEMPLATES)
assert all(not _fields(s) for s in INTERNAL_NOTES + FOLLOW_UPS)
