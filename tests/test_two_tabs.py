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


def save(client, sid, *pairs, changed=None, base=None, instances=None, csrf=None, delta=None):
    """An autosave as app.js sends it: the whole form, and the markers when `changed` is given (with `delta`,
    a multiple choice's ticks and unticks)."""
    data = list(pairs)
    if changed is not None:
        data += [("_changed", " ".join(changed)), ("_base", base or ""), ("_instances", json.dumps(instances or {}))]
    if delta is not None:
        data.append(("_delta", json.dumps(delta)))
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


# -- a multiple choice merges per option (`_delta`) -----------------------------------------------------------

def test_options_ticked_in_two_tabs_are_all_kept_with_the_other_text(client, db, interview):
    sid = interview
    version, _ = page(client, sid)  # both tabs are loaded
    first = save(client, sid, ("s.hinder", "annat"), ("s.hinder/annat", "Lokaler"), changed=["s.hinder"],
                 base=version, delta={"s.hinder": {"add": ["annat"], "remove": [], "other": True}}).get_json()
    # the stale tab ticks only "tid": its "other" box and text are empty on its page
    second = save(client, sid, ("s.hinder", "tid"), ("s.hinder/annat", ""), changed=["s.hinder"], base=version,
                  delta={"s.hinder": {"add": ["tid"], "remove": []}}).get_json()
    raw = draft(db, sid)
    assert raw["s.hinder"] == ["tid", "annat"] and raw["s.hinder/annat"] == "Lokaler"
    assert second["values"]["s.hinder"] == ["tid", "annat"] and second["values"]["s.hinder/annat"] == ["Lokaler"]
    assert second["merged"] == ["s.hinder"], "the page is told that its multiple choice is not as it posted it"

    # the first tab unticks "annat" (its page shows only that box ticked): "tid" stays, the text goes with "annat"
    save(client, sid, ("s.hinder/annat", "Lokaler"), changed=["s.hinder"], base=first["version"],
         delta={"s.hinder": {"add": [], "remove": ["annat"]}})
    raw = draft(db, sid)
    assert raw["s.hinder"] == ["tid"] and "s.hinder/annat" not in raw


def test_the_other_text_changed_alone_is_taken_and_a_stale_text_is_not(client, db, interview):
    sid = interview
    version, _ = page(client, sid)
    first = save(client, sid, ("s.hinder", "annat"), ("s.hinder/annat", "Lokaler"), changed=["s.hinder"],
                 base=version, delta={"s.hinder": {"add": ["annat"], "remove": []}}).get_json()
    save(client, sid, ("s.hinder", "annat"), ("s.hinder/annat", "Lokaler och tid"), changed=["s.hinder"],
         base=first["version"], delta={"s.hinder": {"add": [], "remove": [], "other": True}})
    assert draft(db, sid)["s.hinder/annat"] == "Lokaler och tid"
    # a stale tab that ticks "kostnad" posts its old text beside it: the text stays as saved
    save(client, sid, ("s.hinder", "kostnad"), ("s.hinder", "annat"), ("s.hinder/annat", "Lokaler"),
         changed=["s.hinder"], base=first["version"], delta={"s.hinder": {"add": ["kostnad"], "remove": []}})
    raw = draft(db, sid)
    assert raw["s.hinder"] == ["kostnad", "annat"] and raw["s.hinder/annat"] == "Lokaler och tid"


def test_without_a_delta_the_posted_choice_replaces_as_before(client, db, interview):
    sid = interview
    version, _ = page(client, sid)
    save(client, sid, ("s.hinder", "annat"), ("s.hinder/annat", "Lokaler"), changed=["s.hinder"], base=version)
    save(client, sid, ("s.hinder", "tid"), changed=["s.hinder"], base=version)
    raw = draft(db, sid)
    assert raw["s.hinder"] == ["tid"] and "s.hinder/annat" not in raw


def test_a_delta_of_another_kind_of_question_is_passed_over_and_its_posted_value_stands(client, db, interview):
    """A page once sent a delta for an acknowledgement's checkbox, and the 400 stopped the interview."""
    sid = interview
    version, _ = page(client, sid)
    response = save(client, sid, ("s.antal", "7"), changed=["s.antal"], base=version, delta={"s.antal": {"add": ["1"]}})
    assert response.status_code == 200
    assert draft(db, sid)["s.antal"] == "7"


def test_a_delta_that_is_no_question_of_the_page_or_no_list_of_its_options_is_refused(client, db, interview):
    sid = interview
    version, _ = page(client, sid)
    for bad in ({"s.finns_inte": {"add": ["1"]}}, {"s.hinder": {"add": ["finns_inte"]}}, {"s.hinder": {"add": "tid"}},
                ["s.hinder"]):
        response = save(client, sid, ("s.hinder", "tid"), changed=["s.hinder"], base=version, delta=bad)
        assert response.status_code == 400 and "_delta" in response.get_json()["error"]
    assert "s.hinder" not in draft(db, sid)


def test_ticking_dont_know_unticks_the_other_tabs_options_as_on_the_page():
    from fieldkit.interview import apply_ticks

    question = make_questionnaire({"id": "h", "type": "multi", "label": "H", "dont_know": True, "other": True,
                                   "choices": choices("a", "b", "c")}).question("s.h")
    assert apply_ticks(question, ["a"], {"add": ["c"], "remove": []}) == ["a", "c"]
    assert apply_ticks(question, ["a", "b"], {"add": ["vet_ej"], "remove": ["a"]}) == ["vet_ej"]
    assert apply_ticks(question, ["vet_ej"], {"add": ["b"], "remove": []}) == ["b"]
    assert apply_ticks(question, ["a", "b"], {"add": [], "remove": ["a", "c"]}) == ["b"]


# -- a page asks whether its section changed (`/version`) --------------------------------------------------------

def check(client, sid, base):
    return client.get(f"/s/{sid}/del/s/version", query_string={"base": base})


def test_the_version_route_tells_a_page_what_another_tab_saved_and_writes_nothing(client, db, interview):
    sid = interview
    version, prints = page(client, sid)
    quiet = check(client, sid, version)
    assert quiet.status_code == 200 and quiet.headers["Cache-Control"] == "no-store"
    assert quiet.get_json()["version"] == version and "values" not in quiet.get_json()

    save(client, sid, ("s.hinder", "tid"), ("s.antal", "4"), changed=["s.hinder", "s.antal"], base=version,
         delta={"s.hinder": {"add": ["tid"], "remove": []}})
    before = store.get_submission(db, sid).draft
    told = check(client, sid, version).get_json()
    assert told["version"] != version
    assert told["values"]["s.hinder"] == ["tid"] and told["values"]["s.antal"] == ["4"]
    assert told["counts"] == {"s.personer": 0} and told["instances"] == {"s.personer": []}
    assert told["saved_time"] and told["hidden"] == []
    assert check(client, sid, told["version"]).get_json().keys() == quiet.get_json().keys()
    after = store.get_submission(db, sid).draft
    assert (after["seq"], after["saved_at"], after["raw"]) == (before["seq"], before["saved_at"], before["raw"])


def test_the_version_route_of_a_completed_interview_or_an_unknown_section(client, db, interview):
    sid = interview
    assert client.get(f"/s/{sid}/del/finns-inte/version").status_code == 404
    assert client.get("/s/finns-inte/del/s/version").status_code == 404
    client.post(f"/s/{sid}/slutfor")
    assert store.get_submission(db, sid).draft is None, "completed"
    assert check(client, sid, "").status_code == 409
