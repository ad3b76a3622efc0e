# ruff: noqa: E501 — prose: one paragraph per line reads and diffs better than split strings
"""Czech demo articles for the knowledge centre. Pure data, no Django imports.

- ``LIFE_SITUATIONS``: keyed by the id in ``sample_life_situations_titles.csv`` (the title
  comes from the CSV); the sections follow the PVS outline (DOMAIN-CZ §4.2, the keys of
  ``vik.knowledge.choices.LIFE_SITUATION_SECTIONS``). Fees and offices are real where they are
  the same everywhere; where they vary by municipality the text says so and stays generic.
- ``FAQS``: (topic slug, question, short answer).
- ``METHODOLOGIES``: staff guidance, (topic slug or "", title, Markdown body).
- ``GOVERNING_DOCUMENTS``: for coordinators, (title, summary, body).
- ``ANNOUNCEMENTS``: (audience, title, summary, body).
- ``TREBIC_VARIANTS``: the Třebíč centre's local variants of shared life situations,
  keyed by the life situation's id: sections replacing those of the shared article.
"""

from __future__ import annotations

from typing import Any

CZECH_POINT = (
    "Na kterémkoli kontaktním místě Czech POINT: obecní a krajské úřady, pobočky České pošty, "
    "notáři a Hospodářská komora. Úřední hodiny ověřte na webu pracoviště."
)
ORP_OFFICE = (
    "Na obecním úřadě obce s rozšířenou působností (v Kraji Vysočina např. Jihlava, Třebíč, "
    "Havlíčkův Brod, Žďár nad Sázavou, Pelhřimov). Kontakty a úřední hodiny najdete na webu "
    "úřadu; mnohá pracoviště nabízejí objednání termínu online."
)
MUNICIPAL_OFFICE = (
    "Na obecním nebo městském úřadě obce, které se věc týká, v úředních hodinách. Adresu, "
    "kontaktní osobu a úřední hodiny najdete na úřední desce a na webu obce."
)
REGISTRY_OFFICE = (
    "Na matričním úřadě příslušném podle místa události (narození, sňatku, úmrtí). Ne každá "
    "obec je matričním úřadem; seznam matričních úřadů vede Ministerstvo vnitra."
)
INFO_REQUEST_FORMS = (
    "Zvláštní formulář není předepsán. Vzor žádosti bývá na webu úřadu v sekci "
    "„Povinně zveřejňované informace“."
)

