"""The interview page's markup for screen readers and the keyboard, through the Flask test client."""

from __future__ import annotations

import re

from field_helpers import start_interview


def _input_tag(html: str, field_id: str) -> str:
    return re.search(rf'<(?:input|textarea)[^>]* id="{re.escape(field_id)}"[^>]*>', html).group(0)


def test_text_inputs_carry_aria_attributes_only_when_they_have_a_value(client):
    sid, _location = start_interview(client, "smak-kostnader")
    html = client.get(f"/s/{sid}/del/kostnader").get_data(as_text=True)
    assert '"None"' not in html
    plain = _input_tag(html, "kostnader.tomhyror")
    assert "aria-describedby" not in plain and "aria-invalid" not in plain
    helped = _input_tag(html, "kostnader.initiala")
    assert 'aria-describedby="help-kostnader.initiala"' in helped and "aria-invalid" not in helped

    response = client.post(f"/s/{sid}/del/period", data={"period.ar": "förra året", "action": "next"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '"None"' not in html
    wrong = _input_tag(html, "period.ar")
    assert 'aria-invalid="true"' in wrong and 'aria-describedby="err-period.ar"' in wrong
    assert "aria-invalid" not in _input_tag(html, "period.mottagna")


def test_the_first_submit_button_of_a_section_goes_to_the_next_one(client):
    """Enter in a one-line field submits with the form's first submit button."""
    sid, _location = start_interview(client, "smak-kostnader")
    html = client.get(f"/s/{sid}/del/kostnader").get_data(as_text=True)
    form = html[html.index('<form method="post" id="interview"'):]
    buttons = re.findall(r'<button type="submit" name="action" value="(\w+)"', form)
    assert buttons[0] == "next"
    assert "prev" in buttons
    assert re.search(r'<button type="submit" name="(\w+)"', form).group(1) == "action"  # not a "clear" button
