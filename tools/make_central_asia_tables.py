"""Writes the CSV tables of scenarios/central-asia from the kyrgyzstan tables and the figures in
scenarios/central-asia/NOTES.md (which gives the source of every number used here).

Run from the repository root: `.venv/bin/python tools/make_central_asia_tables.py`. The Kyrgyz rows
(origins, destinations, routes, wages, rates, unemployment, stocks) are copied unchanged from
scenarios/kyrgyzstan; Tajik and Uzbek rows are appended by the rules documented in NOTES.md.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
KG = REPO / "scenarios" / "kyrgyzstan"
OUT = REPO / "scenarios" / "central-asia"

START_DAY_OF_YEAR_TO_CENSUS_TJ = 263  # 2010-01-01 -> 2010-09-21 (first day of the Tajik census)

# --- Tajikistan: 2000 and 2010 census populations (thousands), NOTES.md "Tajikistan" -----------
TJ = {  # name: (label, pop 2000 census, pop 2010 census)
    "dushanbe": ("Dushanbe city", 562, 724),
    "districts_republican_subordination": ("Districts of Republican Subordination", 1337, 1722),
    "sughd": ("Sughd region", 1872, 2237),
    "khatlon": ("Khatlon region", 2150, 2676),
    "gbao": ("Gorno-Badakhshan Autonomous Region (GBAO)", 206, 206),
}
TJ_CENSUS_YEARS = 10 + 8 / 12  # 20-27 Jan 2000 to 21-30 Sep 2010
TJ_WORKING_AGE_SHARE = 0.600

# --- Uzbekistan: 2014 and 1 Jan 2022 populations, NOTES.md "Uzbekistan" ---------------------
UZ = {  # name: (label, pop 2014 (1 Jan), pop 1 Jan 2022)
    "karakalpakstan": ("Republic of Karakalpakstan", 1_736_500, 1_948_496),
    "andijan": ("Andijan region", 2_805_500, 3_253_501),
    "bukhara": ("Bukhara region", 1_756_400, 1_976_866),
    "jizzakh": ("Jizzakh region", 1_226_800, 1_443_380),
    "kashkadarya": ("Kashkadarya region", 2_895_300, 3_408_313),
    "navoi": ("Navoi region", 901_100, 1_033_869),
    "namangan": ("Namangan region", 2_504_100, 2_931_066),
    "samarkand": ("Samarkand region", 3_445_600, 4_031_299),
    "surkhandarya": ("Surkhandarya region", 2_308_300, 2_743_196),
    "syrdarya": ("Syrdarya region", 763_800, 878_599),
    "tashkent_region": ("Tashkent region", 2_725_900, 2_941_620),
    "fergana": ("Fergana region", 3_386_500, 3_896_393),
    "khorezm": ("Khorezm region", 1_684_100, 1_924_167),
    "tashkent_city": ("Tashkent city", 2_352_900, 2_860_511),
}
UZ_WORKING_AGE_SHARE = 0.595

# --- Stocks in Russia, FMS 18 Oct 2013 (OBS topic 1/5) -----------------------------------------
STOCK_RU = {"TJ": 1_193_589, "UZ": 2_621_843}

# --- Routes: departure point (lat, lon) and domestic leg (USD, days) per origin (A) ------------
DUSHANBE, KHUJAND, TASHKENT = (38.560, 68.787), (40.283, 69.622), (41.300, 69.240)
DEPARTURE = {
    "dushanbe": (DUSHANBE, 0, 0.0),
    "districts_republican_subordination": (DUSHANBE, 10, 0.25),
    "khatlon": (DUSHANBE, 10, 0.25),
    "sughd": (KHUJAND, 5, 0.1),
    "gbao": (DUSHANBE, 30, 1.0),
    "tashkent_city": (TASHKENT, 0, 0.0),
    "tashkent_region": (TASHKENT, 5, 0.1),
    "jizzakh": (TASHKENT, 10, 0.25),
    "syrdarya": (TASHKENT, 10, 0.25),
    "karakalpakstan": ((42.460, 59.603), 5, 0.1),  # Nukus
    "andijan": ((40.783, 72.344), 5, 0.1),
    "bukhara": ((39.775, 64.429), 5, 0.1),
    "kashkadarya": ((38.861, 65.790), 5, 0.1),  # Karshi
    "navoi": ((40.103, 65.374), 5, 0.1),
    "namangan": ((40.998, 71.673), 5, 0.1),
    "samarkand": ((39.655, 66.960), 5, 0.1),
    "surkhandarya": ((37.224, 67.278), 5, 0.1),  # Termez
    "fergana": ((40.386, 71.786), 5, 0.1),
    "khorezm": ((41.550, 60.631), 5, 0.1),  # Urgench
}
MOSCOW = (55.756, 37.617)
DEST_POINTS = {  # kyrgyzstan NOTES.md, routes: reference points of the destinations
    "moscow": [MOSCOW], "moscow_oblast": [MOSCOW], "rest_of_russia": [MOSCOW],
    "st_petersburg": [(59.939, 30.316)], "sverdlovsk": [(56.838, 60.605)],
    "tyumen_khmao": [(57.153, 65.534), (61.254, 73.396)], "novosibirsk": [(55.008, 82.935)],
    "krasnoyarsk": [(56.010, 92.852)], "almaty": [(43.238, 76.946)], "astana": [(51.169, 71.449)],
    "rest_of_kazakhstan": [(42.317, 69.590)], "turkey": [(41.008, 28.978)], "south_korea": [(37.567, 126.978)],
}
USD_PER_KM = 150 / 2990  # kyrgyzstan rule: 150 USD for Bishkek-Moscow, 2,990 km
LAND = {"almaty", "astana", "rest_of_kazakhstan"}
BARRIER = {"turkey": 1.5, "south_korea": 3, "other": 2}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def read(name: str) -> list[dict[str, str]]:
    with (KG / name).open(newline="") as f:
        return list(csv.DictReader(f))


def write(name: str, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    with (OUT / name).open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Largest-remainder rounding of total * weight / sum(weights)."""
    s = sum(weights.values())
    raw = {k: total * v / s for k, v in weights.items()}
    out = {k: math.floor(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[: total - sum(out.values())]:
        out[k] += 1
    return out


def main() -> None:
    OUT.mkdir(exist_ok=True)
    kg_regions = read("regions.csv")
    kg_origins = [r for r in kg_regions if r["role"] == "origin"]
    destinations = [r for r in kg_regions if r["role"] == "destination"]

    # working-age population at 2010-01-01
    wap: dict[str, tuple[str, str, int]] = {}
    for name, (label, p2000, p2010) in TJ.items():
        g = (p2010 / p2000) ** (1 / TJ_CENSUS_YEARS)
        pop = p2010 * 1000 / g ** (START_DAY_OF_YEAR_TO_CENSUS_TJ / 365.25)
        wap[name] = (label, "TJ", round(pop * TJ_WORKING_AGE_SHARE))
    for name, (label, p2014, p2022) in UZ.items():
        g = (p2022 / p2014) ** (1 / 8)
        pop = p2014 / g**4
        wap[name] = (label, "UZ", round(pop * UZ_WORKING_AGE_SHARE))

    rows: list[list[object]] = [
        [r["name"], r["label"], r["country"], "origin", r["working_age_population"], r["attractiveness"]]
        for r in kg_origins
    ]
    rows += [[n, label, c, "origin", w, 0] for n, (label, c, w) in wap.items()]
    rows += [[r["name"], r["label"], r["country"], "destination", "", r["attractiveness"]] for r in destinations]
    write("regions.csv", ["name", "label", "country", "role", "working_age_population", "attractiveness"], rows)

    countries = read("countries.csv")
    crow: list[list[object]] = [[c["code"], c["name"], c["currency"]] for c in countries]
    crow[1:1] = [["TJ", "Tajikistan", "TJS"], ["UZ", "Uzbekistan", "UZS"]]
    write("countries.csv", ["code", "name", "currency"], crow)

    # routes: Kyrgyz rows unchanged, then every new origin to the Kyrgyz destinations with a route
    kg_routes = read("routes.csv")
    routed = list(dict.fromkeys(r["destination"] for r in kg_routes))
    rrows: list[list[object]] = [
        [r["origin"], r["destination"], r["cost_usd"], r["travel_days"], r["barrier"]] for r in kg_routes
    ]
    for origin in wap:
        point, leg_usd, leg_days = DEPARTURE[origin]
        for dest in routed:
            if dest == "other":
                cost, days = 500 + leg_usd, 1.0 + leg_days
            else:
                d = sum(km(point, p) for p in DEST_POINTS[dest]) / len(DEST_POINTS[dest])
                cost = round(USD_PER_KM * d) + leg_usd
                days = (max(0.25, round(d / 950 * 4) / 4) if dest in LAND else 0.5) + leg_days
            rrows.append([origin, dest, cost, f"{days:g}", f"{BARRIER.get(dest, 0):g}"])
    write("routes.csv", ["origin", "destination", "cost_usd", "travel_days", "barrier"], rrows)

    # initial stock: Kyrgyz rows, then the FMS Russia counts split like the Kyrgyz Russian stock
    kg_stock = read("initial_stock.csv")
    ru = [r["name"] for r in destinations if r["country"] == "RU"]
    kg_ru = {d: sum(int(s["migrants"]) for s in kg_stock if s["destination"] == d) for d in ru}
    srows: list[list[object]] = [[s["origin"], s["destination"], s["migrants"]] for s in kg_stock]
    for country, total in STOCK_RU.items():
        by_dest = split(total, {d: float(v) for d, v in kg_ru.items()})
        origins = {n: float(w) for n, (_, c, w) in wap.items() if c == country}
        for dest, n_dest in by_dest.items():
            for origin, n in split(n_dest, origins).items():
                srows.append([origin, dest, n])
    write("initial_stock.csv", ["origin", "destination", "migrants"], srows)

    # wages: Kyrgyz rows, then the national Tajik and Uzbek series for every region of the country
    wages: list[list[object]] = [[w["date"], w["region"], w["wage"]] for w in read("wages.csv")]
    tj_wage = [("2011-03-01", 472), ("2019-07-15", 1466), ("2020-06-15", 1447), ("2025-08-15", 2468)]
    uz_wage = [("2010-05-15", 553800), ("2018-05-15", 1684500), ("2025-07-01", 6376700)]
    for name, (_, country, _) in wap.items():
        for date, value in tj_wage if country == "TJ" else uz_wage:
            wages.append([date, name, value])
    write("wages.csv", ["date", "region", "wage"], wages)

    rates: list[list[object]] = [[r["date"], r["currency"], r["per_usd"]] for r in read("exchange_rates.csv")]
    tjs_annual = (4.4, 4.6, 4.7, 4.8, 4.9, 6.2, 7.8, 8.5, 9.2, 9.5, 10.3, 11.3, 11.0, 10.8, 10.8)  # OBS 3b, 2010-2024
    tjs = [(f"{y}-07-01", v) for y, v in zip(range(2010, 2025), tjs_annual)]
    tjs += [("2025-05-21", 10.3135), ("2025-09-29", 9.4063)]
    uzs = [("2010-05-15", 1629), ("2017-08-29", 4210.35), ("2017-09-05", 8100), ("2021-09-21", 10686.70),
           ("2022-09-26", 11030.13), ("2023-09-21", 12178.10), ("2024-12-14", 12892.97), ("2025-06-25", 12456.25)]
    rates += [[d, "TJS", f"{v:g}"] for d, v in tjs]
    rates += [[d, "UZS", f"{v:g}"] for d, v in uzs]
    write("exchange_rates.csv", ["date", "currency", "per_usd"], rates)

    unemp: list[list[object]] = [[u["date"], u["country"], u["rate"]] for u in read("unemployment.csv")]
    unemp += [["2023-07-01", "TJ", 0.069], ["2025-08-15", "UZ", 0.049]]
    write("unemployment.csv", ["date", "country", "rate"], unemp)

    total = sum(int(r["working_age_population"]) for r in kg_origins) + sum(w for _, _, w in wap.values())
    for country in ("KG", "TJ", "UZ"):
        part = sum(int(r["working_age_population"]) for r in kg_origins) if country == "KG" else sum(
            w for _, c, w in wap.values() if c == country)
        print(f"{country}: {part:,}")
    print(f"total working-age population at 2010-01-01: {total:,}")


if __name__ == "__main__":
    main()