LIFE_SITUATIONS: dict[str, dict[str, Any]] = {
    "ZS001": {
        "topic": "residence-permanent",
        "summary": "Jak a kde se přihlásit k trvalému pobytu v nové obci a co s sebou.",
        "basic_information": "Trvalý pobyt je adresa, kterou občan zvolí jako své hlavní bydliště. Přihlášení se zapisuje do registru obyvatel a do nového občanského průkazu.",
        "who_may_apply": "Občan ČR starší 15 let za sebe; za nezletilé zákonný zástupce. Na základě plné moci i jiná osoba.",
        "conditions": "Trvalý pobyt lze mít jen na adrese budovy určené k bydlení, která má číslo popisné nebo evidenční. Je třeba doložit oprávnění užívat byt nebo souhlas vlastníka.",
        "how_to_apply": "Vyplníte přihlašovací lístek na ohlašovně; s elektronickou identitou lze změnu podat i přes Portál občana.",
        "where_to_apply": "Na ohlašovně – obecním úřadě obce, kde se budete hlásit k pobytu.",
        "documents": "- platný občanský průkaz\n- doklad o oprávnění užívat byt (výpis z katastru, nájemní smlouva) nebo úředně ověřený souhlas vlastníka",
        "forms": "Přihlašovací lístek k trvalému pobytu – dostanete jej na ohlašovně.",
        "fees": "Správní poplatek 50 Kč za osobu (u dětí bývá obcí stanoveno jinak; ověřte na ohlašovně).",
        "deadlines": "Přihlášení se provede ihned na místě. Nový občanský průkaz není povinnost, adresa se mění v registru.",
        "legal_basis": "Zákon č. 133/2000 Sb., o evidenci obyvatel a rodných číslech.",
        "related": ["ZS002", "ZS003"],
    },
    "ZS002": {
        "topic": "residence-permanent",
        "summary": "Vlastník domu nebo bytu může navrhnout zrušení trvalého pobytu osoby, která v něm nebydlí.",
        "basic_information": "Úřad zruší údaj o místě trvalého pobytu, jestliže osoba zanikla užívací právo k objektu a zároveň v něm přestala bydlet.",
        "who_may_apply": "Vlastník objektu nebo oprávněná osoba (např. nájemce bytu vůči podnájemníkovi).",
        "conditions": "Musí být splněny obě podmínky: zaniklo užívací právo a osoba objekt neužívá. Úřad vede správní řízení, ve kterém obě skutečnosti prokazujete.",
        "how_to_apply": "Písemným návrhem na ohlašovně, poštou nebo datovou schránkou.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "- doklad o vlastnictví nebo užívacím právu\n- doklady prokazující, že osoba v objektu nebydlí (např. výpověď z nájmu, svědecká prohlášení)",
        "forms": "Návrh na zrušení údaje o místě trvalého pobytu – vzor na webu obce.",
        "fees": "Správní poplatek 100 Kč za každou osobu, jejíž pobyt se ruší.",
        "deadlines": "Správní řízení; obvykle do 30 dnů, ve složitých případech do 60 dnů.",
        "legal_basis": "§ 12 zákona č. 133/2000 Sb., o evidenci obyvatel; zákon č. 500/2004 Sb., správní řád.",
        "remedies": "Proti rozhodnutí lze podat odvolání do 15 dnů od doručení.",
        "related": ["ZS001"],
    },
    "ZS003": {
        "topic": "documents-id-card",
        "summary": "Kde požádat o nový občanský průkaz, co s sebou a za jak dlouho je hotový.",
        "basic_information": "Občanský průkaz je povinný pro občany ČR starší 15 let s trvalým pobytem v ČR. Vydává se s platností 10 let (dětem do 15 let na 5 let).",
        "who_may_apply": "Občan osobně; za osobu mladší 15 let zákonný zástupce za její přítomnosti.",
        "conditions": "Žádost se podává osobně, úřad pořídí fotografii a podpis na místě. O nový průkaz je třeba požádat nejpozději 30 dní před skončením platnosti.",
        "how_to_apply": "Osobně na kterémkoli obecním úřadě obce s rozšířenou působností, bez ohledu na trvalý pobyt.",
        "where_to_apply": ORP_OFFICE,
        "documents": "- dosavadní občanský průkaz\n- při prvním vydání rodný list\n- při změně údajů doklad o změně (oddací list apod.)",
        "forms": "Formulář vyplní úředník podle registru obyvatel.",
        "fees": "Standardní vydání je zdarma. Expresní vydání do 24 hodin stojí podle sazebníku správních poplatků řádově stovky korun; aktuální částku ověřte na úřadě.",
        "deadlines": "Do 30 dnů od podání; expresně do 24 hodin nebo do 5 pracovních dnů.",
        "electronic_service": "Stav vyřízení žádosti lze ověřit online na webu Ministerstva vnitra.",
        "legal_basis": "Zákon č. 269/2021 Sb., o občanských průkazech; zákon č. 634/2004 Sb., o správních poplatcích.",
        "related": ["ZS004", "ZS005"],
    },
    "ZS004": {
        "topic": "documents-id-card",
        "summary": "Co udělat hned po ztrátě nebo krádeži občanského průkazu a jak získat nový.",
        "basic_information": "Ztrátu, odcizení nebo poškození průkazu je nutné bez zbytečného odkladu ohlásit. Průkaz se tím zneplatní, aby jej nikdo nemohl zneužít.",
        "who_may_apply": "Držitel průkazu nebo kdokoli, kdo nalezl cizí průkaz.",
        "conditions": "Krádež ohlaste Policii ČR, ztrátu kterémukoli obecnímu úřadu obce s rozšířenou působností nebo policii.",
        "how_to_apply": "Osobně; úřad vystaví potvrzení o ohlášení ztráty, které dočasně slouží jako náhradní doklad. Zároveň můžete požádat o nový průkaz.",
        "where_to_apply": ORP_OFFICE,
        "documents": "- jiný doklad totožnosti (pas, řidičský průkaz), pokud jej máte\n- u krádeže protokol od policie",
        "forms": "Protokol o ohlášení ztráty sepíše úředník.",
        "fees": "Vydání nového průkazu za ztracený nebo odcizený je zpoplatněno podle sazebníku správních poplatků; ověřte aktuální výši.",
        "deadlines": "Nový průkaz do 30 dnů, expresně rychleji.",
        "legal_basis": "Zákon č. 269/2021 Sb., o občanských průkazech.",
        "sanctions": "Neohlášení ztráty je přestupek.",
        "related": ["ZS003"],
    },
    "ZS005": {
        "topic": "documents-passport",
        "summary": "Jak požádat o cestovní pas se strojově čitelnými údaji a biometrickými prvky.",
        "basic_information": "Cestovní pas potřebujete na cesty mimo Evropskou unii a některé další země. Pas se vydává s platností 10 let, dětem do 15 let na 5 let.",
        "who_may_apply": "Občan ČR osobně; za dítě zákonný zástupce, dítě od 6 let musí být přítomno kvůli otiskům prstů.",
        "conditions": "Žádost se podává osobně; úřad pořídí fotografii, podpis a otisky prstů.",
        "how_to_apply": "Na kterémkoli obecním úřadě obce s rozšířenou působností nebo na Ministerstvu vnitra (rychlé vydání).",
        "where_to_apply": ORP_OFFICE,
        "documents": "- platný občanský průkaz\n- dosavadní cestovní pas, pokud jej máte\n- u dítěte rodný list",
        "forms": "Žádost vyplní úředník.",
        "fees": "Pas pro osobu starší 15 let 600 Kč, pro dítě do 15 let 100 Kč; zrychlené vydání je dražší.",
        "deadlines": "Do 30 dnů; ve zkrácené lhůtě do 6 pracovních dnů nebo do 24 hodin za vyšší poplatek.",
        "legal_basis": "Zákon č. 329/1999 Sb., o cestovních dokladech.",
        "related": ["ZS003"],
    },
    "ZS006": {
        "topic": "egovernment",
        "summary": "Úřední ověření pravosti podpisu na listině (legalizace) na úřadě nebo Czech POINTu.",
        "basic_information": "Legalizací se potvrzuje, že listinu podepsala osoba před ověřující osobou nebo že podpis uznala za vlastní. Neověřuje se obsah listiny.",
        "who_may_apply": "Kdokoli, kdo prokáže svou totožnost platným dokladem.",
        "conditions": "Listinu podepíšete před úředníkem nebo uznáte podpis za vlastní. Listina musí být v jazyce, kterému ověřující rozumí, jinak s úředním překladem.",
        "how_to_apply": "Osobně s listinou a průkazem totožnosti.",
        "where_to_apply": "Na obecním úřadě, který ověřování provádí, nebo na pracovišti Czech POINT. "
        + CZECH_POINT,
        "documents": "- platný doklad totožnosti\n- listina k ověření",
        "forms": "Žádný formulář není potřeba.",
        "fees": "Správní poplatek za každý ověřený podpis podle sazebníku správních poplatků (desítky korun).",
        "deadlines": "Na počkání.",
        "legal_basis": "Zákon č. 21/2006 Sb., o ověřování shody opisu nebo kopie s listinou a o ověřování pravosti podpisu.",
        "related": ["ZS007"],
    },
    "ZS007": {
        "topic": "egovernment",
        "summary": "Ověření, že kopie doslovně souhlasí s předloženou listinou (vidimace).",
        "basic_information": "Vidimací se ověřuje, že opis nebo kopie souhlasí s listinou, ze které byla pořízena. Neověřuje se správnost obsahu.",
        "who_may_apply": "Kdokoli, kdo předloží originál listiny.",
        "conditions": "Nelze ověřit např. občanský průkaz, cestovní pas, vkladní knížku nebo listinu, jejíž obsah se dá změnit bez stopy.",
        "how_to_apply": "Osobně s originálem a kopií; kopii může pořídit i úřad za úhradu.",
        "where_to_apply": "Na obecním úřadě, který ověřování provádí, nebo na pracovišti Czech POINT. "
        + CZECH_POINT,
        "documents": "- originál listiny\n- kopie k ověření",
        "forms": "Žádný formulář není potřeba.",
        "fees": "Správní poplatek za každou i započatou stránku podle sazebníku správních poplatků (desítky korun).",
        "deadlines": "Na počkání.",
        "legal_basis": "Zákon č. 21/2006 Sb.",
        "related": ["ZS006"],
    },
    "ZS008": {
        "topic": "egovernment",
        "summary": "Výpis z Rejstříku trestů na počkání na kterémkoli Czech POINTu nebo online.",
        "basic_information": "Výpis z Rejstříku trestů dokládá bezúhonnost, např. pro zaměstnavatele nebo pro živnostenské oprávnění.",
        "who_may_apply": "Osoba, které se výpis týká; jiná osoba s úředně ověřenou plnou mocí.",
        "conditions": "Stačí platný doklad totožnosti.",
        "how_to_apply": "Osobně na Czech POINTu, nebo online přes Portál občana s elektronickou identitou.",
        "where_to_apply": CZECH_POINT,
        "documents": "- platný občanský průkaz nebo cestovní pas",
        "forms": "Žádost vyplní obsluha Czech POINTu.",
        "fees": "Správní poplatek 100 Kč; přes Portál občana je výpis levnější nebo zdarma podle aktuálního sazebníku.",
        "deadlines": "Na počkání.",
        "electronic_service": "Portál občana (portal.gov.cz) – výpis do datové schránky.",
        "legal_basis": "Zákon č. 269/1994 Sb., o Rejstříku trestů; zákon č. 365/2000 Sb., o informačních systémech veřejné správy.",
        "related": ["ZS038"],
    },
    "ZS009": {
        "topic": "civil-registry-marriages",
        "summary": "Co je třeba zařídit před sňatkem, kde a kdy se dá uzavřít a jaké doklady matrika chce.",
        "basic_information": "Manželství se uzavírá před starostou (občanský sňatek) nebo před orgánem církve (církevní sňatek). V obou případech snoubenci nejprve předloží doklady matričnímu úřadu.",
        "who_may_apply": "Snoubenci, kteří jsou plně svéprávní, starší 18 let (výjimečně soudem povoleno od 16 let) a nejsou v manželství ani v registrovaném partnerství.",
        "conditions": "Dotazník k uzavření manželství a doklady předložte matričnímu úřadu, v jehož obvodu má být sňatek uzavřen, zpravidla nejméně měsíc předem. Obřadu se účastní dva svědci.",
        "how_to_apply": "Osobně na matričním úřadě; termín obřadu si domluvíte s matrikou.",
        "where_to_apply": REGISTRY_OFFICE,
        "documents": "- rodný list\n- platný občanský průkaz\n- u rozvedených pravomocný rozsudek o rozvodu\n- u cizinců další doklady podle státu",
        "forms": "Dotazník k uzavření manželství – k dispozici na matrice.",
        "fees": "Sňatek mezi občany ČR s trvalým pobytem v ČR je zdarma; poplatky se platí za obřad mimo úřední místo nebo dobu a při sňatku s cizincem (podle sazebníku). Některé obce vybírají úhradu za obřadní síň.",
        "deadlines": "Oddací list se vydává po obřadu, obvykle do několika dnů.",
        "legal_basis": "Zákon č. 89/2012 Sb., občanský zákoník; zákon č. 301/2000 Sb., o matrikách.",
        "related": ["ZS012"],
    },
    "ZS010": {
        "topic": "civil-registry-births",
        "summary": "Jak se zapisuje narození dítěte do matriky a kdy rodiče dostanou rodný list.",
        "basic_information": "Narození dítěte v porodnici oznamuje matrice zdravotnické zařízení. Matrika zapíše narození do knihy narození a vydá rodný list.",
        "who_may_apply": "Rodiče dítěte; rodný list lze zaslat nebo předat rodičům.",
        "conditions": "Rodiče určí jméno dítěte v prohlášení, nejpozději do jednoho měsíce od narození. Nesezdaní rodiče mohou otcovství určit souhlasným prohlášením, i před narozením.",
        "how_to_apply": "Prohlášení o jménu se vyplní v porodnici nebo na matrice. Matrika rodný list pošle nebo jej vyzvednete.",
        "where_to_apply": REGISTRY_OFFICE,
        "documents": "- občanské průkazy rodičů\n- oddací list, jsou-li rodiče manželé\n- rodné listy rodičů, nejsou-li manželé",
        "forms": "Prohlášení o jménu a příjmení dítěte.",
        "fees": "První rodný list je zdarma; duplikát je zpoplatněn podle sazebníku.",
        "deadlines": "Rodný list zpravidla do 30 dnů od narození.",
        "legal_basis": "Zákon č. 301/2000 Sb., o matrikách, jménu a příjmení.",
        "related": ["ZS011"],
    },
    "ZS011": {
        "topic": "civil-registry-deaths",
        "summary": "Co zařídit po úmrtí blízkého: úmrtní list, pohřeb a dědictví.",
        "basic_information": "Úmrtí oznamuje matrice lékař, který provedl prohlídku těla, nebo zdravotnické zařízení. Matrika vydá úmrtní list obvykle pohřební službě nebo pozůstalým.",
        "who_may_apply": "Pozůstalí, vypravitel pohřbu.",
        "conditions": "Pohřeb zajišťuje vypravitel pohřbu prostřednictvím pohřební služby. Dědické řízení zahájí soud sám a pověří notáře.",
        "how_to_apply": "Úmrtní list vám obvykle předá pohřební služba; jinak požádejte matriku příslušnou podle místa úmrtí.",
        "where_to_apply": REGISTRY_OFFICE,
        "documents": "- občanský průkaz zemřelého (odevzdává se)\n- doklad totožnosti žadatele",
        "forms": "Žádný formulář není potřeba.",
        "fees": "První úmrtní list je zdarma.",
        "deadlines": "Zápis do matriky se provede bez odkladu po oznámení úmrtí.",
        "legal_basis": "Zákon č. 301/2000 Sb., o matrikách; zákon č. 256/2001 Sb., o pohřebnictví.",
        "more_information": "Pokud pohřeb nikdo nevypraví, zajistí jej obec podle místa úmrtí.",
        "related": ["ZS010"],
    },
    "ZS012": {
        "topic": "civil-registry",
        "summary": "Změna příjmení (i jména) na žádost, mimo sňatek a rozvod.",
        "basic_information": "O změně příjmení rozhoduje matriční úřad podle místa trvalého pobytu žadatele. Po rozvodu se lze vrátit k předchozímu příjmení oznámením do 6 měsíců.",
        "who_may_apply": "Občan ČR s trvalým pobytem v ČR; za nezletilé zákonný zástupce.",
        "conditions": "Změnu povolí úřad ze závažných důvodů; návrat k předchozímu příjmení po rozvodu se jen oznamuje.",
        "how_to_apply": "Písemnou žádostí na matričním úřadě podle trvalého pobytu.",
        "where_to_apply": REGISTRY_OFFICE,
        "documents": "- rodný list\n- občanský průkaz\n- doklady odůvodňující změnu",
        "forms": "Žádost o změnu jména nebo příjmení – vzor na matrice.",
        "fees": "Správní poplatek podle sazebníku (stovky korun); oznámení návratu k předchozímu příjmení po rozvodu je bez poplatku.",
        "deadlines": "Správní řízení do 30 dnů.",
        "legal_basis": "§ 72 a násl. zákona č. 301/2000 Sb., o matrikách.",
        "related": ["ZS009", "ZS003"],
    },
    "ZS013": {
        "topic": "documents-vehicle-registration",
        "summary": "Zápis vozidla do registru silničních vozidel a přepis na nového vlastníka.",
        "basic_information": "Každé silniční vozidlo musí být zapsáno v registru silničních vozidel. Zápis provádí obecní úřad obce s rozšířenou působností.",
        "who_may_apply": "Vlastník nebo provozovatel vozidla, na základě plné moci i jiná osoba.",
        "conditions": "Vozidlo musí mít platnou technickou prohlídku a povinné ručení. Při převodu podávají žádost společně dosavadní a nový vlastník.",
        "how_to_apply": "Osobně na registru vozidel kteréhokoli ORP; mnohá pracoviště přijímají objednávky online.",
        "where_to_apply": ORP_OFFICE,
        "documents": "- doklad totožnosti\n- osvědčení o registraci vozidla (velký a malý technický průkaz)\n- doklad o pojištění odpovědnosti\n- protokol o technické prohlídce, vyžaduje-li se",
        "forms": "Žádost o zápis změn v registru silničních vozidel – na úřadě nebo na webu Ministerstva dopravy.",
        "fees": "Podle sazebníku správních poplatků (řádově stovky korun za přepis osobního automobilu); k tomu ekologická daň u starších vozidel.",
        "deadlines": "Převod nahlaste do 10 pracovních dnů od změny vlastníka.",
        "legal_basis": "Zákon č. 56/2001 Sb., o podmínkách provozu vozidel na pozemních komunikacích.",
        "sanctions": "Nepodání žádosti o zápis změny je přestupek.",
        "related": ["ZS014"],
    },
    "ZS014": {
        "topic": "documents-driving-licence",
        "summary": "Vydání prvního řidičského průkazu po úspěšné zkoušce v autoškole.",
        "basic_information": "Řidičský průkaz vydává obecní úřad obce s rozšířenou působností podle místa trvalého pobytu.",
        "who_may_apply": "Osoba, která dosáhla věku pro danou skupinu a složila zkoušku odborné způsobilosti.",
        "conditions": "Žádost podáte do 6 měsíců od složení zkoušky.",
        "how_to_apply": "Osobně; úřad pořídí fotografii a podpis.",
        "where_to_apply": ORP_OFFICE,
        "documents": "- občanský průkaz\n- doklad o zkoušce (protokol předá autoškola úřadu)",
        "forms": "Žádost o vydání řidičského průkazu – vyplní úředník.",
        "fees": "Podle sazebníku správních poplatků; zrychlené vydání za vyšší poplatek.",
        "deadlines": "Do 20 dnů od podání žádosti; zrychleně do 5 pracovních dnů.",
        "legal_basis": "Zákon č. 361/2000 Sb., o provozu na pozemních komunikacích.",
        "related": ["ZS015", "ZS013"],
    },
    "ZS015": {
        "topic": "documents-driving-licence",
        "summary": "Výměna řidičského průkazu při skončení platnosti, změně údajů nebo poškození.",
        "basic_information": "Řidičské průkazy vydané od roku 2013 platí 15 let. Na konec platnosti upozorňuje Portál občana.",
        "who_may_apply": "Držitel řidičského průkazu.",
        "conditions": "O výměnu požádejte před koncem platnosti; jízda s neplatným průkazem je přestupek.",
        "how_to_apply": "Osobně na kterémkoli úřadě obce s rozšířenou působností.",
        "where_to_apply": ORP_OFFICE,
        "documents": "- občanský průkaz\n- dosavadní řidičský průkaz",
        "forms": "Žádost vyplní úředník.",
        "fees": "Výměna po skončení platnosti je bez poplatku; při změně údajů nebo ztrátě podle sazebníku.",
        "deadlines": "Do 20 dnů.",
        "legal_basis": "Zákon č. 361/2000 Sb.",
        "related": ["ZS014"],
    },
    "ZS016": {
        "topic": "trade",
        "summary": "Jak ohlásit volnou, řemeslnou nebo vázanou živnost a začít podnikat.",
        "basic_information": "Živnostenské oprávnění vzniká dnem ohlášení (ohlašovací živnosti). Živnostenský úřad vydá výpis ze živnostenského rejstříku.",
        "who_may_apply": "Fyzická osoba starší 18 let, svéprávná a bezúhonná; u řemeslných a vázaných živností s odbornou způsobilostí.",
        "conditions": "Splnění všeobecných podmínek; u řemeslných živností doklad o vzdělání nebo praxi.",
        "how_to_apply": "Jednotným registračním formulářem, kterým se zároveň můžete přihlásit na finanční úřad, k sociálnímu a zdravotnímu pojištění.",
        "where_to_apply": "Na kterémkoli živnostenském úřadě (obecní úřad obce s rozšířenou působností) nebo online.",
        "documents": "- doklad totožnosti\n- doklad o odborné způsobilosti, vyžaduje-li se\n- souhlas vlastníka s umístěním sídla, liší-li se od trvalého pobytu",
        "forms": "Jednotný registrační formulář (JRF).",
        "fees": "Správní poplatek 1 000 Kč za první ohlášení; online přes Portál občana zdarma.",
        "deadlines": "Výpis ze živnostenského rejstříku do 5 pracovních dnů.",
        "electronic_service": "Ohlášení živnosti přes Portál občana nebo Portál podnikatele.",
        "legal_basis": "Zákon č. 455/1991 Sb., o živnostenském podnikání.",
        "related": ["ZS008"],
    },
    "ZS017": {
        "topic": "waste-fees",
        "summary": "Kdo platí obci poplatek za odpady, kolik a dokdy. Výši určuje každá obec vyhláškou.",
        "basic_information": "Obec může vybírat poplatek za obecní systém odpadového hospodářství. Sazbu, splatnost a osvobození stanoví obecně závazná vyhláška obce.",
        "who_may_apply": "Poplatníkem je fyzická osoba přihlášená v obci a vlastník nemovitosti, ve které není nikdo přihlášen.",
        "conditions": "Vznik a zánik poplatkové povinnosti je třeba obci ohlásit do lhůty podle vyhlášky, obvykle do 15 dnů.",
        "how_to_apply": "Poplatek zaplatíte převodem na účet obce (variabilní symbol sdělí úřad), v pokladně úřadu nebo SIPO, pokud to obec umožňuje.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "- při ohlášení: doklad totožnosti, u nemovitosti doklad o vlastnictví\n- při žádosti o osvobození doklad o důvodu",
        "forms": "Ohlášení k místnímu poplatku – na webu obce.",
        "fees": "Sazbu stanoví obec, zákon umožňuje nejvýše 1 200 Kč na osobu a rok. Příklad: obec může stanovit 750 Kč ročně, splatných do 31. 5.",
        "deadlines": "Splatnost podle vyhlášky obce, často jednorázově v prvním pololetí nebo ve dvou splátkách.",
        "legal_basis": "Zákon č. 565/1990 Sb., o místních poplatcích; obecně závazná vyhláška obce.",
        "sanctions": "Nezaplacený poplatek může obec zvýšit až na trojnásobek a vymáhat.",
        "related": ["ZS018", "ZS019"],
    },
    "ZS018": {
        "topic": "fees-local",
        "summary": "Přihlášení psa k poplatku, sazby a osvobození. Výši určuje obec vyhláškou.",
        "basic_information": "Poplatek ze psů platí držitel psa staršího 3 měsíců s trvalým pobytem nebo sídlem v obci.",
        "who_may_apply": "Držitel psa.",
        "conditions": "Držení psa ohlaste obci do 15 dnů od vzniku povinnosti. Osvobozeni jsou např. držitelé průkazu ZTP/P, psi asistenční a služební.",
        "how_to_apply": "Ohlášením na obecním úřadě; poplatek zaplatíte převodem nebo v pokladně.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "- doklad totožnosti\n- údaje o psovi (číslo čipu, stáří)",
        "forms": "Ohlášení psa k místnímu poplatku – na webu obce.",
        "fees": "Sazbu stanoví obec: nejvýše 1 500 Kč za prvního psa ročně, poživatelé důchodu platí méně. Příklad: 500 Kč za prvního psa v rodinném domě.",
        "deadlines": "Splatnost podle vyhlášky obce.",
        "legal_basis": "Zákon č. 565/1990 Sb., o místních poplatcích.",
        "related": ["ZS017"],
    },
    "ZS019": {
        "topic": "fees-local",
        "summary": "Povolení a poplatek za zábor chodníku, silnice nebo náměstí (lešení, kontejner, předzahrádka).",
        "basic_information": "Užívání veřejného prostranství (umístění lešení, stavebního kontejneru, reklamního zařízení, předzahrádky) je zpoplatněno místním poplatkem, pokud jej obec zavedla.",
        "who_may_apply": "Fyzická nebo právnická osoba, která prostranství užívá.",
        "conditions": "Užívání ohlaste obci předem; u záboru pozemní komunikace je třeba i povolení silničního správního úřadu.",
        "how_to_apply": "Ohlášením nebo žádostí na obecním úřadě s popisem místa, plochy a doby záboru.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "- situační nákres s vyznačenou plochou\n- u komunikací vyjádření správce komunikace a Policie ČR",
        "forms": "Žádost o zvláštní užívání komunikace / ohlášení záboru – na webu obce.",
        "fees": "Sazba za m² a den podle vyhlášky obce; např. 10 Kč/m²/den za stavební zařízení.",
        "deadlines": "Povolení zvláštního užívání komunikace do 30 dnů; ohlaste s předstihem.",
        "legal_basis": "Zákon č. 565/1990 Sb., o místních poplatcích; § 25 zákona č. 13/1997 Sb., o pozemních komunikacích.",
        "related": ["ZS017"],
    },
    "ZS020": {
        "topic": "environment-trees",
        "summary": "Kdy je potřeba povolení ke kácení stromu na zahradě nebo u cesty a jak o něj požádat.",
        "basic_information": "Ke kácení dřevin rostoucích mimo les je obecně potřeba povolení obecního úřadu. Bez povolení lze kácet např. stromy s obvodem kmene do 80 cm ve výšce 130 cm nad zemí nebo ovocné stromy na zahradách u domu.",
        "who_may_apply": "Vlastník pozemku nebo nájemce se souhlasem vlastníka.",
        "conditions": "Povolení se vydává ze závažných důvodů po vyhodnocení funkčního a estetického významu dřeviny. Kácí se zpravidla v období vegetačního klidu (listopad až březen).",
        "how_to_apply": "Písemnou žádostí na obecním úřadě obce, na jejímž území strom roste.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "- doklad o vlastnictví pozemku nebo souhlas vlastníka\n- situační zákres dřeviny\n- druh a obvod kmene ve výšce 130 cm",
        "forms": "Žádost o povolení kácení dřevin – na webu obce.",
        "fees": "Bez poplatku.",
        "deadlines": "Správní řízení, zpravidla do 30 dnů; úřad může uložit náhradní výsadbu.",
        "legal_basis": "§ 8 zákona č. 114/1992 Sb., o ochraně přírody a krajiny; vyhláška č. 189/2013 Sb.",
        "sanctions": "Kácení bez povolení je přestupek s pokutou až do statisíců korun.",
        "related": [],
    },
    "ZS021": {
        "topic": "information-request",
        "summary": "Jak požádat úřad o informaci podle zákona o svobodném přístupu k informacím.",
        "basic_information": "Každý má právo žádat informace od úřadů a veřejných institucí. Úřad informaci poskytne, nebo žádost rozhodnutím odmítne z důvodů stanovených zákonem.",
        "who_may_apply": "Kdokoli – fyzická i právnická osoba, bez udání důvodu.",
        "conditions": "Ze žádosti musí být zřejmé, komu je určena, kdo ji podává (jméno, datum narození a adresa) a že jde o žádost podle zákona č. 106/1999 Sb.",
        "how_to_apply": "Ústně, písemně, e-mailem nebo datovou schránkou na adresu úřadu.",
        "where_to_apply": "U úřadu, který informaci má (obec, kraj, ministerstvo).",
        "documents": "Žádné doklady se nepředkládají.",
        "forms": INFO_REQUEST_FORMS,
        "fees": "Podávání žádosti je zdarma. Úřad může žádat úhradu nákladů za mimořádně rozsáhlé vyhledání informace podle svého sazebníku; musí ji oznámit předem.",
        "deadlines": "Nejpozději do 15 dnů od přijetí žádosti, ze závažných důvodů prodloužitelné o 10 dnů.",
        "legal_basis": "Zákon č. 106/1999 Sb., o svobodném přístupu k informacím.",
        "remedies": "Proti rozhodnutí o odmítnutí odvolání, proti nečinnosti nebo výši úhrady stížnost.",
        "related": ["ZS022", "ZS023"],
    },
    "ZS022": {
        "topic": "information-request",
        "summary": "Stížnost, když úřad na žádost o informaci neodpověděl, odpověděl jen částečně nebo chce úhradu.",
        "basic_information": "Stížností podle § 16a zákona o svobodném přístupu k informacím se bráníte nečinnosti úřadu, neúplné odpovědi bez rozhodnutí nebo výši požadované úhrady.",
        "who_may_apply": "Žadatel o informaci.",
        "conditions": "Stížnost podáte u úřadu, který žádost vyřizuje; ten ji do 7 dnů předloží nadřízenému orgánu, pokud jí sám nevyhoví.",
        "how_to_apply": "Písemně, e-mailem nebo datovou schránkou.",
        "where_to_apply": "U úřadu, kterému byla žádost o informaci podána.",
        "documents": "Odkaz na původní žádost (datum, číslo jednací).",
        "forms": INFO_REQUEST_FORMS,
        "fees": "Bez poplatku.",
        "deadlines": "Stížnost do 30 dnů od doručení odpovědi nebo od uplynutí lhůty pro vyřízení; nadřízený orgán rozhodne do 15 dnů.",
        "legal_basis": "§ 16a zákona č. 106/1999 Sb.",
        "related": ["ZS021", "ZS023"],
    },
    "ZS023": {
        "topic": "information-request",
        "summary": "Odvolání proti rozhodnutí, kterým úřad odmítl poskytnout informaci.",
        "basic_information": "Proti rozhodnutí o odmítnutí žádosti o informaci se můžete odvolat k nadřízenému orgánu (u obce v samostatné působnosti ke krajskému úřadu).",
        "who_may_apply": "Žadatel, jehož žádost byla odmítnuta.",
        "conditions": "Odvolání podáte u úřadu, který rozhodl; ten je do 15 dnů předloží odvolacímu orgánu.",
        "how_to_apply": "Písemně, e-mailem s elektronickým podpisem nebo datovou schránkou.",
        "where_to_apply": "U úřadu, který rozhodnutí vydal.",
        "documents": "Rozhodnutí, proti kterému se odvoláváte (číslo jednací).",
        "forms": INFO_REQUEST_FORMS,
        "fees": "Bez poplatku.",
        "deadlines": "Do 15 dnů od doručení rozhodnutí; odvolací orgán rozhodne do 15 dnů od předložení.",
        "legal_basis": "§ 16 zákona č. 106/1999 Sb.; správní řád.",
        "related": ["ZS021", "ZS022"],
    },
    "ZS024": {
        "topic": "complaints",
        "summary": "Jak sepsat a podat petici obci, kraji nebo jinému orgánu veřejné moci.",
        "basic_information": "Petice je žádost, návrh nebo stížnost ve věci veřejného nebo jiného společného zájmu. Petici může podat jednotlivec nebo skupina.",
        "who_may_apply": "Kdokoli sám nebo s jinými; sbírat podpisy může i petiční výbor.",
        "conditions": "Petice obsahuje jméno, příjmení a bydliště podavatele; sbírá-li se podpisy, na každé podpisové archu je znění petice a jména a adresy podepsaných.",
        "how_to_apply": "Písemně na podatelně úřadu, poštou nebo datovou schránkou.",
        "where_to_apply": "U orgánu, jehož působnosti se věc týká (obec, kraj, Parlament).",
        "documents": "Text petice a podpisové archy.",
        "forms": "Předepsaný formulář neexistuje.",
        "fees": "Bez poplatku.",
        "deadlines": "Úřad odpoví do 30 dnů.",
        "legal_basis": "Zákon č. 85/1990 Sb., o právu petičním.",
        "related": ["ZS025"],
    },
    "ZS025": {
        "topic": "complaints",
        "summary": "Stížnost na nevhodné chování úředníka nebo postup úřadu podle § 175 správního řádu.",
        "basic_information": "Stížností se bráníte proti nevhodnému chování úřední osoby nebo postupu úřadu, proti kterému není jiný opravný prostředek.",
        "who_may_apply": "Dotčená osoba.",
        "conditions": "Stížnost se týká konkrétního jednání; proti rozhodnutí ve věci se podává odvolání, ne stížnost.",
        "how_to_apply": "Ústně do protokolu, písemně, e-mailem nebo datovou schránkou.",
        "where_to_apply": "U úřadu, na jehož postup si stěžujete.",
        "documents": "Popis, co se stalo, kdy a kdo jednal.",
        "forms": "Předepsaný formulář neexistuje.",
        "fees": "Bez poplatku.",
        "deadlines": "Úřad stížnost vyřídí do 60 dnů.",
        "legal_basis": "§ 175 zákona č. 500/2004 Sb., správní řád.",
        "remedies": "Nesouhlasíte-li s vyřízením, můžete požádat nadřízený správní orgán o prošetření.",
        "related": ["ZS024"],
    },
    "ZS026": {
        "topic": "culture",
        "summary": "Dotace z rozpočtu Kraje Vysočina: programy, výzvy a jak podat žádost.",
        "basic_information": "Kraj vyhlašuje každý rok dotační programy (Fond Vysočiny a další) pro obce, spolky, podnikatele i občany. Podmínky stanoví vyhlášený program.",
        "who_may_apply": "Podle podmínek programu: obce, neziskové organizace, fyzické a právnické osoby.",
        "conditions": "Žádost musí splňovat podmínky programu a být podána ve lhůtě výzvy. Obvykle se vyžaduje spoluúčast žadatele.",
        "how_to_apply": "Elektronicky přes dotační portál kraje, podepsanou žádost pak datovou schránkou nebo na podatelnu krajského úřadu.",
        "where_to_apply": "Krajský úřad Kraje Vysočina, odbor podle zaměření programu.",
        "documents": "- formulář žádosti\n- rozpočet projektu\n- doklad o zřízení žadatele a o bankovním účtu",
        "forms": "Formulář žádosti podle vyhlášeného programu.",
        "fees": "Bez poplatku.",
        "deadlines": "Podle výzvy; o dotaci rozhoduje rada nebo zastupitelstvo kraje.",
        "legal_basis": "Zákon č. 250/2000 Sb., o rozpočtových pravidlech územních rozpočtů; zákon č. 129/2000 Sb., o krajích.",
        "related": [],
    },
    "ZS027": {
        "topic": "social-benefits",
        "summary": "Příspěvek na péči pro osoby, které kvůli zdravotnímu stavu potřebují pomoc jiné osoby.",
        "basic_information": "Příspěvek na péči vyplácí Úřad práce ČR. Výše závisí na stupni závislosti (I–IV) a věku.",
        "who_may_apply": "Osoba závislá na pomoci jiné osoby, za nezletilé zákonný zástupce.",
        "conditions": "Posouzení zdravotního stavu lékařem posudkové služby a sociální šetření v domácnosti.",
        "how_to_apply": "Žádost na kontaktním pracovišti Úřadu práce ČR podle trvalého pobytu, nebo online přes Jenda (portál MPSV).",
        "where_to_apply": "Kontaktní pracoviště Úřadu práce ČR; informační centrum obce poradí a pomůže s vyplněním.",
        "documents": "- žádost a oznámení o poskytovateli pomoci\n- doklad totožnosti",
        "forms": "Žádost o příspěvek na péči – formulář MPSV.",
        "fees": "Bez poplatku.",
        "deadlines": "Úřad rozhodne do 60 dnů, v odůvodněných případech později.",
        "legal_basis": "Zákon č. 108/2006 Sb., o sociálních službách.",
        "related": ["ZS028"],
    },
    "ZS028": {
        "topic": "social-care-services",
        "summary": "Bezplatné sociální poradenství: dluhy, bydlení, péče o blízké, dávky.",
        "basic_information": "Sociální pracovníci obecního úřadu obce s rozšířenou působností poskytují základní sociální poradenství zdarma a pomohou najít vhodnou službu.",
        "who_may_apply": "Kdokoli v nepříznivé sociální situaci.",
        "conditions": "Žádné; poradenství je anonymní, pokud si to přejete.",
        "how_to_apply": "Osobně, telefonicky nebo e-mailem na odboru sociálních věcí.",
        "where_to_apply": ORP_OFFICE,
        "documents": "Podle situace (doklady o příjmech, dluzích, smlouvy).",
        "forms": "Žádný formulář není potřeba.",
        "fees": "Zdarma.",
        "deadlines": "Schůzku domluvíte obvykle do několika dnů.",
        "legal_basis": "Zákon č. 108/2006 Sb., o sociálních službách.",
        "related": ["ZS027", "ZS029"],
    },
    "ZS029": {
        "topic": "social-housing",
        "summary": "Jak požádat o obecní byt a podle čeho obec byty přiděluje.",
        "basic_information": "Obec pronajímá své byty podle pravidel schválených radou nebo zastupitelstvem. Pravidla, pořadník a volné byty zveřejňuje na webu.",
        "who_may_apply": "Zletilá osoba podle pravidel obce (často trvalý pobyt nebo vazba na obec, bezdlužnost vůči obci).",
        "conditions": "Podle pravidel obce; u sociálních bytů i příjmová hranice.",
        "how_to_apply": "Písemnou žádostí na odboru správy majetku nebo bytovém odboru.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "- doklad totožnosti\n- potvrzení o příjmech domácnosti\n- případně doklady o sociální situaci",
        "forms": "Žádost o pronájem obecního bytu – na webu obce.",
        "fees": "Bez poplatku; nájemné a kauce podle nabídky bytu.",
        "deadlines": "Žádost se zařadí do pořadníku; obnovuje se obvykle jednou ročně.",
        "legal_basis": "Zákon č. 128/2000 Sb., o obcích; zákon č. 89/2012 Sb., občanský zákoník.",
        "related": ["ZS028"],
    },
    "ZS030": {
        "topic": "building-permits",
        "summary": "Kam podat žádost o povolení stavby podle nového stavebního zákona (od 1. 7. 2024).",
        "basic_information": "Od 1. 7. 2024 platí nový stavební zákon. Žádosti se podávají stavebnímu úřadu podle místa stavby, elektronicky přes Portál stavebníka nebo v listinné podobě.",
        "who_may_apply": "Stavebník nebo jeho zástupce (často projektant).",
        "conditions": "Záměr musí být v souladu s územním plánem; většina staveb vyžaduje projektovou dokumentaci a závazná stanoviska dotčených orgánů.",
        "how_to_apply": "Žádost o povolení záměru přes Portál stavebníka nebo na podatelně stavebního úřadu.",
        "where_to_apply": "Stavební úřad příslušný podle místa stavby (obecní úřad s působností stavebního úřadu).",
        "documents": "- projektová dokumentace\n- závazná stanoviska a vyjádření\n- doklad o právu k pozemku",
        "forms": "Formuláře podle vyhlášky k novému stavebnímu zákonu, dostupné na Portálu stavebníka.",
        "fees": "Podle sazebníku správních poplatků podle druhu stavby (řádově stovky až tisíce korun).",
        "deadlines": "U jednoduchých staveb 30 dnů, u ostatních 60 dnů.",
        "electronic_service": "Portál stavebníka.",
        "legal_basis": "Zákon č. 283/2021 Sb., stavební zákon.",
        "related": ["ZS031"],
    },
    "ZS031": {
        "topic": "building",
        "summary": "Přidělení čísla popisného nebo evidenčního nové budově.",
        "basic_information": "Číslo popisné přiděluje obec budově po dokončení stavby. Bez něj se nelze k budově přihlásit k trvalému pobytu.",
        "who_may_apply": "Vlastník budovy.",
        "conditions": "Stavba musí být dokončena a mít kolaudační rozhodnutí nebo souhlas, nebo byla užívána na základě oznámení.",
        "how_to_apply": "Žádostí na obecním úřadě.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "- doklad o kolaudaci\n- geometrický plán nebo zákres budovy",
        "forms": "Žádost o přidělení čísla popisného – na webu obce.",
        "fees": "Bez poplatku; tabulku s číslem pořizuje vlastník nebo obec podle místních pravidel.",
        "deadlines": "Obvykle do 30 dnů.",
        "legal_basis": "§ 31 zákona č. 128/2000 Sb., o obcích; vyhláška č. 326/2000 Sb.",
        "related": ["ZS001", "ZS030"],
    },
    "ZS032": {
        "topic": "schools-kindergartens",
        "summary": "Kdy a jak probíhá zápis do mateřské školy a kdo má přednost.",
        "basic_information": "Zápis do mateřských škol probíhá od 2. do 16. května. Předškolní vzdělávání je povinné od 5 let věku.",
        "who_may_apply": "Zákonný zástupce dítěte.",
        "conditions": "Dítě musí mít povinné očkování (kromě dětí s povinným předškolním vzděláváním). Přednost mají děti ze školského obvodu.",
        "how_to_apply": "Žádostí o přijetí podle pokynů ředitele školy; mnohé obce používají elektronický předzápis.",
        "where_to_apply": "Ve vybrané mateřské škole; seznam škol a spádové obvody zveřejňuje obec.",
        "documents": "- rodný list dítěte\n- doklad totožnosti zákonného zástupce\n- potvrzení lékaře o očkování",
        "forms": "Žádost o přijetí dítěte k předškolnímu vzdělávání – od školy.",
        "fees": "Poslední ročník před základní školou je bezplatný; jinak úplata podle směrnice ředitele.",
        "deadlines": "Ředitel rozhodne do 30 dnů.",
        "legal_basis": "Zákon č. 561/2004 Sb., školský zákon.",
        "related": ["ZS033"],
    },
    "ZS033": {
        "topic": "schools-enrolment",
        "summary": "Zápis do 1. třídy: termín, spádová škola, odklad povinné školní docházky.",
        "basic_information": "Zápis k povinné školní docházce probíhá od 1. dubna do 30. dubna. Dítě musí k zápisu v roce, kdy dosáhne 6 let.",
        "who_may_apply": "Zákonný zástupce dítěte.",
        "conditions": "Spádová škola podle trvalého pobytu dítěte má povinnost dítě přijmout. O odklad lze požádat s doporučením poradny a lékaře.",
        "how_to_apply": "Osobně u zápisu ve škole, často s předchozí elektronickou registrací.",
        "where_to_apply": "Ve vybrané základní škole; spádové obvody stanoví obec vyhláškou.",
        "documents": "- rodný list dítěte\n- doklad totožnosti zákonného zástupce",
        "forms": "Žádost o přijetí k základnímu vzdělávání – od školy.",
        "fees": "Bez poplatku.",
        "deadlines": "Ředitel rozhodne do 30 dnů.",
        "legal_basis": "§ 36 a násl. zákona č. 561/2004 Sb., školský zákon.",
        "related": ["ZS032"],
    },
    "ZS034": {
        "topic": "environment-water",
        "summary": "Vydání rybářského lístku pro lov ryb.",
        "basic_information": "Rybářský lístek je veřejná listina opravňující k lovu spolu s povolenkou k lovu. Vydává jej obecní úřad obce s rozšířenou působností.",
        "who_may_apply": "Fyzická osoba; při prvním vydání s osvědčením o získání kvalifikace.",
        "conditions": "Doklad o znalostech (osvědčení rybářské organizace) při prvním vydání.",
        "how_to_apply": "Osobně na odboru životního prostředí.",
        "where_to_apply": ORP_OFFICE,
        "documents": "- doklad totožnosti\n- osvědčení o kvalifikaci nebo předchozí rybářský lístek",
        "forms": "Žádost o vydání rybářského lístku – na úřadě.",
        "fees": "Podle doby platnosti (1 rok, 3 roky, 10 let) podle sazebníku správních poplatků; mládež platí méně.",
        "deadlines": "Obvykle na počkání.",
        "legal_basis": "Zákon č. 99/2004 Sb., o rybářství.",
        "related": ["ZS035"],
    },
    "ZS035": {
        "topic": "environment",
        "summary": "Vydání loveckého lístku pro výkon práva myslivosti.",
        "basic_information": "Lovecký lístek vydává obecní úřad obce s rozšířenou působností podle trvalého pobytu.",
        "who_may_apply": "Osoba starší 16 let, která složila zkoušku z myslivosti.",
        "conditions": "Bezúhonnost, pojištění odpovědnosti, zkouška z myslivosti.",
        "how_to_apply": "Osobně na odboru životního prostředí.",
        "where_to_apply": ORP_OFFICE,
        "documents": "- doklad totožnosti\n- osvědčení o zkoušce z myslivosti\n- doklad o pojištění\n- výpis z Rejstříku trestů",
        "forms": "Žádost o vydání loveckého lístku.",
        "fees": "Podle doby platnosti podle sazebníku správních poplatků.",
        "deadlines": "Do 30 dnů.",
        "legal_basis": "Zákon č. 449/2001 Sb., o myslivosti.",
        "related": ["ZS034", "ZS008"],
    },
    "ZS036": {
        "topic": "complaints",
        "summary": "Jak oznámit přestupek (rušení nočního klidu, černá skládka, dopravní přestupek).",
        "basic_information": "Přestupky projednávají obecní úřady a úřady obcí s rozšířenou působností, některé Policie ČR. Oznámit je může kdokoli.",
        "who_may_apply": "Kdokoli, kdo se o přestupku dozví.",
        "conditions": "Uveďte, co se stalo, kde, kdy a kdo se jednání dopustil, jestli to víte. Oznamovatel se nestává účastníkem řízení.",
        "how_to_apply": "Písemně, e-mailem, datovou schránkou nebo osobně; naléhavé situace volejte na linku 158 nebo 156.",
        "where_to_apply": "Obecní úřad podle místa, kde se přestupek stal, nebo Policie ČR či městská policie.",
        "documents": "Případné důkazy (fotografie, jména svědků).",
        "forms": "Předepsaný formulář neexistuje.",
        "fees": "Bez poplatku.",
        "deadlines": "Na požádání vás úřad do 30 dnů vyrozumí, jak s oznámením naložil.",
        "legal_basis": "Zákon č. 250/2016 Sb., o odpovědnosti za přestupky; zákon č. 251/2016 Sb.",
        "related": ["ZS037"],
    },
    "ZS037": {
        "topic": "transport-roads",
        "summary": "Nahlaste nesvítící lampu, výmol, rozbitý chodník nebo přeplněný kontejner.",
        "basic_information": "O místní komunikace, chodníky a veřejné osvětlení se stará obec (silnice II. a III. třídy spravuje kraj). Závadu nahlaste správci co nejpřesněji.",
        "who_may_apply": "Kdokoli.",
        "conditions": "Uveďte přesné místo (ulice, číslo lampy nebo domu), popis závady a ideálně fotografii.",
        "how_to_apply": "Formulářem na webu VIK, e-mailem nebo telefonem na obecní úřad; nebezpečné závady na silnici hlaste i Policii ČR.",
        "where_to_apply": MUNICIPAL_OFFICE,
        "documents": "Fotografie závady (nepovinné).",
        "forms": "Formulář „Zeptejte se“ na portálu VIK – vyberte téma Doprava.",
        "fees": "Bez poplatku.",
        "deadlines": "Obec nebo správce závadu odstraní podle naléhavosti; nebezpečné stavy přednostně.",
        "legal_basis": "Zákon č. 13/1997 Sb., o pozemních komunikacích.",
        "related": ["ZS036"],
    },
    "ZS038": {
        "topic": "egovernment",
        "summary": "Zřízení datové schránky fyzické osoby zdarma, online nebo na Czech POINTu.",
        "basic_information": "Datová schránka slouží k elektronické komunikaci s úřady. Pro fyzické osoby je zřízení dobrovolné a bezplatné.",
        "who_may_apply": "Každá fyzická osoba starší 18 let.",
        "conditions": "Nejrychleji přihlášením přes Portál občana s elektronickou identitou (bankovní identita, eObčanka).",
        "how_to_apply": "Online přes Portál občana, nebo osobně na Czech POINTu.",
        "where_to_apply": CZECH_POINT,
        "documents": "- platný doklad totožnosti",
        "forms": "Žádost o zřízení datové schránky – vyplní obsluha Czech POINTu.",
        "fees": "Zdarma.",
        "deadlines": "Přístupové údaje na počkání nebo do 3 pracovních dnů poštou.",
        "electronic_service": "Portál občana, Informační systém datových schránek (mojedatovaschranka.cz).",
        "legal_basis": "Zákon č. 300/2008 Sb., o elektronických úkonech a autorizované konverzi dokumentů.",
        "related": ["ZS008"],
    },
    "ZS039": {
        "topic": "elections",
        "summary": "Voličský průkaz: jak volit mimo svůj volební okrsek.",
        "basic_information": "Voličský průkaz opravňuje volit v jiném volebním okrsku, i v zahraničí (u voleb do Poslanecké sněmovny a prezidenta).",
        "who_may_apply": "Volič zapsaný ve stálém seznamu voličů.",
        "conditions": "Nelze jej použít ve volbách do zastupitelstev obcí; u krajských voleb jen v rámci kraje.",
        "how_to_apply": "Osobně na obecním úřadě, písemně s úředně ověřeným podpisem nebo datovou schránkou.",
        "where_to_apply": "Obecní úřad podle trvalého pobytu.",
        "documents": "- doklad totožnosti",
        "forms": "Žádost o vydání voličského průkazu – vzor na webu obce.",
        "fees": "Bez poplatku.",
        "deadlines": "Písemně nejpozději 7 dnů před volbami, osobně do 2 dnů před volbami (přesně podle druhu voleb).",
        "legal_basis": "Zákon č. 247/1995 Sb., o volbách do Parlamentu ČR; zákon č. 130/2000 Sb., o volbách do zastupitelstev krajů.",
        "related": ["ZS040"],
    },
    "ZS040": {
        "topic": "elections",
        "summary": "Občan jiného státu EU žijící v obci se může zapsat do seznamu pro volby do Evropského parlamentu.",
        "basic_information": "Občané ČR jsou zapsáni automaticky. Občan jiného členského státu EU s pobytem v ČR musí o zápis požádat.",
        "who_may_apply": "Občan jiného státu EU, nejpozději ve druhý den voleb 18letý, s pobytem v obci.",
        "conditions": "Žádost podejte nejpozději 40 dnů přede dnem voleb.",
        "how_to_apply": "Osobně nebo písemně na obecním úřadě.",
        "where_to_apply": "Obecní úřad podle místa pobytu.",
        "documents": "- doklad totožnosti\n- potvrzení o pobytu",
        "forms": "Žádost o zápis do seznamu voličů pro volby do Evropského parlamentu.",
        "fees": "Bez poplatku.",
        "deadlines": "Nejpozději 40 dnů před volbami.",
        "legal_basis": "Zákon č. 62/2003 Sb., o volbách do Evropského parlamentu.",
        "related": ["ZS039"],
    },
}

