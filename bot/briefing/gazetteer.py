"""Small hand-made tables of countries and organisations, and topic expansion.

The tables are Briefbot's own data, kept short on purpose: they cover the countries and
bodies that dominate international news. Actor resolution uses them to type country names
as places, to give nationality words ("Ukrainian") their country, and to join acronyms with
their long forms; the topic matcher uses :func:`expand_topic`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string, to keep word tables short."""
    return frozenset(text.split())


# Lower-case words inside personal names: "Ursula von der Leyen", "André Corrêa do Lago".
PARTICLES = word_set(
    "von van de der den del della di da do du la le al el bin ibn ben dos das ter zu y"
)


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    demonyms: tuple[str, ...]  # adjective and people: "Ukrainian", "Ukrainians"
    capital: str
    aliases: tuple[str, ...] = ()  # other names of the same country: "UK", "Britain"
    related: tuple[str, ...] = ()  # places searched with it but distinct: "Gaza", "Crimea"


# name | demonyms (adjective first) | capital | aliases | related places
_COUNTRY_ROWS = """
Afghanistan|Afghan,Afghans|Kabul|
Albania|Albanian,Albanians|Tirana|
Algeria|Algerian,Algerians|Algiers|
Andorra|Andorran,Andorrans|Andorra la Vella|
Angola|Angolan,Angolans|Luanda|
Argentina|Argentine,Argentinian,Argentines,Argentinians|Buenos Aires|
Armenia|Armenian,Armenians|Yerevan|
Australia|Australian,Australians|Canberra|
Austria|Austrian,Austrians|Vienna|
Azerbaijan|Azerbaijani,Azeri,Azerbaijanis,Azeris|Baku|
Bahrain|Bahraini,Bahrainis|Manama|
Bangladesh|Bangladeshi,Bangladeshis|Dhaka|
Belarus|Belarusian,Belarusians|Minsk|Byelorussia
Belgium|Belgian,Belgians|Brussels|
Benin|Beninese|Porto-Novo|
Bolivia|Bolivian,Bolivians|La Paz|
Bosnia and Herzegovina|Bosnian,Bosnians|Sarajevo|Bosnia
Botswana|Botswanan,Batswana|Gaborone|
Brazil|Brazilian,Brazilians|Brasilia|Brasília
Bulgaria|Bulgarian,Bulgarians|Sofia|
Burkina Faso|Burkinabe|Ouagadougou|
Burundi|Burundian,Burundians|Gitega|
Cambodia|Cambodian,Cambodians|Phnom Penh|
Cameroon|Cameroonian,Cameroonians|Yaounde|
Canada|Canadian,Canadians|Ottawa|
Chad|Chadian,Chadians|N'Djamena|
Chile|Chilean,Chileans|Santiago|
China|Chinese|Beijing|PRC,People's Republic of China|Peking,Hong Kong
Colombia|Colombian,Colombians|Bogota|Bogotá
Costa Rica|Costa Rican,Costa Ricans|San Jose|
Croatia|Croatian,Croat,Croatians,Croats|Zagreb|
Cuba|Cuban,Cubans|Havana|
Cyprus|Cypriot,Cypriots|Nicosia|
Czech Republic|Czech,Czechs|Prague|Czechia
Democratic Republic of the Congo|Congolese|Kinshasa|DR Congo,DRC,Congo,Zaire
Denmark|Danish,Dane,Danes|Copenhagen|
Dominican Republic|Dominican,Dominicans|Santo Domingo|
Ecuador|Ecuadorian,Ecuadorians|Quito|
Egypt|Egyptian,Egyptians|Cairo|
El Salvador|Salvadoran,Salvadorans|San Salvador|
England|English,Englishman,Englishmen|London|
Eritrea|Eritrean,Eritreans|Asmara|
Estonia|Estonian,Estonians|Tallinn|
Ethiopia|Ethiopian,Ethiopians|Addis Ababa|
Faroe Islands|Faroese|Torshavn|Faroes
Fiji|Fijian,Fijians|Suva|
Finland|Finnish,Finn,Finns|Helsinki|
France|French,Frenchman,Frenchmen,Frenchwoman|Paris|
Gabon|Gabonese|Libreville|
Georgia|Georgian,Georgians|Tbilisi|
Germany|German,Germans|Berlin|
Ghana|Ghanaian,Ghanaians|Accra|
Greece|Greek,Greeks|Athens|
Guatemala|Guatemalan,Guatemalans|Guatemala City|
Guinea|Guinean,Guineans|Conakry|
Haiti|Haitian,Haitians|Port-au-Prince|
Honduras|Honduran,Hondurans|Tegucigalpa|
Hong Kong|Hong Konger,Hong Kongers|Hong Kong|
Hungary|Hungarian,Hungarians|Budapest|
Iceland|Icelandic,Icelander,Icelanders|Reykjavik|
India|Indian,Indians|New Delhi|
Indonesia|Indonesian,Indonesians|Jakarta|
Iran|Iranian,Iranians|Tehran|Persia
Iraq|Iraqi,Iraqis|Baghdad|
Ireland|Irish,Irishman|Dublin|Eire,Republic of Ireland
Israel|Israeli,Israelis|Jerusalem||Tel Aviv
Italy|Italian,Italians|Rome|
Ivory Coast|Ivorian,Ivorians|Yamoussoukro|Cote d'Ivoire,Côte d'Ivoire
Jamaica|Jamaican,Jamaicans|Kingston|
Japan|Japanese|Tokyo|
Jordan|Jordanian,Jordanians|Amman|
Kazakhstan|Kazakh,Kazakhs,Kazakhstani|Astana|Kazakstan
Kenya|Kenyan,Kenyans|Nairobi|
Kosovo|Kosovar,Kosovars|Pristina|
Kuwait|Kuwaiti,Kuwaitis|Kuwait City|
Kyrgyzstan|Kyrgyz|Bishkek|
Laos|Laotian,Lao|Vientiane|
Latvia|Latvian,Latvians|Riga|
Lebanon|Lebanese|Beirut|
Liberia|Liberian,Liberians|Monrovia|
Libya|Libyan,Libyans|Tripoli|
Liechtenstein|Liechtensteiner|Vaduz|
Lithuania|Lithuanian,Lithuanians|Vilnius|
Luxembourg|Luxembourgish,Luxembourger,Luxembourgers|Luxembourg|
Madagascar|Malagasy|Antananarivo|
Malawi|Malawian,Malawians|Lilongwe|
Malaysia|Malaysian,Malaysians|Kuala Lumpur|
Mali|Malian,Malians|Bamako|
Malta|Maltese|Valletta|
Mauritania|Mauritanian,Mauritanians|Nouakchott|
Mexico|Mexican,Mexicans|Mexico City|
Moldova|Moldovan,Moldovans|Chisinau|
Monaco|Monegasque|Monaco|
Mongolia|Mongolian,Mongolians|Ulaanbaatar|
Montenegro|Montenegrin,Montenegrins|Podgorica|
Morocco|Moroccan,Moroccans|Rabat|
Mozambique|Mozambican,Mozambicans|Maputo|
Myanmar|Burmese|Naypyidaw|Burma
Namibia|Namibian,Namibians|Windhoek|
Nepal|Nepali,Nepalese|Kathmandu|
Netherlands|Dutch,Dutchman,Dutchmen|Amsterdam|Holland,the Netherlands|The Hague
New Zealand|New Zealander,New Zealanders|Wellington|
Nicaragua|Nicaraguan,Nicaraguans|Managua|
Nigeria|Nigerian,Nigerians|Abuja|
Niger|Nigerien,Nigeriens|Niamey|
North Korea|North Korean,North Koreans|Pyongyang|DPRK
North Macedonia|Macedonian,Macedonians|Skopje|Macedonia
Northern Ireland|Northern Irish|Belfast|
Norway|Norwegian,Norwegians|Oslo|
Oman|Omani,Omanis|Muscat|
Pakistan|Pakistani,Pakistanis|Islamabad|
Palestine|Palestinian,Palestinians,Gazan,Gazans|Ramallah|Palestinian territories,State of Palestine|Gaza,Gaza Strip,West Bank,East Jerusalem
Panama|Panamanian,Panamanians|Panama City|
Papua New Guinea|Papua New Guinean|Port Moresby|
Paraguay|Paraguayan,Paraguayans|Asuncion|
Peru|Peruvian,Peruvians|Lima|
Philippines|Filipino,Philippine,Filipinos|Manila|
Poland|Polish,Pole,Poles|Warsaw|
Portugal|Portuguese|Lisbon|
Qatar|Qatari,Qataris|Doha|
Romania|Romanian,Romanians|Bucharest|
Russia|Russian,Russians|Moscow|Russian Federation|Chechnya
Rwanda|Rwandan,Rwandans|Kigali|
San Marino|Sammarinese|San Marino|
Saudi Arabia|Saudi,Saudis,Saudi Arabian|Riyadh|KSA
Scotland|Scottish,Scot,Scots|Edinburgh|
Senegal|Senegalese|Dakar|
Serbia|Serbian,Serb,Serbians,Serbs|Belgrade|
Sierra Leone|Sierra Leonean,Sierra Leoneans|Freetown|
Singapore|Singaporean,Singaporeans|Singapore|
Slovakia|Slovak,Slovakian,Slovaks|Bratislava|
Slovenia|Slovenian,Slovene,Slovenians,Slovenes|Ljubljana|
Somalia|Somali,Somalis|Mogadishu|
South Africa|South African,South Africans|Pretoria|
South Korea|South Korean,South Koreans,Korean,Koreans|Seoul|Korea,Republic of Korea
South Sudan|South Sudanese|Juba|
Soviet Union|Soviet,Soviets|Moscow|USSR,U.S.S.R.
Spain|Spanish,Spaniard,Spaniards|Madrid|
Sri Lanka|Sri Lankan,Sri Lankans|Colombo|
Sudan|Sudanese|Khartoum|
Suriname|Surinamese|Paramaribo|Surinam
Sweden|Swedish,Swede,Swedes|Stockholm|
Switzerland|Swiss|Bern|Berne
Syria|Syrian,Syrians|Damascus|
Taiwan|Taiwanese|Taipei|Republic of China
Tajikistan|Tajik,Tajiks|Dushanbe|
Tanzania|Tanzanian,Tanzanians|Dodoma|
Thailand|Thai,Thais|Bangkok|
Togo|Togolese|Lome|
Trinidad and Tobago|Trinidadian,Trinidadians|Port of Spain|Trinidad
Tunisia|Tunisian,Tunisians|Tunis|
Turkey|Turkish,Turk,Turks|Ankara|Turkiye,Türkiye
Turkmenistan|Turkmen|Ashgabat|
Uganda|Ugandan,Ugandans|Kampala|
Ukraine|Ukrainian,Ukrainians|Kyiv|the Ukraine|Kiev,Crimea,Donbas,Donbass
United Arab Emirates|Emirati,Emiratis|Abu Dhabi|UAE,Emirates|Dubai
United Kingdom|British,Briton,Britons,Brits|London|UK,U.K.,Britain,Great Britain|England,Scotland,Wales,Northern Ireland
United States|American,Americans|Washington|US,U.S.,USA,U.S.A.,America,United States of America|Washington D.C.
Uruguay|Uruguayan,Uruguayans|Montevideo|
Uzbekistan|Uzbek,Uzbeks|Tashkent|
Vatican City|Vatican|Vatican City|Holy See,Vatican
Venezuela|Venezuelan,Venezuelans|Caracas|
Vietnam|Vietnamese|Hanoi|Viet Nam
Wales|Welsh,Welshman|Cardiff|
Yemen|Yemeni,Yemenis|Sanaa|
Yugoslavia|Yugoslav,Yugoslavs|Belgrade|
Zambia|Zambian,Zambians|Lusaka|
Zimbabwe|Zimbabwean,Zimbabweans|Harare|
"""


