"""The 88 divisions of NAF rév. 2 / NACE Rev. 2: code, French label, English label."""

from __future__ import annotations

DIVISIONS: tuple[tuple[str, str, str], ...] = (
    (
        "01",
        "Culture et production animale, chasse et services annexes",
        "Crop and animal production, hunting and related service activities",
    ),
    ("02", "Sylviculture et exploitation forestière", "Forestry and logging"),
    ("03", "Pêche et aquaculture", "Fishing and aquaculture"),
    ("05", "Extraction de houille et de lignite", "Mining of coal and lignite"),
    ("06", "Extraction d'hydrocarbures", "Extraction of crude petroleum and natural gas"),
    ("07", "Extraction de minerais métalliques", "Mining of metal ores"),
    ("08", "Autres industries extractives", "Other mining and quarrying"),
    ("09", "Services de soutien aux industries extractives", "Mining support service activities"),
    ("10", "Industries alimentaires", "Manufacture of food products"),
    ("11", "Fabrication de boissons", "Manufacture of beverages"),
    ("12", "Fabrication de produits à base de tabac", "Manufacture of tobacco products"),
    ("13", "Fabrication de textiles", "Manufacture of textiles"),
    ("14", "Industrie de l'habillement", "Manufacture of wearing apparel"),
    ("15", "Industrie du cuir et de la chaussure", "Manufacture of leather and related products"),
    (
        "16",
        "Travail du bois et fabrication d'articles en bois et en liège, à l'exception des "
        "meubles ; fabrication d'articles en vannerie et sparterie",
        "Manufacture of wood and of products of wood and cork, except furniture; manufacture of "
        "articles of straw and plaiting materials",
    ),
    ("17", "Industrie du papier et du carton", "Manufacture of paper and paper products"),
    (
        "18",
        "Imprimerie et reproduction d'enregistrements",
        "Printing and reproduction of recorded media",
    ),
    ("19", "Cokéfaction et raffinage", "Manufacture of coke and refined petroleum products"),
    ("20", "Industrie chimique", "Manufacture of chemicals and chemical products"),
    (
        "21",
        "Industrie pharmaceutique",
        "Manufacture of basic pharmaceutical products and pharmaceutical preparations",
    ),
    (
        "22",
        "Fabrication de produits en caoutchouc et en plastique",
        "Manufacture of rubber and plastic products",
    ),
    (
        "23",
        "Fabrication d'autres produits minéraux non métalliques",
        "Manufacture of other non-metallic mineral products",
    ),
    ("24", "Métallurgie", "Manufacture of basic metals"),
    (
        "25",
        "Fabrication de produits métalliques, à l'exception des machines et des équipements",
        "Manufacture of fabricated metal products, except machinery and equipment",
    ),
    (
        "26",
        "Fabrication de produits informatiques, électroniques et optiques",
        "Manufacture of computer, electronic and optical products",
    ),
    ("27", "Fabrication d'équipements électriques", "Manufacture of electrical equipment"),
    (
        "28",
        "Fabrication de machines et équipements n.c.a.",
        "Manufacture of machinery and equipment n.e.c.",
    ),
    ("29", "Industrie automobile", "Manufacture of motor vehicles, trailers and semi-trailers"),
    (
        "30",
        "Fabrication d'autres matériels de transport",
        "Manufacture of other transport equipment",
    ),
    ("31", "Fabrication de meubles", "Manufacture of furniture"),
    ("32", "Autres industries manufacturières", "Other manufacturing"),
    (
        "33",
        "Réparation et installation de machines et d'équipements",
        "Repair and installation of machinery and equipment",
    ),
    (
        "35",
        "Production et distribution d'électricité, de gaz, de vapeur et d'air conditionné",
        "Electricity, gas, steam and air conditioning supply",
    ),
    ("36", "Captage, traitement et distribution d'eau", "Water collection, treatment and supply"),
    ("37", "Collecte et traitement des eaux usées", "Sewerage"),
    (
        "38",
        "Collecte, traitement et élimination des déchets ; récupération",
        "Waste collection, treatment and disposal activities; materials recovery",
    ),
    (
        "39",
        "Dépollution et autres services de gestion des déchets",
        "Remediation activities and other waste management services",
    ),
    ("41", "Construction de bâtiments", "Construction of buildings"),
    ("42", "Génie civil", "Civil engineering"),
    ("43", "Travaux de construction spécialisés", "Specialised construction activities"),
    (
        "45",
        "Commerce et réparation d'automobiles et de motocycles",
        "Wholesale and retail trade and repair of motor vehicles and motorcycles",
    ),
    (
        "46",
        "Commerce de gros, à l'exception des automobiles et des motocycles",
        "Wholesale trade, except of motor vehicles and motorcycles",
    ),
    (
        "47",
        "Commerce de détail, à l'exception des automobiles et des motocycles",
        "Retail trade, except of motor vehicles and motorcycles",
    ),
    (
        "49",
        "Transports terrestres et transport par conduites",
        "Land transport and transport via pipelines",
    ),
    ("50", "Transports par eau", "Water transport"),
    ("51", "Transports aériens", "Air transport"),
    (
        "52",
        "Entreposage et services auxiliaires des transports",
        "Warehousing and support activities for transportation",
    ),
    ("53", "Activités de poste et de courrier", "Postal and courier activities"),
    ("55", "Hébergement", "Accommodation"),
    ("56", "Restauration", "Food and beverage service activities"),
    ("58", "Édition", "Publishing activities"),
    (
        "59",
        "Production de films cinématographiques, de vidéo et de programmes de télévision ; "
        "enregistrement sonore et édition musicale",
        "Motion picture, video and television programme production, sound recording and music "
        "publishing activities",
    ),
    ("60", "Programmation et diffusion", "Programming and broadcasting activities"),
    ("61", "Télécommunications", "Telecommunications"),
    (
        "62",
        "Programmation, conseil et autres activités informatiques",
        "Computer programming, consultancy and related activities",
    ),
    ("63", "Services d'information", "Information service activities"),
    (
        "64",
        "Activités des services financiers, hors assurance et caisses de retraite",
        "Financial service activities, except insurance and pension funding",
    ),
    (
        "65",
        "Assurance",
        "Insurance, reinsurance and pension funding, except compulsory social security",
    ),
    (
        "66",
        "Activités auxiliaires de services financiers et d'assurance",
        "Activities auxiliary to financial services and insurance activities",
    ),
    ("68", "Activités immobilières", "Real estate activities"),
    ("69", "Activités juridiques et comptables", "Legal and accounting activities"),
    (
        "70",
        "Activités des sièges sociaux ; conseil de gestion",
        "Activities of head offices; management consultancy activities",
    ),
    (
        "71",
        "Activités d'architecture et d'ingénierie ; activités de contrôle et analyses techniques",
        "Architectural and engineering activities; technical testing and analysis",
    ),
    ("72", "Recherche-développement scientifique", "Scientific research and development"),
    ("73", "Publicité et études de marché", "Advertising and market research"),
    (
        "74",
        "Autres activités spécialisées, scientifiques et techniques",
        "Other professional, scientific and technical activities",
    ),
    ("75", "Activités vétérinaires", "Veterinary activities"),
    ("77", "Activités de location et location-bail", "Rental and leasing activities"),
    ("78", "Activités liées à l'emploi", "Employment activities"),
    (
        "79",
        "Activités des agences de voyage, voyagistes, services de réservation et activités "
        "connexes",
        "Travel agency, tour operator and other reservation service and related activities",
    ),
    ("80", "Enquêtes et sécurité", "Security and investigation activities"),
    (
        "81",
        "Services relatifs aux bâtiments et aménagement paysager",
        "Services to buildings and landscape activities",
    ),
    (
        "82",
        "Activités administratives et autres activités de soutien aux entreprises",
        "Office administrative, office support and other business support activities",
    ),
    (
        "84",
        "Administration publique et défense ; sécurité sociale obligatoire",
        "Public administration and defence; compulsory social security",
    ),
    ("85", "Enseignement", "Education"),
    ("86", "Activités pour la santé humaine", "Human health activities"),
    ("87", "Hébergement médico-social et social", "Residential care activities"),
    ("88", "Action sociale sans hébergement", "Social work activities without accommodation"),
    (
        "90",
        "Activités créatives, artistiques et de spectacle",
        "Creative, arts and entertainment activities",
    ),
    (
        "91",
        "Bibliothèques, archives, musées et autres activités culturelles",
        "Libraries, archives, museums and other cultural activities",
    ),
    ("92", "Organisation de jeux de hasard et d'argent", "Gambling and betting activities"),
    (
        "93",
        "Activités sportives, récréatives et de loisirs",
        "Sports activities and amusement and recreation activities",
    ),
    ("94", "Activités des organisations associatives", "Activities of membership organisations"),
    (
        "95",
        "Réparation d'ordinateurs et de biens personnels et domestiques",
        "Repair of computers and personal and household goods",
    ),
    ("96", "Autres services personnels", "Other personal service activities"),
    (
        "97",
        "Activités des ménages en tant qu'employeurs de personnel domestique",
        "Activities of households as employers of domestic personnel",
    ),
    (
        "98",
        "Activités indifférenciées des ménages en tant que producteurs de biens et services "
        "pour usage propre",
        "Undifferentiated goods- and services-producing activities of private households for own "
        "use",
    ),
    (
        "99",
        "Activités des organisations et organismes extraterritoriaux",
        "Activities of extraterritorial organisations and bodies",
    ),
)
