"""The JSON forms' digests: written as JavaScript writes JSON, and the older versions a browser's drafts need."""

from __future__ import annotations

import hashlib

from forms import from_dict
from forms.webjson import digest, js_canonical
from sync import store


def test_js_canonical_writes_json_as_the_browser_does_after_json_parse():
    value = {"b": 1.0, "a": [0.5, 1e-7, 0.000001, 1e21, True, None, "å \"x\""], "c": {"z": -0.0, "y": 2}}
    assert js_canonical(value) == '{"a":[0.5,1e-7,0.000001,1e+21,true,null,"å \\"x\\""],"b":1,"c":{"y":2,"z":0}}'


def test_digest_leaves_out_the_digest_itself():
    assert digest({"x": 1, "digest": "whatever"}) == hashlib.sha256(b'{"x":1}').hexdigest()


def _version(number: str):
    return from_dict({"id": "webbsynk", "version": number, "title": "Webbsynk", "sections": [
        {"id": "s", "title": "S", "questions": [{"id": "svar", "type": "yesno", "label": f"Svar {number}"}]}]})


def test_forms_json_signs_each_form_and_adds_the_versions_drafts_still_use(client, db):
    store.add_questionnaire(db, _version("1"))
    store.add_questionnaire(db, _version("2"))
    data = client.get("/app/forms.json?want=webbsynk:1,webbsynk:2,webbsynk:9,nosuch:1,junk").get_json()
    current = {(f["id"], f["version"]): f for f in data["questionnaires"]}
    assert ("webbsynk", "2") in current and ("webbsynk", "1") not in current
    assert all(f["digest"] == digest(f) for f in current.values())
    (kept,) = data["kept"]  # version 2 is current already; 9 and nosuch do not exist
    assert (kept["id"], kept["version"], kept["sections"][0]["questions"][0]["label"]) == ("webbsynk", "1", {"sv": "Svar 1"})
    assert kept["digest"] == digest(kept)
    assert client.get("/app/forms.json").get_json()["kept"] == []