def _parse_countries(rows: str) -> tuple[Country, ...]:
    out = []
    for line in rows.strip().splitlines():
        name, demonyms, capital, aliases, related = (line + "||").split("|")[:5]
        out.append(
            Country(
                name=name,
                demonyms=tuple(d for d in demonyms.split(",") if d),
                capital=capital,
                aliases=tuple(a for a in aliases.split(",") if a),
                related=tuple(r for r in related.split(",") if r),
            )
        )
    return tuple(out)


COUNTRIES: tuple[Country, ...] = _parse_countries(_COUNTRY_ROWS)

# acronym -> long form; both are the same organisation.
ORG_ACRONYMS: dict[str, str] = {
    "EU": "European Union",
    "UN": "United Nations",
    "NATO": "North Atlantic Treaty Organization",
    "IMF": "International Monetary Fund",
    "WHO": "World Health Organization",
    "WTO": "World Trade Organization",
    "ECB": "European Central Bank",
    "OPEC": "Organization of the Petroleum Exporting Countries",
    "OECD": "Organisation for Economic Co-operation and Development",
    "ICC": "International Criminal Court",
    "ICJ": "International Court of Justice",
    "IAEA": "International Atomic Energy Agency",
    "UNICEF": "United Nations Children's Fund",
    "UNHCR": "United Nations High Commissioner for Refugees",
    "UNESCO": "United Nations Educational, Scientific and Cultural Organization",
    "FAO": "Food and Agriculture Organization",
    "ASEAN": "Association of Southeast Asian Nations",
    "AU": "African Union",
    "G7": "Group of Seven",
    "G20": "Group of Twenty",
    "FIFA": "Fédération Internationale de Football Association",
    "UEFA": "Union of European Football Associations",
    "IOC": "International Olympic Committee",
    "FBI": "Federal Bureau of Investigation",
    "CIA": "Central Intelligence Agency",
    "NSA": "National Security Agency",
    "FDA": "Food and Drug Administration",
    "SEC": "Securities and Exchange Commission",
    "IDF": "Israel Defense Forces",
    "BBC": "British Broadcasting Corporation",
    "NHS": "National Health Service",
    "PLO": "Palestine Liberation Organization",
    "OSCE": "Organization for Security and Co-operation in Europe",
    "ANC": "African National Congress",
    "Fed": "Federal Reserve",
}

