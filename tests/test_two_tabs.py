"""Two tabs on one section: a save takes only the questions its page changed (`_changed`), so that it does not
erase what another tab saved in the others. Without the marker (no JavaScript) the whole section is saved."""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from sync import store

from field_helpers import start_interview
from forms_helpers import choices, make_questionnaire
from test_repeats import PEOPLE

QUESTIONS = [
    {"id": "antal", "type": "integer", "label": {"sv": "Antal", "en": "Number"}},
    {"id": "kommentar", "type": "longtext", "label": {"sv": "Kommentar", "en": "Comment"}},
    {"id": "hinder", "type": "multi", "label": {"sv": "Hinder", "en": "Obstacles"}, "other": True,
     "choices": choices("kostnad", "tid")},
    {key: value for key, value in PEOPLE.items() if key != "min"},
]


@pytest.fixture
def interview(client, db):
    store.add_questionnaire(db, make_questionnaire(*QUESTIONS, id="two-tabs"))
    sid, _location = start_interview(client, "two-tabs")
    return sid


def draft(db, sid) -> dict:
    return store.get_submission(db, sid).draft["raw"]


def save(client, sid, *pairs, changed=None, base=None, instances=None, csrf=None):
    """An autosave as app.js sends it: the whole form, and the markers when `changed` is given."""
    data = list(pairs)
    if changed is not None:
        data += [("_changed", " ".join(changed)), ("_base", base or ""), ("_instances", json.dumps(instances or {}))]
    if csrf:
        data.append(("csrf_token", csrf))
    return client.post(f"/s/{sid}/autosave/s", data=MultiDict(data),
                       headers={"X-Requested-With": "fetch", "Accept": "application/json"})


def page(client, sid) -> tuple[str, dict]:
    """What a tab loads: the section's version and instance prints, as the page's script reads them."""
    html = client.get(f"/s/{sid}/del/s").data.decode()
    version = html.split('data-version="', 1)[1].split('"', 1)[0]
    prints = json.loads(html.split("data-instances='", 1)[1].split("'", 1)[0])
    return version, prints


def test_a_save_naming_one_question_keeps_what_another_tab_saved_in_the_others(client, db, interview):
    sid = interview
    version, _prints = page(client, sid)  # both tabs are loaded
    first = save(client, sid, ("s.antal", "77"), ("s.kommentar", ""), changed=["s.antal"], base=version)
    assert first.status_code == 200 and "values" not in first.get_json()
    # the second tab posts its stale, empty number beside the comment it typed
    second = save(client, sid, ("s.antal", ""), ("s.kommentar", "Bra samtal"), changed=["s.kommentar"],
                  base=version)
    assert draft(db, sid)["s.antal"] == "77" and draft(db, sid)["s.kommentar"] == "Bra samtal"
    reply = second.get_json()
    assert reply["values"]["s.antal"] == ["77"], "the stale tab is told what the other tab saved"
    assert reply["version"] != version
    # the first tab goes on ("Nästa") having changed nothing since: the comment stays
    moved = client.post(f"/s/{sid}/del/s", data={"action": "next", "s.antal": "77", "s.kommentar": "",
                                                 "_changed": "", "_base": first.get_json()["version"]})
    assert moved.status_code == 302
    assert draft(db, sid)["s.kommentar"] == "Bra samtal" and draft(db, sid)["s.antal"] == "77"


def test_the_same_question_in_both_tabs_the_later_save_wins_and_the_other_is_told(client, db, interview):
    sid = interview
    version, _prints = page(client, sid)
    first = save(client, sid, ("s.antal", "77"), changed=["s.antal"], base=version).get_json()
    save(client, sid, ("s.antal", "55"), changed=["s.antal"], base=version)
    assert draft(db, sid)["s.antal"] == "55"
    told = save(client, sid, ("s.antal", "77"), changed=[], base=first["version"]).get_json()
    assert told["values"]["s.antal"] == ["55"]
    assert draft(db, sid)["s.antal"] == "55", "a page that changed nothing saves nothing over it"
    again = save(client, sid, ("s.antal", "55"), changed=[], base=told["version"]).get_json()
    assert "values" not in again, "a page that is up to date is not told again"


def test_a_post_without_the_marker_saves_the_whole_section_as_today(client, db, interview):
    sid = interview
    save(client, sid, ("s.antal", "77"), changed=["s.antal"], base=page(client, sid)[0])
    response = client.post(f"/s/{sid}/del/s", data={"action": "stay", "s.kommentar": "Utan skript"})
    assert response.status_code == 200
    assert "s.antal" not in draft(db, sid) and draft(db, sid)["s.kommentar"] == "Utan skript"
    save(client, sid, ("s.antal", "12"))  # an autosave without the marker too
    assert draft(db, sid) .get("s.kommentar") is None and draft(db, sid)["s.antal"] == "12"


def test_unticking_every_box_and_the_other_text_count_as_changes(client, db, interview):
    sid = interview
    version, _ = page(client, sid)
    first = save(client, sid, ("s.hinder", "kostnad"), ("s.hinder", "annat"), ("s.hinder/annat", "Lokaler"),
                 changed=["s.hinder"], base=version).get_json()
    save(client, sid, ("s.antal", "3"), changed=["s.antal"], base=version)  # a stale tab: no boxes ticked
    assert draft(db, sid)["s.hinder"] == ["kostnad", "annat"] and draft(db, sid)["s.hinder/annat"] == "Lokaler"
    save(client, sid, ("s.hinder/annat", ""), changed=["s.hinder"], base=first["version"])  # every box unticked
    raw = draft(db, sid)
    assert "s.hinder" not in raw and "s.hinder/annat" not in raw and raw["s.antal"] == "3"


