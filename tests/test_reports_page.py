"""The reports page: kept built until the store changes, never across scopes; the place picker and the contents."""

from __future__ import annotations

import re

import pytest

from sync import reviewing, store
from sync.bundle import write_bundle
from sync.ingest import ingest
from fieldkit import reports

from central_helpers import IN_COUNTY, OTHER_COUNTY, QID, logged_in, make_submission

URL = f"/rapporter/{QID}"
SKANE = "1280"  # Malmö, county 12


@pytest.fixture
def builds(monkeypatch):
    """How many times a report was built (not taken from the kept pages)."""
    calls = []
    real = reports.build_report

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "build_report", counting)
    return calls


def main_of(client, url: str = URL) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True).split("<main", 1)[1]


TRIGGERS = "select name, sql from sqlite_master where type = 'trigger' order by name"


def interviews(page: str) -> int:
    return int(re.search(r"(?:Antal intervjuer|Interviews): (\d+)", page).group(1))


# -- kept until the store changes ------------------------------------------------------

def test_the_store_counts_writes_to_interviews_and_questionnaires_but_not_logins(cdb, central_app):
    before = store.change_count(cdb)
    sid = make_submission(cdb)  # an insert, then the update that completes it
    after_new = store.change_count(cdb)
    assert after_new > before
    logged_in(central_app, "evaluator")  # a login writes the audit log, which no report reads
    assert store.change_count(cdb) == after_new
    cdb.execute("delete from submissions where uuid = ?", [sid])
    assert store.change_count(cdb) == after_new + 1


def test_an_ingest_moves_the_counter_once_a_batch_and_leaves_rows_counted_again(cdb, make_laptop, tmp_path):
    laptop = make_laptop(tmp_path / "anna.db", cdb, "anna")
    for _ in range(3):
        make_submission(laptop)
    counting = cdb.execute(TRIGGERS).fetchall()
    assert len(counting) == 6  # insert, update and delete on submissions and questionnaires
    before = store.change_count(cdb)
    result = ingest(cdb, write_bundle(laptop, tmp_path / "anna.fkb").path)
    assert result.counts["new"] == 3
    assert store.change_count(cdb) == before + 1  # one batch: once, not once per row
    assert cdb.execute(TRIGGERS).fetchall() == counting  # dropped for the batch, made again before its commit
    assert ingest(cdb, write_bundle(laptop, tmp_path / "again.fkb").path).counts["unchanged"] == 3
    assert store.change_count(cdb) == before + 1  # nothing changed: every kept page stays
    make_submission(cdb)  # any other write is counted row by row again
    assert store.change_count(cdb) > before + 1


def test_a_bulk_write_that_fails_leaves_the_counter_and_its_triggers_as_they_were(cdb):
    counting = cdb.execute(TRIGGERS).fetchall()
    before = store.change_count(cdb)
    with pytest.raises(RuntimeError):
        with store.transaction(cdb), store.counted_once(cdb) as bulk:
            make_submission(cdb)
            bulk.changed = True
            raise RuntimeError("the batch fails")
    assert cdb.execute(TRIGGERS).fetchall() == counting
    assert store.change_count(cdb) == before
    make_submission(cdb)
    assert store.change_count(cdb) > before
    with pytest.raises(store.StoreError):  # outside a transaction the drop would be seen by everyone
        with store.counted_once(cdb):
            pass
    assert cdb.execute(TRIGGERS).fetchall() == counting


def test_the_same_view_again_is_not_rebuilt_and_every_change_rebuilds_it(central_app, cdb, builds, make_laptop,
                                                                        tmp_path):
    first = make_submission(cdb, municipality=IN_COUNTY)
    make_submission(cdb, municipality=OTHER_COUNTY)
    client = logged_in(central_app, "evaluator")
    assert interviews(main_of(client)) == 2 and len(builds) == 1
    assert interviews(main_of(client)) == 2 and len(builds) == 1, "nothing changed: kept"

    make_submission(cdb, municipality=SKANE)  # a new interview
    assert interviews(main_of(client)) == 3 and len(builds) == 2

    reviewing.set_reviewed(cdb, first, True, actor="eva")  # no figure moves, but the store did
    assert interviews(main_of(client)) == 3 and len(builds) == 3

    reviewing.set_excluded(cdb, first, True, actor="eva", reason="test")
    assert interviews(main_of(client)) == 2 and len(builds) == 4
    assert interviews(main_of(client)) == 2 and len(builds) == 4

    laptop = make_laptop(tmp_path / "anna.db", cdb, "anna")  # an ingest of a laptop's bundle
    make_submission(laptop, municipality="2482")  # Skellefteå
    ingest(cdb, write_bundle(laptop, tmp_path / "anna.fkb").path)
    laptop.conn.close()
    assert interviews(main_of(client)) == 3 and len(builds) == 5


def test_a_view_is_kept_per_language(central_app, cdb, builds):
    make_submission(cdb)
    client = logged_in(central_app, "evaluator")
    assert "Antal intervjuer: 1" in main_of(client)
    client.get("/sprak/en")
    page = main_of(client)
    assert "Interviews: 1" in page and "Svarsfrekvens" not in page and len(builds) == 2


def test_a_county_users_view_is_never_shown_to_another_scope(central_app, cdb, builds):
    make_submission(cdb, municipality=IN_COUNTY)
    make_submission(cdb, municipality=OTHER_COUNTY)
    make_submission(cdb, municipality=SKANE)
    lena, olle, eva = (logged_in(central_app, name) for name in ("lena", "olle", "eva"))

    page = main_of(lena)  # county 24 first, with no filter: the same URL everybody opens
    assert interviews(page) == 1 and "Västerbottens län" in page and "Stockholms län" not in page
    page = main_of(eva)
    assert interviews(page) == 3 and "Stockholms län</th>" in page and "Skåne län</th>" in page
    page = main_of(olle)
    assert interviews(page) == 1 and "Stockholms län" in page and "Västerbottens län" not in page
    assert len(builds) == 3

    page = main_of(lena)  # kept, and still hers only
    assert interviews(page) == 1 and "Stockholms län" not in page and len(builds) == 3
    page = main_of(lena, URL + "?lan=01")  # asking for another county gives her own
    assert interviews(page) == 1 and "Stockholms län" not in page