FAQS: list[tuple[str, str, str]] = [
    (
        "documents-id-card",
        "Jak dlouho trvá vyřízení nového občanského průkazu?",
        "Standardně do 30 dnů od podání žádosti. Za příplatek lze průkaz získat do 5 pracovních dnů nebo do 24 hodin.",
    ),
    (
        "documents-id-card",
        "Mohu požádat o občanský průkaz v jiném městě, než kde mám trvalý pobyt?",
        "Ano. Žádost podáte na kterémkoli úřadě obce s rozšířenou působností; průkaz si vyzvednete tam, kde jste žádali.",
    ),
    (
        "documents-id-card",
        "Co když mi vyprší platnost občanského průkazu?",
        "Neplatný průkaz nelze používat jako doklad totožnosti. O nový požádejte alespoň 30 dnů před koncem platnosti; vydání je zdarma.",
    ),
    (
        "documents-id-card",
        "Potřebuje dítě občanský průkaz?",
        "Povinně až od 15 let. Mladším dětem lze průkaz vydat na žádost rodiče, například pro cesty v EU.",
    ),
    (
        "documents-passport",
        "Kolik stojí cestovní pas pro dítě?",
        "Pas pro dítě do 15 let stojí 100 Kč a platí 5 let. U dítěte od 6 let se snímají otisky prstů, proto musí jít s vámi.",
    ),
    (
        "documents-passport",
        "Jak rychle mohu dostat pas, když odjíždím za týden?",
        "Požádejte o vydání ve zkrácené lhůtě do 6 pracovních dnů za vyšší poplatek. Do 24 hodin vydává pas jen Ministerstvo vnitra v Praze.",
    ),
    (
        "documents-driving-licence",
        "Kdy musím vyměnit řidičský průkaz?",
        "Průkazy vydané od roku 2013 platí 15 let; datum najdete v bodě 4b. Výměna po skončení platnosti je zdarma.",
    ),
    (
        "documents-vehicle-registration",
        "Do kdy musím přepsat koupené auto?",
        "Přepis je třeba podat do 10 pracovních dnů od koupě. Přijďte s prodávajícím nebo s jeho plnou mocí.",
    ),
    (
        "documents-vehicle-registration",
        "Jak odhlásit auto z registru, když jej chci sešrotovat?",
        "Vozidlo předejte oprávněnému zpracovateli, který vydá potvrzení o převzetí autovraku. S ním požádáte o vyřazení na registru vozidel.",
    ),
    (
        "residence-permanent",
        "Mohu mít trvalý pobyt na chatě?",
        "Jen pokud má stavba číslo popisné nebo evidenční a je určena k bydlení. Chata s číslem evidenčním obvykle vyhovuje.",
    ),
    (
        "residence-permanent",
        "Potřebuji po změně trvalého pobytu nový občanský průkaz?",
        "Ne. Adresa se od roku 2021 v průkazu neuvádí a změnu pobytu úřad zapíše do registru.",
    ),
    (
        "residence-address",
        "Jak si zřídím adresu pro doručování?",
        "Požádejte ohlašovnu nebo přes Portál občana. Úřady pak budou písemnosti posílat na tuto adresu místo trvalého pobytu.",
    ),
    (
        "civil-registry-births",
        "Jak získám duplikát rodného listu?",
        "Požádejte matriku, která vede knihu narození podle místa narození, nebo kterýkoli matriční úřad. Duplikát je zpoplatněn.",
    ),
    (
        "civil-registry-marriages",
        "Můžeme mít svatbu venku na zahradě?",
        "Ano, po dohodě s matrikou a starostou. Obřad mimo obřadní síň je zpoplatněn a termín je třeba domluvit předem.",
    ),
    (
        "civil-registry-deaths",
        "Kdo zaplatí pohřeb, když zemřelý nemá příbuzné?",
        "Pohřeb zajistí obec podle místa úmrtí a náklady uplatní v dědickém řízení.",
    ),
    (
        "waste-fees",
        "Kolik zaplatím za odpady a dokdy?",
        "Výši a splatnost stanoví vyhláška vaší obce, zákon připouští nejvýše 1 200 Kč na osobu a rok. Přesnou částku zjistíte na webu obce.",
    ),
    (
        "waste-fees",
        "Platím poplatek za odpady, když studuji v jiném městě?",
        "Ano, pokud máte trvalý pobyt v obci, ledaže vyhláška obce studenty osvobozuje nebo jim poskytuje úlevu.",
    ),
    (
        "waste-collection",
        "Kam mohu odvézt objemný odpad nebo starou ledničku?",
        "Do sběrného dvora vaší obce, kde je odevzdání pro občany obce obvykle zdarma. Elektrospotřebiče berou i prodejny při koupi nového.",
    ),
    (
        "fees-local",
        "Musím přihlásit psa, když je to štěně?",
        "Poplatková povinnost vzniká, když je psovi 3 měsíce. Přihlaste jej do 15 dnů.",
    ),
    (
        "fees-real-estate-tax",
        "Kdy se platí daň z nemovitých věcí?",
        "Do 31. května, při dani nad 5 000 Kč ve dvou splátkách do 31. 5. a 30. 11. Daň spravuje finanční úřad, ne obec.",
    ),
    (
        "building-permits",
        "Potřebuji povolení na stavbu pergoly?",
        "Drobné stavby do 25 m² a výšky 5 m u rodinného domu obvykle povolení nepotřebují. Ověřte si to u stavebního úřadu, záleží i na územním plánu.",
    ),
    (
        "building-zoning",
        "Kde najdu územní plán obce?",
        "Na webu obce nebo ve Stavebně v Národním geoportálu územního plánování. Do listinné podoby nahlédnete na úřadě územního plánování.",
    ),
    (
        "environment-trees",
        "Mohu bez povolení pokácet strom na své zahradě?",
        "Ovocné stromy na zahradě u domu a stromy s obvodem kmene do 80 cm ano. Jinak potřebujete povolení obecního úřadu.",
    ),
    (
        "social-benefits",
        "Kde požádám o příspěvek na bydlení?",
        "Na kontaktním pracovišti Úřadu práce ČR nebo online. Informační centrum vám pomůže žádost vyplnit.",
    ),
    (
        "social-benefits",
        "Jak dlouho se čeká na příspěvek na péči?",
        "Úřad práce má na rozhodnutí 60 dnů; kvůli posouzení zdravotního stavu to může trvat déle. Příspěvek se vyplácí zpětně od měsíce podání žádosti.",
    ),
    (
        "social-care-services",
        "Kdo mi poradí s dluhy a exekucemi?",
        "Zdarma sociální pracovníci úřadu obce s rozšířenou působností a akreditované dluhové poradny.",
    ),
    (
        "social-housing",
        "Jak dlouho se čeká na obecní byt?",
        "Záleží na počtu volných bytů a pravidlech obce; pořadník bývá na webu obce.",
    ),
    (
        "transport-public",
        "Kde najdu jízdní řády regionální dopravy?",
        "Jízdní řády veřejné dopravy Vysočiny jsou na webu Dopravy Vysočina a v celostátním informačním systému IDOS.",
    ),
    (
        "transport-parking",
        "Jak získám parkovací kartu pro rezidenty?",
        "Podle pravidel obce, obvykle na odboru dopravy nebo v městské společnosti správy parkování. Potřebujete doklad o trvalém pobytu a technický průkaz.",
    ),
    (
        "transport-roads",
        "Kdo opraví výmol na silnici mezi obcemi?",
        "Silnice II. a III. třídy spravuje Krajská správa a údržba silnic Vysočiny, místní komunikace obec. Závadu můžete nahlásit přes formulář VIK.",
    ),
    (
        "schools-enrolment",
        "Co když se dítě nedostane do spádové školy?",
        "Spádová škola musí přijmout dítě ze svého obvodu. Pokud se hlásíte jinam, rozhoduje kapacita a kritéria ředitele.",
    ),
    (
        "schools-kindergartens",
        "Od kolika let je školka povinná?",
        "Poslední rok před nástupem do základní školy, tedy od 5 let. Je zdarma.",
    ),
    (
        "elections",
        "Mohu volit, když budu v den voleb jinde?",
        "Ano, s voličským průkazem. Požádejte o něj obecní úřad podle trvalého pobytu včas před volbami.",
    ),
    (
        "egovernment",
        "Co je Portál občana a jak se přihlásím?",
        "Portál občana (portal.gov.cz) je místo pro online úkony s úřady. Přihlásíte se bankovní identitou, eObčankou nebo mobilním klíčem.",
    ),
    (
        "egovernment",
        "Kde si ověřím podpis na plné moci?",
        "Na obecním úřadě, na Czech POINTu nebo u notáře. Vezměte s sebou platný doklad totožnosti.",
    ),
    (
        "egovernment",
        "Je datová schránka pro občany povinná?",
        "Pro fyzické osoby ne; podnikatelům a právnickým osobám se zřizuje automaticky.",
    ),
    (
        "information-request",
        "Musím uvádět, proč informaci chci?",
        "Ne. Žádost podle zákona č. 106/1999 Sb. nemusí být odůvodněna; stačí, když je zřejmé, kdo ji podává a co požaduje.",
    ),
    (
        "information-request",
        "Za jak dlouho musí úřad odpovědět na žádost o informace?",
        "Do 15 dnů od přijetí žádosti, ze závažných důvodů nejvýše o 10 dnů později. Prodloužení vám úřad musí oznámit.",
    ),
    (
        "complaints",
        "Jak si stěžovat na chování úředníka?",
        "Podejte stížnost podle § 175 správního řádu u úřadu, kde úředník pracuje. Úřad ji vyřídí do 60 dnů.",
    ),
    (
        "trade",
        "Mohu podnikat při zaměstnání?",
        "Ano, živnost lze provozovat vedle zaměstnání; pracovní smlouva může omezit konkurenční činnost. Živnost ohlásíte na živnostenském úřadě.",
    ),
    (
        "culture-events",
        "Potřebuji povolení na pořádání veřejné akce?",
        "Záleží na vyhlášce obce; často stačí akci ohlásit. Při záboru prostranství zaplatíte místní poplatek.",
    ),
    (
        "other",
        "Jak se dostanu do informačního centra bezbariérově?",
        "Informační centra jsou většinou v přízemí úřadů. Zeptejte se předem a pracovníci vás rádi obslouží i u vchodu.",
    ),
]