# Organisations that news text names without any tell-tale word: agencies and outlets.
KNOWN_ORGANIZATIONS = frozenset(
    """Reuters|Associated Press|AP|AFP|Agence France-Presse|Bloomberg|Xinhua|Interfax|Itar-Tass|
    TASS|RIA Novosti|Yonhap|Kyodo|Anadolu|Al Jazeera|BBC|CNN|Fox News|NPR|ABC|CBS|NBC|
    New York Times|Washington Post|Wall Street Journal|Financial Times|The Guardian|
    The Economist|Politico|Axios|Dow Jones|Nasdaq|Moody's|Standard & Poor's|Fitch|Hamas|
    Hezbollah|Taliban|Kremlin|Pentagon|Congress|Senate|Parliament|Bundestag|Knesset|Duma|
    Ofgem|Ofcom|Ofwat|Ofsted|Ofqual""".replace("\n", "").split("|")
)
ORG_SUFFIXES = word_set(
    """inc corp corporation co ltd plc llc spa ag sa nv bv gmbh ab asa oyj group holdings bank
    association federation union party council committee ministry newsroom newsdesk bureau
    university college club fc board agency commission institute fund airlines airways
    exchange securities industries motors organisation organization authority court company
    foundation trust league army navy police"""
)
# Last words of events and competitions: named, but not actors.
EVENT_SUFFIXES = word_set(
    """cup open games olympics olympic championship championships prix tournament trophy
    series final finals classic marathon rally tour derby"""
)
# Endings of one-word company names coined from a sector: "Ukrenergo", "Rosatom", "Gazprom".
ORG_NAME_ENDINGS = ("energo", "atom", "prom", "neft", "gaz", "tech", "soft", "bank", "corp")
# First words of geographic names: "River Teviot", "Lake Geneva", "Mount Etna".
PLACE_PREFIXES = word_set("river lake mount mt cape gulf isle sea")
PLACE_SUFFIXES = word_set(
    """airport stadium park road street avenue river mountains mountain island islands sea
    ocean lake bay valley prison square bridge hospital province region county district
    state city"""
)


