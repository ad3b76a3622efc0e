"""Seed data for the shared topic taxonomy of the region's information centres.

Pure data, no Django imports: a migration or management command turns ``TOPICS`` into
topic rows. Each entry has an ASCII kebab-case ``slug`` (unique), Czech and English names
and the ``parent`` slug (``None`` for a top-level topic). Parents always come before their
children, so the list can be loaded in order in a single pass.
"""

TOPICS: list[dict[str, str | None]] = [
    # Documents
    {"slug": "documents", "name_cs": "Doklady", "name_en": "Documents", "parent": None},
    {
        "slug": "documents-id-card",
        "name_cs": "Občanské průkazy",
        "name_en": "Identity cards",
        "parent": "documents",
    },
    {
        "slug": "documents-passport",
        "name_cs": "Cestovní pasy",
        "name_en": "Passports",
        "parent": "documents",
    },
    {
        "slug": "documents-driving-licence",
        "name_cs": "Řidičské průkazy",
        "name_en": "Driving licences",
        "parent": "documents",
    },
    {
        "slug": "documents-vehicle-registration",
        "name_cs": "Registr vozidel",
        "name_en": "Vehicle registration",
        "parent": "documents",
    },
    # Residence
    {
        "slug": "residence",
        "name_cs": "Evidence obyvatel a pobyt",
        "name_en": "Residence and population register",
        "parent": None,
    },
    {
        "slug": "residence-permanent",
        "name_cs": "Trvalý pobyt",
        "name_en": "Permanent residence",
        "parent": "residence",
    },
    {
        "slug": "residence-address",
        "name_cs": "Adresy a čísla popisná",
        "name_en": "Addresses and house numbers",
        "parent": "residence",
    },
    # Civil registry
    {"slug": "civil-registry", "name_cs": "Matrika", "name_en": "Civil registry", "parent": None},
    {
        "slug": "civil-registry-births",
        "name_cs": "Narození",
        "name_en": "Births",
        "parent": "civil-registry",
    },
    {
        "slug": "civil-registry-marriages",
        "name_cs": "Sňatky",
        "name_en": "Marriages",
        "parent": "civil-registry",
    },
    {
        "slug": "civil-registry-deaths",
        "name_cs": "Úmrtí a pohřebnictví",
        "name_en": "Deaths and funerals",
        "parent": "civil-registry",
    },
    # Building
    {
        "slug": "building",
        "name_cs": "Stavebnictví a územní plánování",
        "name_en": "Building and planning",
        "parent": None,
    },
    {
        "slug": "building-permits",
        "name_cs": "Povolování staveb",
        "name_en": "Building permits",
        "parent": "building",
    },
    {
        "slug": "building-zoning",
        "name_cs": "Územní plán",
        "name_en": "Zoning plan",
        "parent": "building",
    },
    # Waste
    {"slug": "waste", "name_cs": "Odpady", "name_en": "Waste", "parent": None},
    {
        "slug": "waste-collection",
        "name_cs": "Svoz a třídění odpadu",
        "name_en": "Waste collection and sorting",
        "parent": "waste",
    },
    {
        "slug": "waste-fees",
        "name_cs": "Poplatek za odpad",
        "name_en": "Waste fees",
        "parent": "waste",
    },
    # Environment
    {
        "slug": "environment",
        "name_cs": "Životní prostředí",
        "name_en": "Environment",
        "parent": None,
    },
    {
        "slug": "environment-trees",
        "name_cs": "Zeleň a kácení dřevin",
        "name_en": "Trees and greenery",
        "parent": "environment",
    },
    {
        "slug": "environment-water",
        "name_cs": "Voda, studny a kanalizace",
        "name_en": "Water, wells and sewerage",
        "parent": "environment",
    },
    # Local fees and taxes
    {
        "slug": "fees-taxes",
        "name_cs": "Místní poplatky a daně",
        "name_en": "Local fees and taxes",
        "parent": None,
    },
    {
        "slug": "fees-local",
        "name_cs": "Místní poplatky",
        "name_en": "Local fees",
        "parent": "fees-taxes",
    },
    {
        "slug": "fees-real-estate-tax",
        "name_cs": "Daň z nemovitých věcí",
        "name_en": "Real-estate tax",
        "parent": "fees-taxes",
    },
    # Social care and health
    {
        "slug": "social",
        "name_cs": "Sociální věci a zdravotnictví",
        "name_en": "Social care and health",
        "parent": None,
    },
    {
        "slug": "social-benefits",
        "name_cs": "Sociální dávky a příspěvky",
        "name_en": "Social benefits",
        "parent": "social",
    },
    {
        "slug": "social-care-services",
        "name_cs": "Sociální a pečovatelské služby",
        "name_en": "Care services",
        "parent": "social",
    },
    {
        "slug": "social-housing",
        "name_cs": "Bydlení a obecní byty",
        "name_en": "Housing",
        "parent": "social",
    },
    {
        "slug": "social-health",
        "name_cs": "Zdravotnictví",
        "name_en": "Health care",
        "parent": "social",
    },
    # Transport
    {"slug": "transport", "name_cs": "Doprava", "name_en": "Transport", "parent": None},
    {
        "slug": "transport-public",
        "name_cs": "Veřejná doprava",
        "name_en": "Public transport",
        "parent": "transport",
    },
    {
        "slug": "transport-roads",
        "name_cs": "Silnice a zimní údržba",
        "name_en": "Roads and winter maintenance",
        "parent": "transport",
    },
    {
        "slug": "transport-parking",
        "name_cs": "Parkování",
        "name_en": "Parking",
        "parent": "transport",
    },
    # Schools
    {"slug": "schools", "name_cs": "Školství", "name_en": "Schools", "parent": None},
    {
        "slug": "schools-kindergartens",
        "name_cs": "Mateřské školy",
        "name_en": "Kindergartens",
        "parent": "schools",
    },
    {
        "slug": "schools-enrolment",
        "name_cs": "Zápis a školní docházka",
        "name_en": "School enrolment and attendance",
        "parent": "schools",
    },
    # Trade licensing
    {
        "slug": "trade",
        "name_cs": "Živnostenské podnikání",
        "name_en": "Trade licensing",
        "parent": None,
    },
    # Elections
    {"slug": "elections", "name_cs": "Volby", "name_en": "Elections", "parent": None},
    # Culture, sport and tourism
    {
        "slug": "culture",
        "name_cs": "Kultura, sport a cestovní ruch",
        "name_en": "Culture, sport and tourism",
        "parent": None,
    },
    {
        "slug": "culture-events",
        "name_cs": "Kultura a společenské akce",
        "name_en": "Culture and events",
        "parent": "culture",
    },
    {
        "slug": "culture-sport-tourism",
        "name_cs": "Sport a cestovní ruch",
        "name_en": "Sport and tourism",
        "parent": "culture",
    },
    # E-government
    {
        "slug": "egovernment",
        "name_cs": "eGovernment (datové schránky, Czech POINT, eObčanka)",
        "name_en": "E-government (data boxes, Czech POINT, eID)",
        "parent": None,
    },
    # Information requests under Act No. 106/1999 Coll.
    {
        "slug": "information-request",
        "name_cs": "Žádosti o informace (zákon č. 106/1999 Sb.)",
        "name_en": "Information requests (Act No. 106/1999 Coll.)",
        "parent": None,
    },
    # Complaints
    {
        "slug": "complaints",
        "name_cs": "Stížnosti",
        "name_en": "Complaints",
        "parent": None,
    },
    # Other
    {"slug": "other", "name_cs": "Ostatní", "name_en": "Other", "parent": None},
]