METHODOLOGIES: list[tuple[str, str, str]] = [
    (
        "",
        "Jak odpovídat na dotazy z webového formuláře",
        "## Postup\n\n1. Do 2 pracovních dnů dotaz převezměte.\n2. Ověřte obec tazatele a příslušnost centra; "
        "cizí dotazy přesuňte.\n3. Odpovězte srozumitelně, bez zkratek, s odkazem na návod v databázi znalostí.\n"
        "4. Chybí-li údaje, zeptejte se a nastavte stav „čeká na občana“.\n\n"
        "## Tón\n\nOslovujte vykáním, podepisujte se jménem a centrem.",
    ),
    (
        "information-request",
        "Rozpoznání žádosti podle zákona č. 106/1999 Sb.",
        "Dotaz je žádostí o informace, pokud tazatel uvede zákon nebo požaduje existující informaci úřadu "
        "a uvede jméno a adresu. V takovém případě **změňte druh požadavku** na žádost o informace; "
        "lhůta je 15 dnů a běží od doručení. Nejasné případy konzultujte s právníkem úřadu.",
    ),
    (
        "information-request",
        "Lhůty a prodloužení u žádostí o informace",
        "- 15 dnů na vyřízení od přijetí\n- prodloužení nejvýše o 10 dnů ze závažných důvodů, "
        "oznámit před uplynutím lhůty\n- 7 dnů na výzvu k doplnění nesrozumitelné žádosti\n"
        "- výzva k úhradě nákladů předem, lhůta se staví",
    ),
    (
        "complaints",
        "Vyřizování stížností podle § 175 správního řádu",
        "Stížnost zaevidujte, určete odpovědnou osobu a do 60 dnů vyřiďte. Stěžovateli sdělte výsledek šetření. "
        "Stížnost na pracovníka centra předejte vedoucí centra.",
    ),
    (
        "",
        "Ověření totožnosti tazatele při telefonickém dotazu",
        "Osobní údaje (stav řízení, dlužné poplatky) sdělujte jen po ověření totožnosti: "
        "datum narození a adresa trvalého pobytu, nebo zpětné volání na číslo uvedené v kontaktu.",
    ),
    (
        "",
        "Práce s osobními údaji v požadavcích (GDPR)",
        "Do poznámek nezapisujte rodná čísla, zdravotní údaje ani čísla dokladů, pokud je nepotřebujete. "
        "Přílohy s citlivými údaji po vyřízení neukládejte mimo VIK.",
    ),
    (
        "documents-id-card",
        "Ztráta občanského průkazu na přepážce: postup",
        "Ověřte totožnost jiným dokladem, sepište protokol o ztrátě, vydejte potvrzení a nabídněte podání "
        "žádosti o nový průkaz. Při podezření na krádež doporučte oznámení Policii ČR.",
    ),
    (
        "waste-fees",
        "Dotazy na výši poplatku za odpady v obcích ORP",
        "Sazby jednotlivých obcí se liší. Vždy odkažte na vyhlášku konkrétní obce; neuvádějte částku jiné obce. "
        "Přehled vyhlášek je ve Sbírce právních předpisů územních samosprávných celků.",
    ),
    (
        "",
        "Přesměrování dotazu na příslušný úřad",
        "Nepatří-li věc do působnosti obce ani kraje (daně, sociální dávky, katastr), odpovězte, který úřad je "
        "příslušný, a přiložte kontakt. Požadavek pak vyřiďte, nenechávejte jej otevřený.",
    ),
    (
        "",
        "Telefonní skript informačního centra",
        "Pozdrav: „Informační centrum, dobrý den, u telefonu …“. Zeptejte se na obec, vyslechněte dotaz, "
        "shrňte jej vlastními slovy, odpovězte nebo domluvte zpětné volání a vše zapište do VIK.",
    ),
    (
        "social-benefits",
        "Kdy předat tazatele sociálnímu pracovníkovi",
        "Při zmínce o ohrožení bydlení, domácím násilí, nezvládání péče nebo dluzích předejte kontakt "
        "sociálnímu pracovníkovi ORP se souhlasem tazatele; do poznámky zapište jen, že byl předán.",
    ),
    (
        "transport-roads",
        "Hlášení závad na silnicích II. a III. třídy",
        "Závady na krajských silnicích předávejte KSÚSV na dispečink cestmistrovství. "
        "Nebezpečné závady (propadlá vozovka, spadlý strom) hlaste ihned i Policii ČR.",
    ),
    (
        "",
        "Šablony odpovědí a jak je udržovat",
        "Šablony ukládejte jako články databáze znalostí s publikem „zaměstnanci“. Každou šablonu jednou za rok "
        "zkontrolujte; zastaralé archivujte.",
    ),
    (
        "",
        "Eskalace dotazu na koordinátora kraje",
        "Dotazy týkající se více ORP, krajských dotací nebo mediálně citlivé věci předejte koordinátorovi kraje "
        "a přesuňte do regionálního centra.",
    ),
    (
        "elections",
        "Volební období: zvýšený počet dotazů",
        "Před volbami připravte odpovědi na voličský průkaz, volební okrsky a hlasování ze zahraničí. "
        "Ověřujte termíny u registračního úřadu.",
    ),
]