def test_an_unknown_question_in_the_marker_is_refused_and_nothing_is_saved(client, db, interview):
    sid = interview
    version, _ = page(client, sid)
    for bad in (["s.finns_inte"], ["s.personer[1].namn"], ["s.personer"], ["<script>"]):
        response = save(client, sid, ("s.antal", "9"), ("s.personer#n", "0"), changed=bad, base=version)
        assert response.status_code == 400
        assert "_changed" in response.get_json()["error"] and "s" in response.get_json()["error"]
    assert "s.antal" not in draft(db, sid)


def test_csrf_is_still_required(csrf_app, db, interview):
    sid = interview
    client = csrf_app.test_client()
    response = save(client, sid, ("s.antal", "9"), changed=["s.antal"])
    assert response.status_code == 400
    html = client.get(f"/s/{sid}/del/s").data.decode()
    token = html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    response = save(client, sid, ("s.antal", "9"), changed=["s.antal"], csrf=token)
    assert response.status_code == 200 and draft(db, sid)["s.antal"] == "9"


def _people(client, sid, *names):
    """Add instances without the script (as the repeat buttons do) and name them."""
    for count in range(len(names)):
        client.post(f"/s/{sid}/del/s", data=MultiDict([("s.personer#n", str(count)), ("repeat", "add:s.personer")]))
    pairs = [("s.personer#n", str(len(names)))] + [(f"s.personer[{n}].namn", name) for n, name in enumerate(names, 1)]
    client.post(f"/s/{sid}/del/s", data=MultiDict(pairs + [("action", "stay")]))


def _names(db, sid):
    return [entry.get("s.personer.namn") for entry in draft(db, sid)["s.personer"]]


def test_an_instance_changed_in_a_stale_tab_is_found_after_another_tab_removed_one(client, db, interview):
    sid = interview
    _people(client, sid, "Anna", "Bertil", "Cecilia")
    version, prints = page(client, sid)  # the stale tab shows three people
    # the other tab removes Anna
    client.post(f"/s/{sid}/del/s", data=MultiDict([
        ("s.personer#n", "3"), ("repeat", "remove:s.personer:1"), ("_changed", ""), ("_base", version),
        ("_instances", json.dumps(prints))]))
    assert _names(db, sid) == ["Bertil", "Cecilia"]
    # the stale tab gives Cecilia (its number 3) an age
    reply = save(client, sid, ("s.personer#n", "3"), ("s.personer[1].namn", "Anna"), ("s.personer[2].namn", "Bertil"),
                 ("s.personer[3].namn", "Cecilia"), ("s.personer[3].alder", "40"),
                 changed=["s.personer[3].alder"], base=version, instances=prints).get_json()
    raw = draft(db, sid)
    assert _names(db, sid) == ["Bertil", "Cecilia"], "Anna stays removed"
    assert raw["s.personer"][1].get("s.personer.alder") == "40" and raw["s.personer"][0].get("s.personer.alder") is None
    assert reply["counts"] == {"s.personer": 2}, "the page can tell its instances are no longer the draft's"


def test_an_instance_added_in_another_tab_is_kept_and_a_removed_one_edited_here_comes_back(client, db, interview):
    sid = interview
    _people(client, sid, "Anna", "Bertil")
    version, prints = page(client, sid)
    client.post(f"/s/{sid}/del/s", data=MultiDict([
        ("s.personer#n", "2"), ("repeat", "add:s.personer"), ("_changed", ""), ("_base", version),
        ("_instances", json.dumps(prints))]))
    save(client, sid, ("s.personer#n", "2"), ("s.personer[1].namn", "Anna"), ("s.personer[2].namn", "Berit"),
         changed=["s.personer[2].namn"], base=version, instances=prints)
    assert _names(db, sid) == ["Anna", "Berit", None], "the added instance is kept, the edit is in place"

    version, prints = page(client, sid)
    client.post(f"/s/{sid}/del/s", data=MultiDict([  # the other tab removes Anna
        ("s.personer#n", "3"), ("repeat", "remove:s.personer:1"), ("_changed", ""), ("_base", version),
        ("_instances", json.dumps(prints))]))
    save(client, sid, ("s.personer#n", "3"), ("s.personer[1].namn", "Annika"), ("s.personer[2].namn", "Berit"),
         changed=["s.personer[1].namn"], base=version, instances=prints)
    assert _names(db, sid) == ["Berit", None, "Annika"], "what was typed in a removed instance is not lost"


def test_a_repeat_button_of_a_stale_tab_acts_on_the_instance_it_showed(client, db, interview):
    sid = interview
    _people(client, sid, "Anna", "Bertil", "Cecilia")
    version, prints = page(client, sid)
    client.post(f"/s/{sid}/del/s", data=MultiDict([
        ("s.personer#n", "3"), ("repeat", "remove:s.personer:1"), ("_changed", ""), ("_base", version),
        ("_instances", json.dumps(prints))]))
    # the stale tab removes Cecilia, its number 3 (now number 2)
    client.post(f"/s/{sid}/del/s", data=MultiDict([
        ("s.personer#n", "3"), ("repeat", "remove:s.personer:3"), ("_changed", ""), ("_base", version),
        ("_instances", json.dumps(prints))]))
    assert _names(db, sid) == ["Bertil"]
