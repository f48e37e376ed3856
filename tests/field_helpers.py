"""Helpers for driving the interview pages in tests."""

from __future__ import annotations

import datetime
import random
import re
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict

from forms.webform import formdata_for

from sync.demo import AnswerMaker, maker_for


def swedish_today() -> str:
    """Today's date where the survey runs, as the app records a `today` field: from 23:00 UTC (22:00 in
    summer) it is already tomorrow in Sweden, whatever the machine's own zone."""
    return datetime.datetime.now(ZoneInfo("Europe/Stockholm")).date().isoformat()


def plausible_answers(questionnaire, municipality_code="2480", seed=3):
    """A complete, valid answer set as the demo generator makes it."""
    maker = maker_for(questionnaire, random.Random(seed))
    if isinstance(maker, AnswerMaker):
        maker.skip_rate = 0.0
    return maker.make(municipality_code)


def section_post(questionnaire, section, answers, action="next"):
    """Form data (a MultiDict) that fills one section with `answers`."""
    pairs = [("action", action)]
    for name, value in formdata_for(questionnaire, section, answers).items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((name, str(item)))
    return MultiDict(pairs)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def start_interview(client, questionnaire_id="kub-webbenkat", municipality="2480", district=None):
    data = {"questionnaire": questionnaire_id, "municipality": municipality, **({"district": district} if district else {})}
    response = client.post("/start", data=data)
    assert response.status_code == 302, response.data
    location = response.headers["Location"]
    return location.split("/")[2], location