GOVERNING_DOCUMENTS: list[tuple[str, str, str]] = [
    (
        "Pravidla sítě informačních center Kraje Vysočina",
        "Kdo za co odpovídá, lhůty a standardy odpovědí v síti.",
        "## Účel\n\nSíť informačních center poskytuje občanům jednotné informace o veřejné správě.\n\n"
        "## Standardy\n\n- odpověď do 5 pracovních dnů\n- žádost o informace ve lhůtě zákona\n"
        "- přesun dotazu mezi centry do 1 pracovního dne\n\n## Role\n\nKoordinátor kraje, vedoucí center, "
        "editor znalostí, agent.",
    ),
    (
        "Standard kvality odpovědí",
        "Jak hodnotíme odpovědi a co sledujeme měsíčně.",
        "Sledujeme dobu první reakce, dobu vyřízení, podíl dotazů vyřízených návodem z databáze znalostí "
        "a hodnocení občanů. Výsledky se projednávají na čtvrtletní poradě koordinátorů.",
    ),
    (
        "Zastupování center při nepřítomnosti",
        "Kdo převezme dotazy centra při dovolené nebo nemoci.",
        "Dotazy centra s nepřítomnou obsluhou přebírá regionální centrum. Vedoucí centra nepřítomnost "
        "hlásí koordinátorovi alespoň týden předem.",
    ),
]