# Large cities, regions and rivers that news names without a country: a place whatever one
# tag says. Cities whose name alone is also a well-known club ("Barcelona", "Leicester")
# and the English cricket counties are left out on purpose: in sport they are the team.
KNOWN_PLACES = frozenset(
    """New York|Los Angeles|Chicago|Houston|Philadelphia|San Francisco|Seattle|Miami|Atlanta|
    Detroit|Dallas|Boston|Denver|Las Vegas|New Orleans|Silicon Valley|Wall Street|
    Toronto|Montreal|Vancouver|Sao Paulo|São Paulo|Rio de Janeiro|Belém|Manaus|
    Guadalajara|Monterrey|Medellin|Medellín|Valparaiso|Cordoba|Rosario|
    Shanghai|Shenzhen|Guangzhou|Wuhan|Chengdu|Tianjin|Xinjiang|Tibet|Macau|Osaka|Kyoto|
    Yokohama|Hiroshima|Fukushima|Okinawa|Busan|Mumbai|Bombay|Kolkata|Calcutta|Chennai|
    Bangalore|Bengaluru|Hyderabad|Karachi|Lahore|Peshawar|Kashmir|Punjab|Kandahar|Herat|
    Ho Chi Minh City|Saigon|Jeddah|Mecca|Medina|Basra|Mosul|Kirkuk|Erbil|Aleppo|Homs|Idlib|
    Istanbul|Izmir|Antalya|Tel Aviv|Haifa|Gaza|Rafah|Khan Younis|West Bank|Golan Heights|
    Alexandria|Suez|Sinai|Benghazi|Misrata|Darfur|Lagos|Kano|Mombasa|Johannesburg|
    Cape Town|Durban|Casablanca|Marrakesh|Goma|Tigray|Sahel|
    Odesa|Odessa|Kharkiv|Kharkov|Lviv|Dnipro|Zaporizhzhia|Kherson|Mykolaiv|Mariupol|
    Donetsk|Luhansk|Bakhmut|Crimea|Donbas|Donbass|Sevastopol|Izmail|Chernihiv|Sumy|
    Poltava|Kursk|Belgorod|Rostov|St Petersburg|Saint Petersburg|Novosibirsk|Kaliningrad|
    Siberia|Chechnya|Dagestan|Transnistria|Abkhazia|Nagorno-Karabakh|Gdansk|Krakow|
    Hamburg|Frankfurt|Cologne|Stuttgart|Dusseldorf|Düsseldorf|Leipzig|Dresden|Bavaria|
    Strasbourg|Nice|Toulouse|Lille|Calais|Normandy|Brittany|Corsica|Catalonia|Andalusia|
    Basque Country|Sicily|Sardinia|Lombardy|Venice|Davos|Geneva|Zurich|Antwerp|Salzburg|
    Gothenburg|Malmo|Bergen|Aarhus|Thessaloniki|Crete|Lapland|
    Westminster|Whitehall|
    Downing Street|Perthshire|Aberdeenshire|Fife|Galloway|Dumfries|Highlands|Orkney|
    Shetland|Cornwall|Devon|Cumbria|Northumberland|Merseyside|Tyneside|Teesside|
    East Anglia|Home Counties|Scottish Borders|Snowdonia|Lake District|Ulster|
    Danube|Rhine|Thames|Nile|Amazon|Mississippi|Dnipro River|Dnieper|Volga|Yangtze|
    Mekong|Ganges|Euphrates|Tigris|Jordan River|Baltic|Mediterranean|Black Sea|
    Red Sea|North Sea|Caspian|Arctic|Antarctica|Atlantic|Pacific|Gulf of Mexico|
    Strait of Hormuz|Hormuz|Bosphorus|Balkans|Caucasus|Scandinavia|Middle East|Europe|
    Asia|Africa|Latin America|South America|North America|Central America|Caribbean|
    Southeast Asia|East Asia|Central Asia|Western Europe|Eastern Europe|Oceania""".replace(
        "\n", ""
    ).split("|")
)