def test_the_same_filter_in_a_scope_without_personal_answers_is_kept_apart(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY, questionnaire_id="smak-kontaktlogg")
    personal = "Kontaktperson i kommunen (namn)"  # a question marked personal: a title on the page
    url = "/rapporter/smak-kontaktlogg?lan=24"  # the very filter a county user of 24 always gets
    assert personal not in main_of(logged_in(central_app, "county"), url)
    assert personal in main_of(logged_in(central_app, "evaluator"), url)
    assert personal not in main_of(logged_in(central_app, "county"), url)


# -- choosing counties and municipalities ------------------------------------------------

def test_counties_are_ticked_as_checkboxes_and_several_can_be_shown(central_app, cdb):
    for municipality in (IN_COUNTY, OTHER_COUNTY, SKANE):
        make_submission(cdb, municipality=municipality)
    page = main_of(logged_in(central_app, "evaluator"), URL + "?lan=01&lan=24")
    assert "<select name=\"lan\"" not in page and " multiple" not in page and "Ctrl" not in page
    ticked = re.findall(r'<input type="checkbox" name="lan" value="(\d+)" checked>', page)
    assert ticked == ["01", "24"] and page.count('type="checkbox" name="lan"') == 21
    assert interviews(page) == 2 and "Skåne län</th>" not in page
    assert "Kryssa för ett eller flera län eller kommuner. Inget kryss betyder alla." in page


def test_a_ticked_municipality_is_shown_open_with_its_count(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY)
    page = main_of(logged_in(central_app, "evaluator"), URL + "?kommun=2480")
    assert '<input type="checkbox" name="kommun" value="2480" checked> Umeå' in page
    assert re.search(r'<details class="rep-wide rep-places" open>\s*<summary>Kommuner \(1 vald\)</summary>', page)
    assert re.search(r"<details open>\s*<summary>Västerbottens län \(1\)</summary>", page)
    assert page.count('type="checkbox" name="kommun"') == 290


def test_one_county_at_a_time_by_links_that_keep_the_rest_of_the_filter(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY)
    page = main_of(logged_in(central_app, "evaluator"), URL + "?lan=24&kommun=2480&status=all")
    links = re.findall(r'<p class="rep-one">(.*?)</p>', page, re.S)[0]
    assert f'<a href="{URL}?lan=01&amp;status=all">Stockholms län</a>' in links
    assert f'<a href="{URL}?lan=24&amp;status=all" aria-current="page">Västerbottens län</a>' in links
    assert links.count("<a ") == 21


def test_a_county_user_picks_among_their_own_municipalities_only(central_app, cdb):
    page = main_of(logged_in(central_app, "county"))
    assert 'type="checkbox" name="lan"' not in page and 'class="rep-one"' not in page
    assert '<p class="rep-fixed rep-wide"><strong>Län</strong> Västerbottens län</p>' in page
    assert re.search(r'<details class="rep-wide rep-places" open>\s*<summary>Kommuner</summary>', page)
    assert "Kryssa för en eller flera kommuner. Inget kryss betyder alla." in page
    assert 'name="kommun" value="2480"' in page and 'name="kommun" value="0180"' not in page
    assert page.count('type="checkbox" name="kommun"') == 15


# -- reading the page -------------------------------------------------------------------

def test_the_contents_link_to_every_section_and_question_on_the_page(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY)
    make_submission(cdb, municipality=OTHER_COUNTY)
    page = main_of(logged_in(central_app, "evaluator"))
    contents = re.search(r'<nav class="rep-toc card" id="contents".*?</nav>', page, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert targets[:4] == ["downloads", "q-response_rate", "s-1", targets[3]] and len(targets) == len(set(targets))
    for target in targets:
        assert f'id="{target}"' in page, target
    sections = re.findall(r'<h2 id="(s-\d+)">', page)
    questions = [t for t in targets if t.startswith("q-") and t != "q-response_rate"]
    assert [t for t in targets if t.startswith("s-")] == sections and len(sections) == 7
    assert len(questions) == 14  # 2 + 1 + 1 + 1 + 6 + 2 + 1: every question; the statements per county are not
    question = "Hur svårt/lätt är det för kommunen att få tillgång till bostäder för nyanlända flyktingar?"
    assert re.search(rf'<li><a href="#q-[^"]+">{re.escape(question)}</a></li>', contents)
    assert page.count('<a href="#contents">↑ Innehåll</a>') == len(sections)


def test_how_to_read_the_tables_is_said_once_for_the_page(central_app, cdb):
    make_submission(cdb, municipality=IN_COUNTY)
    make_submission(cdb, municipality=OTHER_COUNTY)
    page = main_of(logged_in(central_app, "evaluator"))
    reading = re.search(r'<details class="rep-reading card" id="reading">.*?</details>', page, re.S).group(0)
    assert "<summary>Så läser du tabellerna</summary>" in reading
    for note in ("Andelarna är av de substantiella svaren.", "En matrisfråga visar en rad per påstående",
                 "Fritextsvaren visas inte på den här sidan"):
        assert note in reading and page.count(note) == 1, note
    assert page.count("Själva svaren finns i nedladdningarna.") == 4  # a short pointer under each text question
