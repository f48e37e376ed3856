"""The municipality registry: 290 municipalities in 21 counties, lookup and search."""

from __future__ import annotations

import pytest

from forms import registry


def names(found) -> list[str]:
    return [m.name for m in found]


def test_there_are_290_municipalities_with_unique_four_digit_codes():
    municipalities = registry.municipalities()
    assert len(municipalities) == 290
    codes = [m.code for m in municipalities]
    assert len(set(codes)) == 290
    assert all(len(code) == 4 and code.isdigit() for code in codes)
    assert codes == sorted(codes)


def test_there_are_21_counties():
    counties = registry.counties()
    assert len(counties) == 21
    assert [c.code for c in counties] == [
        "01", "03", "04", "05", "06", "07", "08", "09", "10", "12", "13",
        "14", "17", "18", "19", "20", "21", "22", "23", "24", "25"]


def test_every_municipality_code_starts_with_its_county_code():
    county_names = {c.code: c.name for c in registry.counties()}
    for m in registry.municipalities():
        assert m.code[:2] == m.county_code
        assert county_names[m.county_code] == m.county


@pytest.mark.parametrize("code, name, count", [
    ("01", "Stockholms län", 26),
    ("12", "Skåne län", 33),
    ("14", "Västra Götalands län", 49),
    ("09", "Gotlands län", 1),
    ("25", "Norrbottens län", 14),
])
def test_municipalities_per_county(code, name, count):
    assert registry.county(code).name == name
    assert len(registry.in_county(code)) == count


def test_county_sizes_add_up_to_290():
    assert sum(len(registry.in_county(c.code)) for c in registry.counties()) == 290


@pytest.mark.parametrize("code, name, county", [
    ("0180", "Stockholm", "Stockholms län"),
    ("1480", "Göteborg", "Västra Götalands län"),
    ("2480", "Umeå", "Västerbottens län"),
    ("1280", "Malmö", "Skåne län"),
    ("0380", "Uppsala", "Uppsala län"),
    ("0980", "Gotland", "Gotlands län"),
    ("2584", "Kiruna", "Norrbottens län"),
])
def test_lookup_by_code(code, name, county):
    m = registry.municipality(code)
    assert (m.code, m.name, m.county) == (code, name, county)


def test_haabo_and_habo_are_two_municipalities():
    haabo, habo = registry.municipality("0305"), registry.municipality("0643")
    assert (haabo.name, haabo.county) == ("Håbo", "Uppsala län")
    assert (habo.name, habo.county) == ("Habo", "Jönköpings län")


def test_lookup_trims_blanks_but_needs_all_four_digits():
    assert registry.municipality(" 0180 ").name == "Stockholm"
    assert registry.municipality("180") is None
    assert registry.municipality(180) is None


@pytest.mark.parametrize("code", ["9999", "", "Stockholm", "01800"])
def test_lookup_of_an_unknown_code_is_none(code):
    assert registry.municipality(code) is None


def test_county_lookup():
    assert registry.county("24").name == "Västerbottens län"
    assert registry.county("02") is None
    assert registry.county("1") is None


@pytest.mark.parametrize("query, name", [
    ("Malmö", "Malmö"),
    ("Malmo", "Malmö"),
    ("malmo", "Malmö"),
    ("göteborg", "Göteborg"),
    ("GOTEBORG", "Göteborg"),
    ("Goteborg", "Göteborg"),
    ("umea", "Umeå"),
    ("  Umeå ", "Umeå"),
    ("Ängelholm", "Ängelholm"),
    ("angelholm", "Ängelholm"),
])
def test_search_ignores_case_and_accents(query, name):
    assert names(registry.search(query)) == [name]


def test_search_lists_the_municipality_before_the_rest_of_its_county():
    found = names(registry.search("orebro"))
    assert found[0] == "Örebro"
    assert len(found) == 12  # Örebro, then the other municipalities of Örebro län
    assert set(found) == set(names(registry.in_county("18")))


def test_search_for_habo_finds_both_with_the_exact_spelling_first():
    assert names(registry.search("Habo")) == ["Habo", "Håbo"]
    assert names(registry.search("Håbo")) == ["Håbo", "Habo"]
    assert names(registry.search("HÅBO")) == ["Håbo", "Habo"]


def test_search_ranks_name_prefixes_before_names_containing_the_query():
    found = names(registry.search("borg"))
    assert found[:7] == ["Borgholm", "Sölvesborg", "Helsingborg", "Trelleborg", "Karlsborg", "Göteborg", "Vänersborg"]


def test_search_ranks_names_containing_the_query_before_county_matches():
    found = names(registry.search("holm"))
    assert found[:10] == ["Stockholm", "Vaxholm", "Katrineholm", "Boxholm", "Borgholm", "Ängelholm", "Hässleholm",
                          "Laholm", "Tidaholm", "Bjurholm"]
    # ...then the rest of Stockholms län, whose county name contains "holm".
    assert set(found[10:]) == set(names(registry.in_county("01"))) - {"Stockholm", "Vaxholm"}


def test_a_short_list_still_shows_the_name_matches():
    assert "Hässleholm" in names(registry.search("holm", limit=10))
    assert names(registry.search("sala", limit=2)) == ["Sala", "Uppsala"]


def test_search_by_code_prefix():
    assert names(registry.search("0180")) == ["Stockholm"]
    assert len(registry.search("14")) == 49
    assert {m.county_code for m in registry.search("14")} == {"14"}
    assert names(registry.search("248")) == ["Umeå", "Lycksele", "Skellefteå"]


def test_search_by_county_name_lists_its_municipalities():
    assert set(names(registry.search("Jämtlands län"))) == set(names(registry.in_county("23")))
    assert len(registry.search("jamtlands")) == 8


def test_search_limit():
    assert len(registry.search("s", limit=5)) == 5
    assert names(registry.search("stockholm", limit=1)) == ["Stockholm"]


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_an_empty_query_finds_nothing(query):
    assert registry.search(query) == []


def test_a_query_that_matches_nothing_finds_nothing():
    assert registry.search("Atlantis") == []


def test_fold():
    assert registry.fold("Malmö") == "malmo"
    assert registry.fold("ÅÄÖ åäö") == "aao aao"
    assert registry.fold("Göteborg") == registry.fold("GOTEBORG")