def is_known_organization(name: str) -> bool:
    return name.strip().casefold() in _known_orgs()


@cache
def _known_orgs() -> frozenset[str]:
    return frozenset(n.strip().casefold() for n in KNOWN_ORGANIZATIONS)


def is_known_place(name: str) -> bool:
    """A capital, a place listed with a country, or one of :data:`KNOWN_PLACES`."""
    return name.strip().casefold() in _known_places()


@cache
def _known_places() -> frozenset[str]:
    with_countries = [f for c in COUNTRIES for f in (c.capital, *c.related)]
    return frozenset(n.strip().casefold() for n in (*KNOWN_PLACES, *with_countries))


@cache
def _country_index() -> dict[str, Country]:
    """Lower-cased name, alias, demonym or capital -> its country."""
    index: dict[str, Country] = {}
    for c in COUNTRIES:
        for form in (c.name, *c.aliases, *c.demonyms, c.capital):
            index.setdefault(form.casefold(), c)
    return index


def country_of(word: str) -> Country | None:
    """The country a name, alias, demonym or capital belongs to (case-insensitive)."""
    key = word.strip().casefold()
    c = _country_index().get(key)
    if c is None and key.startswith("the "):
        c = _country_index().get(key[4:])
    return c


def is_country_name(word: str) -> bool:
    """True for a country's own name or one of its aliases (not a demonym or capital)."""
    c = country_of(word)
    if c is None:
        return False
    key = word.strip().casefold().removeprefix("the ")
    return key in {f.casefold().removeprefix("the ") for f in (c.name, *c.aliases)} and (
        key not in {d.casefold() for d in c.demonyms}
    )


def country_of_demonym(word: str) -> str | None:
    """ "Ukrainian" -> "Ukraine"; None when the word is no nationality word we know."""
    c = country_of(word)
    if c is None:
        return None
    key = word.strip().casefold()
    return c.name if key in {d.casefold() for d in c.demonyms} else None