ANNOUNCEMENTS: list[tuple[str, str, str, str]] = [
    (
        "public",
        "Změna úředních hodin o vánočních svátcích",
        "Mezi svátky jsou informační centra otevřena v omezeném režimu.",
        "Ve dnech 27.–31. prosince jsou informační centra otevřena od 8 do 12 hodin. Dotazy z webového "
        "formuláře přijímáme i nadále a odpovíme po svátcích.",
    ),
    (
        "public",
        "Nový stavební zákon od 1. července 2024",
        "Žádosti o povolení staveb se podávají podle nového stavebního zákona.",
        "Od 1. 7. 2024 platí nový stavební zákon č. 283/2021 Sb. Žádosti podávejte přes Portál stavebníka "
        "nebo na stavebním úřadě. Více v návodu Stavební záměr – kde podat žádost.",
    ),
    (
        "staff",
        "Školení k databázi znalostí",
        "Pro agenty a editory center proběhne online školení.",
        "Školení ukáže vyhledávání návodů, vkládání odkazů do odpovědí a psaní místních variant. "
        "Přihlášky u koordinátora kraje.",
    ),
]

# The Třebíč centre's local variants: the sections that differ from the shared article.
TREBIC_VARIANTS: dict[str, dict[str, str]] = {
    "ZS017": {
        "where_to_apply": "Městský úřad Třebíč, odbor finanční, pokladna v přízemí budovy radnice; platbu lze poslat i převodem na účet města (variabilní symbol sdělí úřad).",
        "fees": "Příklad sazby podle vyhlášky města (ukázková hodnota pro demo): 800 Kč na osobu a rok, splatné do 30. 6.; děti do 3 let osvobozeny.",
    },
    "ZS037": {
        "how_to_apply": "Ve městě Třebíč hlaste závady veřejného osvětlení a komunikací Technickým službám města nebo přes formulář VIK; uveďte číslo sloupu lampy.",
        "where_to_apply": "Městský úřad Třebíč, odbor správy majetku města; mimo úřední hodiny městská policie.",
    },
}

