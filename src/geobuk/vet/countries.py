"""Countries as sign-in logs name them (ISO codes or English names), with a rough centre for distances.

Okta writes country names ("United States"), Entra and most CSV exports ISO 3166-1 alpha-2 codes;
both become the code. The centre is used only when a log has no coordinates of its own, to tell
whether two consecutive sign-ins are too far apart for the time between them: a country's centre is
wrong by hundreds of kilometres for large countries, which is why impossible travel also needs a
minimum distance (``VetConfig.travel_min_km``).
"""

from __future__ import annotations

import math
import re

# code, English name (and other names after "|"), latitude, longitude of a rough centre.
_TABLE = """
AE United Arab Emirates|UAE 24.0 54.0
AF Afghanistan 33.0 65.0
AM Armenia 40.1 45.0
AR Argentina -34.0 -64.0
AT Austria 47.5 14.6
AU Australia -25.3 133.8
AZ Azerbaijan 40.1 47.6
BD Bangladesh 23.7 90.4
BE Belgium 50.5 4.5
BG Bulgaria 42.7 25.5
BR Brazil -14.2 -51.9
BY Belarus 53.7 28.0
CA Canada 56.1 -106.3
CH Switzerland 46.8 8.2
CL Chile -35.7 -71.5
CN China|People's Republic of China 35.9 104.2
CO Colombia 4.6 -74.3
CZ Czechia|Czech Republic 49.8 15.5
DE Germany 51.2 10.5
DK Denmark 56.3 9.5
EE Estonia 58.6 25.0
EG Egypt 26.8 30.8
ES Spain 40.5 -3.7
FI Finland 61.9 25.7
FR France 46.2 2.2
GB United Kingdom|UK|Great Britain 55.4 -3.4
GE Georgia 42.3 43.4
GH Ghana 7.9 -1.0
GR Greece 39.1 21.8
HK Hong Kong 22.3 114.2
HR Croatia 45.1 15.2
HU Hungary 47.2 19.5
ID Indonesia -0.8 113.9
IE Ireland 53.4 -8.2
IL Israel 31.0 34.9
IN India 20.6 79.0
IR Iran 32.4 53.7
IS Iceland 64.9 -19.0
IT Italy 41.9 12.6
JP Japan 36.2 138.3
KE Kenya -0.0 37.9
KG Kyrgyzstan 41.2 74.8
KH Cambodia 12.6 104.9
KP North Korea|Democratic People's Republic of Korea|Korea, Democratic People's Republic of 40.3 127.5
KR South Korea|Republic of Korea|Korea, Republic of 35.9 127.8
KZ Kazakhstan 48.0 66.9
LA Laos|Lao People's Democratic Republic 19.9 102.5
LK Sri Lanka 7.9 80.8
LT Lithuania 55.2 23.9
LU Luxembourg 49.8 6.1
LV Latvia 56.9 24.6
MA Morocco 31.8 -7.1
MD Moldova 47.4 28.4
MM Myanmar 21.9 95.9
MN Mongolia 46.9 103.8
MO Macao|Macau 22.2 113.5
MX Mexico 23.6 -102.6
MY Malaysia 4.2 102.0
NG Nigeria 9.1 8.7
NL Netherlands|The Netherlands 52.1 5.3
NO Norway 60.5 8.5
NP Nepal 28.4 84.1
NZ New Zealand -40.9 174.9
PA Panama 8.5 -80.8
PE Peru -9.2 -75.0
PH Philippines 12.9 121.8
PK Pakistan 30.4 69.3
PL Poland 51.9 19.1
PT Portugal 39.4 -8.2
QA Qatar 25.4 51.2
RO Romania 45.9 25.0
RS Serbia 44.0 21.0
RU Russia|Russian Federation 61.5 105.3
SA Saudi Arabia 23.9 45.1
SE Sweden 60.1 18.6
SG Singapore 1.35 103.8
SI Slovenia 46.2 15.0
SK Slovakia 48.7 19.7
TH Thailand 15.9 101.0
TJ Tajikistan 38.9 71.3
TR Turkey|Türkiye 39.0 35.2
TW Taiwan 23.7 121.0
UA Ukraine 48.4 31.2
US United States|United States of America|USA 39.8 -98.6
UY Uruguay -32.5 -55.8
UZ Uzbekistan 41.4 64.6
VE Venezuela 6.4 -66.6
VN Vietnam|Viet Nam 14.1 108.3
ZA South Africa -30.6 22.9
"""


def _parse() -> tuple[dict[str, tuple[float, float]], dict[str, str], dict[str, str]]:
    centres: dict[str, tuple[float, float]] = {}
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for line in _TABLE.strip().splitlines():
        match = re.fullmatch(r"([A-Z]{2}) (.+) (-?[\d.]+) (-?[\d.]+)", line)
        assert match, line
        code, aliases, lat, lon = match.groups()
        centres[code] = (float(lat), float(lon))
        for i, alias in enumerate(aliases.split("|")):
            codes[alias.casefold()] = code
            if i == 0:
                names[code] = alias
    return centres, codes, names


CENTRES, _CODES, NAMES = _parse()


def country_code(value: str | None) -> str | None:
    """The ISO code of a code or an English name; an unknown name is kept, upper-cased; blank is None."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _CODES.get(text.casefold(), text.upper())


def country_name(code: str | None) -> str:
    return NAMES.get(code or "", code or "?")


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine, Earth radius 6371 km)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