@cache
def _acronym_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for short, long in ORG_ACRONYMS.items():
        index[short.casefold()] = long
        index[long.casefold()] = long
    return index


def org_long_form(name: str) -> str | None:
    """ "EU" or "European Union" -> "European Union"; None when unknown."""
    return _acronym_index().get(name.strip().casefold().removeprefix("the "))


def org_acronym(long_form: str) -> str | None:
    for short, long in ORG_ACRONYMS.items():
        if long == long_form:
            return short
    return None


# Other spellings of well-known places: exonyms, older transliterations and the name in the
# place's own language and script, one place a row, the spelling English news uses first.
# A topic naming any of them matches them all ("kyiv" finds "Київ" and "Kiev").
_SPELLING_ROWS = """
Kyiv|Kiev|Київ|Киев|Kiew|Kijów
Kharkiv|Kharkov|Харків|Харьков|Charkiw
Odesa|Odessa|Одеса|Одесса
Lviv|Lvov|Lwów|Lemberg|Львів|Львов
Dnipro|Dnipropetrovsk|Dnepropetrovsk|Дніпро|Днепр
Zaporizhzhia|Zaporizhia|Zaporozhye|Запоріжжя|Запорожье
Mykolaiv|Nikolaev|Nikolayev|Миколаїв|Николаев
Kherson|Херсон
Donetsk|Донецьк|Донецк
Luhansk|Lugansk|Луганськ|Луганск
Chernihiv|Chernigov|Чернігів|Чернигов
Ukraine|Україна|Украина|Ukraina
Russia|Russie|Russland|Rusia|Россия
Moscow|Moscou|Moskau|Mosca|Moscú|Москва
Belarus|Byelorussia|Biélorussie|Weißrussland|Bielorrusia|Беларусь
Minsk|Мінск|Минск
Germany|Allemagne|Deutschland|Alemania|Germania
Brussels|Bruxelles|Brüssel|Bruselas|Bruxelas
Warsaw|Varsovie|Warschau|Varsovia|Warszawa
Vienna|Vienne|Wien|Viena
Munich|München|Monaco di Baviera
Cologne|Köln
Beijing|Peking|Pékin|Pekín|北京
Tbilisi|Tiflis|თბილისი
Chisinau|Chișinău|Kishinev
Vilnius|Vilna|Wilno
"""


@cache
def _spelling_index() -> dict[str, frozenset[str]]:
    """Lower-cased spelling -> every spelling of its place, lower-cased."""
    index: dict[str, frozenset[str]] = {}
    for line in _SPELLING_ROWS.strip().splitlines():
        forms = frozenset(f.strip().casefold() for f in line.split("|") if f.strip())
        for form in forms:
            index[form] = index.get(form, frozenset()) | forms
    return index


def other_spellings(name: str) -> frozenset[str]:
    """Every spelling of the place ``name`` is one of, lower-cased ("kiev" -> {"kyiv",
    "kiev", "київ", ...}); empty for a name not in the table."""
    return _spelling_index().get(name.strip().casefold(), frozenset())


def expand_topic(term: str) -> set[str]:
    """Related search terms, lower-cased: a country gives its demonyms, capital and aliases,
    and every place among them its other spellings.

    "ukraine" or "ukrainian" -> {"ukraine", "ukrainian", "ukrainians", "kyiv", "kiev",
    "україна", "київ", ...}; "kiev" -> {"kiev", "kyiv", "київ", ...}; "eu" -> {"eu",
    "european union"}; an unknown term -> {term}.
    """
    key = term.strip().casefold()
    if not key:
        return set()
    out = {key}
    country = country_of(key)
    if country is not None and _expands(country, key):
        forms = (
            country.name,
            *country.aliases,
            *country.demonyms,
            country.capital,
            *country.related,
        )
        out |= {f.casefold() for f in forms if f.casefold() not in _NOT_EXPANDED}
    long = org_long_form(key)
    if long is not None:
        out.add(long.casefold())
        short = org_acronym(long)
        if short:
            out.add(short.casefold())
    return out.union(*(other_spellings(form) for form in out))


# Names that belong to a country's row but are too wide or too narrow to search with:
# "Washington" is also a state and a person, "England" is one nation of the UK.
_NOT_EXPANDED = frozenset({"washington", "jordan", "georgia", "the ukraine", "dubai"})


def _expands(country: Country, key: str) -> bool:
    """A capital alone ("london") names a city, not its whole country: keep it narrow."""
    return key != country.capital.casefold() or key == country.name.casefold()