# How people ask ("Jak se lidé ptají"): phrasings of the life situations, keyed by id, in the
# words a citizen types, written from each article's own title and summary.
PHRASINGS: dict[str, list[str]] = {
    "ZS001": [
        "Jak se přihlásit k trvalému pobytu v nové obci?",
        "Přestěhoval jsem se, kde si změním trvalé bydliště?",
        "Co potřebuji k přehlášení trvalého pobytu?",
        "Kolik stojí přihlášení k trvalému pobytu?",
        "Jak se přihlásit k pobytu v nově koupeném domě?",
    ],
    "ZS002": [
        "Jak odhlásit z bytu člověka, který tam už nebydlí?",
        "Bývalý nájemník má u mě pořád trvalý pobyt, co s tím?",
        "Můžu jako majitel domu zrušit někomu trvalý pobyt?",
    ],
    "ZS003": [
        "Kde si zažádám o nový občanský průkaz?",
        "Končí mi platnost občanky, co mám dělat?",
        "Kolik stojí občanka a jak dlouho se na ni čeká?",
        "Jde udělat občanský průkaz na počkání?",
        "Co potřebuje dítě k první občance?",
        "Musím po sňatku a změně příjmení měnit občanku?",
    ],
    "ZS004": [
        "Ztratil jsem občanku, co mám dělat?",
        "Ukradli mi peněženku i s občanským průkazem.",
        "Kde nahlásit ztrátu občanky?",
        "Jak získat nový průkaz po ztrátě?",
    ],
    "ZS005": [
        "Jak si vyřídit cestovní pas?",
        "Jak rychle můžu dostat nový pas?",
        "Potřebuju pas na dovolenou mimo EU, kam mám jít?",
    ],
    "ZS006": [
        "Kde si nechám ověřit podpis?",
        "Potřebuji úředně ověřený podpis na smlouvě.",
        "Kolik stojí legalizace podpisu na Czech POINTu?",
    ],
    "ZS007": [
        "Kde si nechám ověřit kopii dokladu?",
        "Potřebuju úředně ověřenou kopii vysvědčení.",
        "Kolik stojí vidimace jedné stránky?",
    ],
    "ZS008": [
        "Jak získám výpis z rejstříku trestů?",
        "Potřebuju čistý trestní rejstřík pro zaměstnavatele.",
        "Dá se výpis z trestního rejstříku vyřídit online?",
    ],
    "ZS009": [
        "Co potřebujeme k svatbě na úřadě?",
        "Jaké doklady chce matrika před sňatkem?",
        "Kde a kdy se můžeme vzít?",
        "Jak dlouho dopředu zamluvit obřad?",
    ],
    "ZS010": [
        "Narodilo se nám dítě, kdy dostaneme rodný list?",
        "Jak zapsat miminko do matriky?",
        "Co musí rodiče vyřídit po porodu?",
    ],
    "ZS011": [
        "Zemřel nám blízký, co všechno musíme zařídit?",
        "Kde dostanu úmrtní list?",
        "Jak postupovat po úmrtí v rodině kvůli pohřbu a dědictví?",
    ],
    "ZS012": [
        "Chci si vrátit původní příjmení, jak na to?",
        "Lze změnit jméno dítěte na úřadě?",
        "Můžu si na matrice požádat o změnu příjmení?",
    ],
    "ZS013": [
        "Jak přepsat auto na nového majitele?",
        "Koupil jsem ojeté auto, kde ho přihlásím?",
        "Co je potřeba k registraci vozidla?",
        "Kolik stojí přepis auta?",
    ],
    "ZS014": [
        "Udělal jsem autoškolu, jak získám řidičák?",
        "Kde si vyzvednu první řidičský průkaz?",
        "Kolik stojí vydání řidičáku?",
        "Dá se první řidičák vydat zrychleně?",
    ],
    "ZS015": [
        "Jak vyměnit starý řidičský průkaz?",
        "Poškodil se mi řidičák, kde dostanu nový?",
        "Změnilo se mi příjmení, musím měnit řidičský průkaz?",
        "Musím na výměnu řidičáku do místa trvalého pobytu?",
    ],
    "ZS016": [
        "Jak si zařídit živnostenský list?",
        "Chci začít podnikat na živnost, kam jít?",
        "Kolik stojí ohlášení živnosti?",
    ],
    "ZS017": [
        "Kolik se platí za popelnice?",
        "Do kdy musím zaplatit poplatek za odpad?",
        "Musím platit za svoz odpadu, když v obci nebydlím?",
        "Kdo je osvobozen od poplatku za odpady?",
    ],
    "ZS018": [
        "Kolik se platí za psa?",
        "Musím psa přihlásit na obecním úřadě?",
        "Do kdy se platí poplatek ze psů?",
        "Platí důchodce poplatek za psa?",
    ],
    "ZS019": [
        "Potřebuji povolení na kontejner před domem.",
        "Kolik stojí zábor chodníku kvůli lešení?",
        "Jak si vyřídit předzahrádku na náměstí?",
    ],
    "ZS020": [
        "Můžu pokácet strom na své zahradě?",
        "Kdy potřebuji povolení ke kácení stromu?",
        "Kde požádat o pokácení stromu u cesty?",
    ],
    "ZS021": [
        "Jak požádat úřad o informace podle zákona 106?",
        "Chci od obce zjistit informace, jak napsat žádost?",
        "Musí mi úřad odpovědět na žádost o informaci?",
        "Jak zjistit, za kolik obec zadala zakázku?",
    ],
    "ZS022": [
        "Úřad mi neodpověděl na žádost o informace, co dělat?",
        "Jak si stěžovat, že obec chce za informace zaplatit?",
        "Dostal jsem jen část požadovaných informací.",
        "Úřad po mně chce za poskytnutí informací úhradu, je to v pořádku?",
    ],
    "ZS023": [
        "Úřad odmítl poskytnout informace, jak se odvolat?",
        "Do kdy podat odvolání proti odmítnutí informace?",
        "Nesouhlasím s rozhodnutím o odmítnutí žádosti o informace.",
    ],
    "ZS024": [
        "Jak sepsat petici?",
        "Chceme s občany podat petici obci, jak na to?",
        "Kolik podpisů musí mít petice?",
    ],
    "ZS025": [
        "Jak si stěžovat na úředníka?",
        "Úředník se ke mně choval nevhodně, kam to nahlásit?",
        "Chci podat stížnost na postup úřadu.",
    ],
    "ZS026": [
        "Jak získat dotaci od kraje?",
        "Kde najdu výzvy na dotace Kraje Vysočina?",
        "Může spolek požádat kraj o příspěvek?",
    ],
    "ZS027": [
        "Jak požádat o příspěvek na péči?",
        "Starám se o nemocnou maminku, máme nárok na nějaký příspěvek?",
        "Kdo rozhoduje o příspěvku na péči?",
    ],
    "ZS028": [
        "Mám dluhy, kde mi zdarma poradí?",
        "Kam se obrátit, když nezvládám péči o blízkého?",
        "Kde najdu bezplatnou sociální poradnu?",
    ],
    "ZS029": [
        "Jak si zažádat o obecní byt?",
        "Podle čeho obec přiděluje byty?",
        "Hledám levné bydlení od města.",
    ],
    "ZS030": [
        "Kde podat žádost o stavební povolení?",
        "Chci stavět dům, jak postupovat podle nového stavebního zákona?",
        "Kam se podává žádost o povolení stavby od července 2024?",
    ],
    "ZS031": [
        "Jak dostat číslo popisné pro nový dům?",
        "Postavili jsme dům, kdo nám přidělí číslo?",
        "Co je potřeba k přidělení čísla popisného?",
    ],
    "ZS032": [
        "Kdy je zápis do školky?",
        "Jak přihlásit dítě do mateřské školy?",
        "Kdo má přednost při přijetí do školky?",
    ],
    "ZS033": [
        "Kdy je zápis do první třídy?",
        "Jak požádat o odklad školní docházky?",
        "Do které školy patří moje dítě?",
    ],
    "ZS034": [
        "Jak získat rybářský lístek?",
        "Chci chodit na ryby, co k tomu potřebuji?",
        "Kolik stojí rybářský lístek?",
    ],
    "ZS035": [
        "Jak získat lovecký lístek?",
        "Co potřebuji, abych mohl chodit na hon?",
        "Kde se vydává lovecký lístek?",
    ],
    "ZS036": [
        "Jak nahlásit souseda, který ruší noční klid?",
        "Kde oznámit černou skládku?",
        "Jak podat oznámení o přestupku?",
        "Komu oznámit pálení plastů a odpadu?",
    ],
    "ZS037": [
        "Nesvítí lampa v ulici, komu to nahlásit?",
        "Kam nahlásit díru v silnici?",
        "Je rozbitý chodník, kdo to opraví?",
        "Přeplněný kontejner na tříděný odpad, kam zavolat?",
    ],
    "ZS038": [
        "Jak si zřídit datovou schránku?",
        "Chci datovku pro sebe jako občan, je zdarma?",
        "Dá se datová schránka založit online?",
    ],
    "ZS039": [
        "Jak volit mimo místo trvalého pobytu?",
        "Kde dostanu voličský průkaz?",
        "Budu o volbách na chalupě, můžu volit tam?",
    ],
    "ZS040": [
        "Jsem občan EU, můžu volit do Evropského parlamentu v Česku?",
        "Jak se cizinec z EU zapíše do seznamu voličů?",
        "Do kdy se zapsat do seznamu voličů pro eurovolby?",
    ],
}
# The fee the Třebíč centre set on its variant, in whole crowns (shown above the "Fees" section).
TREBIC_FEES: dict[str, int] = {"ZS017": 800}
# How people ask, for the FAQs and the public announcements: keyed by the article's title (a
# FAQ's question), two a piece, in a citizen's words rather than the title's.
TITLE_PHRASINGS: dict[str, list[str]] = {
    "Jak dlouho trvá vyřízení nového občanského průkazu?": [
        "Za kolik dní si můžu vyzvednout novou občanku?",
        "Kdy bude hotový nový občanský průkaz po podání žádosti?",
    ],
    "Mohu požádat o občanský průkaz v jiném městě, než kde mám trvalý pobyt?": [
        "Můžu si občanku vyřídit v Praze, když bydlím jinde?",
        "Musím žádat o průkaz v místě trvalého pobytu?",
    ],
    "Co když mi vyprší platnost občanského průkazu?": [
        "Prošla mi platnost občanky, co teď?",
        "Můžu používat občanku po konci platnosti?",
    ],
    "Potřebuje dítě občanský průkaz?": [
        "Od kolika let potřebuje dítě vlastní občanku?",
        "Může mít malé dítě vlastní občanský průkaz na cesty?",
    ],
    "Kolik stojí cestovní pas pro dítě?": [
        "Jaký je poplatek za pas pro dítě do 15 let?",
        "Musí jít dítě osobně na pas kvůli otiskům?",
    ],
    "Jak rychle mohu dostat pas, když odjíždím za týden?": [
        "Potřebuju pas do několika dní, jde to?",
        "Jak získat pas ve zkrácené lhůtě před odjezdem?",
    ],
    "Kdy musím vyměnit řidičský průkaz?": [
        "Jak dlouho platí řidičský průkaz?",
        "Podle čeho poznám konec platnosti řidičáku?",
    ],
    "Do kdy musím přepsat koupené auto?": [
        "Kolik času je na převod auta na nového majitele?",
        "Kolik dní mám na přepsání ojetého auta?",
    ],
    "Jak odhlásit auto z registru, když jej chci sešrotovat?": [
        "Jak vyřadit auto z registru po ekologické likvidaci?",
        "Co dělat s papíry od auta, které jde do šrotu?",
    ],
    "Mohu mít trvalý pobyt na chatě?": [
        "Můžu se přihlásit k trvalému pobytu na chalupu?",
        "Dá se mít trvalé bydliště v rekreačním objektu?",
    ],
    "Potřebuji po změně trvalého pobytu nový občanský průkaz?": [
        "Musím si po přestěhování měnit občanku?",
        "Je na občance adresa trvalého pobytu?",
    ],
    "Jak si zřídím adresu pro doručování?": [
        "Chci dostávat poštu od úřadů na jinou adresu než trvalý pobyt.",
        "Jak nastavit doručovací adresu pro úřední dopisy?",
    ],
    "Jak získám duplikát rodného listu?": [
        "Kde si vyřídím nový rodný list místo ztraceného?",
        "Potřebuji druhé vyhotovení rodného listu.",
    ],
    "Můžeme mít svatbu venku na zahradě?": [
        "Jde mít svatební obřad mimo obřadní síň?",
        "Kolik stojí oddání venku nebo na zámku?",
    ],
    "Kdo zaplatí pohřeb, když zemřelý nemá příbuzné?": [
        "Kdo zajistí pohřeb osamělého člověka?",
        "Zemřel někdo bez rodiny, kdo platí pohřeb?",
    ],
    "Kolik zaplatím za odpady a dokdy?": [
        "Kolik se letos platí za popelnice na osobu?",
        "Do kdy zaplatit poplatek za svoz odpadu?",
    ],
    "Platím poplatek za odpady, když studuji v jiném městě?": [
        "Musí student bydlící na kolejích platit za odpad doma?",
        "Musím jako student platit popelnice doma?",
    ],
    "Kam mohu odvézt objemný odpad nebo starou ledničku?": [
        "Kam s vysloužilými spotřebiči a starým nábytkem?",
        "Kde je sběrný dvůr pro velkoobjemový odpad?",
    ],
    "Musím přihlásit psa, když je to štěně?": [
        "Od kolika měsíců se za štěně platí poplatek?",
        "Kdy přihlásit nového pejska na obci?",
    ],
    "Kdy se platí daň z nemovitých věcí?": [
        "Jaký je termín splatnosti daně z nemovitosti?",
        "Kdo vybírá daň z nemovitých věcí, obec nebo finanční úřad?",
    ],
    "Potřebuji povolení na stavbu pergoly?": [
        "Potřebuji stavební povolení na zahradní domek nebo přístřešek?",
        "Jak velkou drobnou stavbu můžu postavit bez povolení?",
    ],
    "Kde najdu územní plán obce?": [
        "Jak zjistit, k čemu je pozemek určen v územním plánu?",
        "Kde nahlédnout do územního plánu obce?",
    ],
    "Mohu bez povolení pokácet strom na své zahradě?": [
        "Smím pokácet ovocný strom u domu bez povolení?",
        "Jaký obvod kmene může mít strom, který pokácím sám?",
    ],
    "Kde požádám o příspěvek na bydlení?": [
        "Kde se žádá o příspěvek na nájem a energie?",
        "Kdo vyplácí příspěvek na bydlení?",
    ],
    "Jak dlouho se čeká na příspěvek na péči?": [
        "Kolik týdnů úřad práce rozhoduje o příspěvku na péči?",
        "Vyplácí se příspěvek na péči zpětně?",
    ],
    "Kdo mi poradí s dluhy a exekucemi?": [
        "Kde najdu bezplatnou dluhovou poradnu?",
        "Mám exekuci, kdo mi zdarma poradí?",
    ],
    "Jak dlouho se čeká na obecní byt?": [
        "Jak dlouhý je pořadník na městský byt?",
        "Kdy dostanu obecní byt, když jsem v pořadníku?",
    ],
    "Kde najdu jízdní řády regionální dopravy?": [
        "Kde najdu spoje autobusů a vlaků na Vysočině?",
        "Jízdní řády autobusů v kraji.",
    ],
    "Jak získám parkovací kartu pro rezidenty?": [
        "Jak si vyřídit rezidentní parkování u domu?",
        "Co potřebuji k parkovací kartě pro místní?",
    ],
    "Kdo opraví výmol na silnici mezi obcemi?": [
        "Kdo spravuje silnice mezi vesnicemi?",
        "Komu nahlásit díru na krajské silnici?",
    ],
    "Co když se dítě nedostane do spádové školy?": [
        "Musí spádová škola dítě přijmout?",
        "Co dělat, když dítě nevezmou do vybrané školy?",
    ],
    "Od kolika let je školka povinná?": [
        "Musí dítě do školky povinně?",
        "Je poslední rok školky zdarma?",
    ],
    "Mohu volit, když budu v den voleb jinde?": [
        "Můžu odvolit jinde, když v den voleb nebudu doma?",
        "Můžu hlasovat v jiném městě s voličským průkazem?",
    ],
    "Co je Portál občana a jak se přihlásím?": [
        "K čemu je Portál občana?",
        "Čím se přihlásit do Portálu občana?",
    ],
    "Kde si ověřím podpis na plné moci?": [
        "Kde mi úředně ověří podpis na zplnomocnění?",
        "Musí být plná moc s ověřeným podpisem?",
    ],
    "Je datová schránka pro občany povinná?": [
        "Musí mít každý občan datovou schránku?",
        "Kdo musí mít datovou schránku povinně?",
    ],
    "Musím uvádět, proč informaci chci?": [
        "Musím úřadu vysvětlovat, proč informaci potřebuji?",
        "Musí být žádost o informace odůvodněná?",
    ],
    "Za jak dlouho musí úřad odpovědět na žádost o informace?": [
        "Do kolika dnů musí obec odpovědět na žádost o informace?",
        "Jaká je lhůta na vyřízení žádosti podle zákona 106?",
    ],
    "Jak si stěžovat na chování úředníka?": [
        "Kam podat stížnost na nevhodné chování úřednice?",
        "Jak se ozvat, když se úředník choval neslušně?",
    ],
    "Mohu podnikat při zaměstnání?": [
        "Můžu mít živnost při zaměstnání na plný úvazek?",
        "Jde podnikat vedle hlavního pracovního poměru?",
    ],
    "Potřebuji povolení na pořádání veřejné akce?": [
        "Co je potřeba k pořádání akce pro veřejnost v obci?",
        "Musí se kulturní akce nebo trh ohlásit na úřadě?",
    ],
    "Jak se dostanu do informačního centra bezbariérově?": [
        "Je informační centrum přístupné pro vozíčkáře?",
        "Dostanu se do infocentra s kočárkem nebo na vozíku?",
    ],
    "Změna úředních hodin o vánočních svátcích": [
        "Jaká je otevírací doba informačních center mezi svátky?",
        "Máte otevřeno mezi Vánoci a Silvestrem?",
    ],
    "Nový stavební zákon od 1. července 2024": [
        "Co se změnilo s novým stavebním zákonem?",
        "Kde se podává žádost o stavbu po novém od července 2024?",
    ],
}
