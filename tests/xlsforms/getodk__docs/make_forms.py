"""Build the .xlsx XLSForms in this folder from the XLSForm examples of the ODK documentation.

Source: https://github.com/getodk/docs, `docs/form-logic.rst` at 0f8e380aca26360373078a6d71c2b6d7cc7b9901 and the two
files it includes, `docs/incl/form-examples/constraint-on-selected.rst` (b62eecd1e18ead73a68815399c8608b84aa13de7)
and `docs/incl/form-examples/regex-middle-initial.rst` (273aeb6fdd23cbb661f8e2265dffb21a0eb4bbb2). Licence: CC BY 4.0
(`../LICENSES/getodk__docs.txt`), (c) the ODK documentation contributors.

Each `csv-table` below is copied from the documentation as it stands there (header and rows, CSV quoting kept);
the changes, as CC BY asks us to say: the tables of one page are put one after another in a single workbook, in
the page's order, with the union of their columns; a choice list given twice (`yes_no`) is written once; the
tables that reuse a name of an earlier table (`name`, `gender`...) or name a list the page never gives are left
out (listed in SKIPPED); the reStructuredText line block of `tip_18_note` (`| Bill: ...`) is written as the three
lines it renders to. No settings sheet is added: as in pyxform, the form id is the file name.

Run `python tests/xlsforms/getodk__docs/make_forms.py` to write the workbooks again (the output is committed).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent

#: (section of form-logic.rst, survey csv-table header, rows) in the page's order.
FORM_LOGIC_SURVEY = [
    ("variables", "type, name, label", '''
text, your_name, What is your name?
note, hello_name, "Hello, ${your_name}."
'''),
    ("calculations", "type, name, label, calculation", '''
decimal, bill_amount, Bill amount:, 
calculate, tip_18, , "round((${bill_amount} * 0.18),2)"
calculate, tip_18_total, , ${bill_amount} + ${tip_18}
note, tip_18_note, "Bill: $${bill_amount}
Tip (18%): $${tip_18}
Total: $${tip_18_total}",
'''),
    ("requiring-responses", "type, name, label, required, required_message", '''
text, name, What is your name?, yes, Please answer the question.
'''),
    ("static-defaults", "type, name, label, default", '''
select_one contacts, contact_method, How should we contact you?, phone_call
'''),
    ("dynamic-defaults", "type, name, label, default", '''
date, fever_onset, When did the fever start?, now()
'''),
    ("dynamic-defaults (username)", "type, name, label, default", '''
username, username
text, confirmed_username, What is your username?, ${username}
'''),
    ("constraints (regex-middle-initial.rst)", "type, name, label, constraint, constraint_message", r'''
text, middle_initial, What is your middle initial?, "regex(., '\p{L}')", Just the first letter.
'''),
    ("read-only", "type, name, label, read_only, default, calculation", '''
decimal, salary_income, Income from salary,,,
decimal, self_income, Income from self-employment,,,
decimal, other_income, Other income,,,
calculate, income_sum, , , , "${salary_income} + ${self_income} + ${other_income}"
decimal, total_income, Total income, yes, ${income_sum}, 
'''),
    ("simple-conditional-example", "type, name, label, relevant", '''
select_one yes_no, watch_sports, Do you watch sports?, 
text, favorite_team, What is your favorite team?, ${watch_sports} = 'yes'
'''),
    ("complex-conditional-example (constraint-on-selected.rst)", "type, name, label, hint, relevant, constraint", '''
select_multiple medical_issues, what_issues, Have you experienced any of the following?, Select all that apply.,,\t\t\t\t
select_multiple cancer_types, what_cancer, What type of cancer have you experienced?, Select all that apply.,"selected(${what_issues}, 'cancer')",
select_multiple diabetes_types, what_diabetes, What type of diabetes do you have?, Select all that apply.,"selected(${what_issues}, 'diabetes')"
begin_group, blood_pressure, Blood pressure reading,"selected(${what_issues}, 'hypertension')",
integer, systolic_bp, Systolic,,,. > 40 and . < 400
integer, diastolic_bp, Diastolic,,,.  >= 20 and . <= 200
end_group\t\t\t\t\t\t\t
text, other_health, List other issues.,,"selected(${what_issues}, 'other')",
note,after_health_note, This note is after all health questions.,,,\t\t\t\t\t\t\t
'''),
    ("groups", "type, name, label", '''
begin_group, my_group, My text widgets
text, question_1, Text widget 1
text, question_2, These questions will both be grouped together
end_group, ,
'''),
    ("dynamically-defined-repeats", "type, name, label, repeat_count", '''
integer, number_of_children, How many children do you have?
begin_repeat, child_questions, Questions about child, ${number_of_children}
text, child_name, Child's name,
integer, child_age, Child's age,
end_repeat, , , 
'''),
    ("zero-repetitions", "type, name, label, relevant", '''
select_one yes_no, trees_present, Are there any trees in this area?,
begin_repeat, tree, Tree, ${trees_present} = 'yes'
text, species, Species,
integer, estimated_age, Estimated age,
end_repeat, , , ,
'''),
    ("xpath-paths-for-repeats", "type, name, label, calculation", '''
begin repeat, people, Person,
int, age, Age,
int, pet_count, How many pets does this person have?
end repeat, people, ,
int, total_pets, , sum(${people}[age < 18]/pet_count)
note, total_note, Total pets owned by children: ${total_pets}
'''),
    ("cascading-selects", "type, name, label, choice_filter", '''
select_one job_categories, job_category, Job category
select_one job_titles, job_title, Job title, category=${job_category}
'''),
    ("generating-select-ones-from-repeats", "type, name, label, required, choice_filter", '''
begin_repeat, person, Person
text, person_name, Person's name?, true()
integer, person_age, ${person_name}'s age?, true()
end_repeat, person
select_one ${person_name}, tallest, Select the tallest person
select_one ${person_name}, tallest_child, Select the tallest person under 18., ,${person_age} < 18
'''),
]

FORM_LOGIC_CHOICES = [
    ("static-defaults", "list_name, name, label", '''
contacts, phone_call, Phone call
contacts, text_message, Text message
contacts, email, Email
'''),
    ("simple-conditional-example", "list_name, name, label", '''
yes_no, yes, Yes
yes_no, no, No
'''),
    ("complex-conditional-example (constraint-on-selected.rst)", "list_name, name, label", '''
medical_issues, cancer, Cancer
medical_issues, diabetes, Diabetes
medical_issues, hypertension, Hypertension
medical_issues, other, Other
cancer_types, lung, Lung cancer
cancer_types, skin, Skin cancer
cancer_types, prostate, Prostate cancer
cancer_types, breast, Breast cancer
cancer_types, other, Other
diabetes_types, type_1, Type 1 (Insulin dependent)
diabetes_types, type_2, Type 2 (Insulin resistant)
'''),
    ("cascading-selects", "list_name, name, label, category", '''
job_categories, finance, Finance,
job_categories, hr, Human Resources,
job_categories, admin, Administration/Office,
job_categories, marketing, Marketing,
job_titles, ar, Accounts Receivable, finance
job_titles, pay, Payroll, finance
job_titles, recruiting, Recruiting, hr
job_titles, training, Training, hr
job_titles, retention, Retention, hr
job_titles, asst, Office Assistant, admin
job_titles, mngr, Office Manager, admin
job_titles, reception, Receptionist, admin
job_titles, creative_dir, Creative Director, marketing
job_titles, copywriter, Copywriter, marketing
'''),
]

#: Tables of form-logic.rst left out of form-logic.xlsx, and why.
SKIPPED = {
    "last-saved": "`${last-saved#street}` needs a previous record",
    "dynamic-defaults-repeats": "the table has no end_repeat row",
    "defaults-from-form-data (both)": "reuses `name` and names list `gndr`, which the page never gives",
    "defaults-from-form-data (lookup)": "reads the choices through instance('participants')",
    "lightweight_timestamping (both)": "reuses `name`",
    "repeats, statically-defined-repeats": "reuse `name`",
    "repeat_based_on_condition": "reuses `yes_no` and `species`",
    "repeat-navigation": "reuses `person`",
}

#: (section of form-question-types.rst, survey csv-table header, rows) in the page's order.
QUESTION_TYPES_SURVEY = [
    ("text-default", "type, name, label, appearance", """
text, name, What is your name?,
"""),
    ("number-text-widget", "type, name, label, appearance, hint", """
text,string_number_widget,String number widget,numbers,text type with numbers appearance
"""),
    ("external-app-widget", "type, name, label, appearance, hint", """
text,ex_string_widget,Ex string widget,ex:change.uw.android.BREATHCOUNT,text type with ex:change.uw.android.BREATHCOUNT appearance (can use other external apps)
"""),
    ("default-integer-widget", "type, name, label", """
integer, age, What is your age in years?
"""),
    ("default-decimal-widget", "type, name, label", """
decimal, weight, Weight in kilograms.
"""),
    ("external-number-widget", "type, name, label, appearance, hint", """
integer,ex_integer_widget,Ex integer widget,ex:change.uw.android.BREATHCOUNT,integer type with ex:change.uw.android.BREATHCOUNT appearance (can use other external apps)
"""),
    ("default-date-widget", "type, name, label, hint", """
date,date_widget,Date widget,date type with no appearance
"""),
    ("date-no-calendar", "type, name, label, appearance, hint", """
date,date_widget_nocalendar,Date Widget,no-calendar,date type with no-calendar appearance
"""),
    ("date-type-month-year", "type, name, label, appearance, hint", """
date,date_widget_month_year,Date widget,month-year,date type with month-year appearance
"""),
    ("year-widget", "type, name, label, appearance, hint", """
date,date_widget_year,Date widget,year,date type with year appearance
"""),
    ("time-widget", "type, name, label", """
time, wakeup, What time do you usually wakeup?
"""),
    ("datetime-widget", "type, name, label", """
dateTime, previous_meal, When was the last time you ate?
"""),
    ("single-select-widget", "type, name, label, hint", """
select_one opt_abcd,select_one_widget,Select one widget,"select_one type with no appearance, 4 text choices"
"""),
    ("multi-select-widget", "type, name, label, hint", """
select_multiple opt_abcd,select_multi_widget,Multi select widget,"select_multiple type with no appearance, 4 text choices"
"""),
    ("select-from-external-dataset", "type, name, label", """
select_one_from_file hospitals.csv,hospital,Select hospital
"""),
    ("select-minimal", "type, name, label, appearance, hint", """
select_one opt_abcd,select_widget,Select widget,minimal,"select_one type with minimal appearance, 4 text choices"
"""),
    ("autoadvance", "type, name, label, appearance, hint", """
select_one opt_abcd,select_one_autoadvance_widget,Select one autoadvance widget,quick,"select_one type with quick appearance, 4 text choices"
"""),
    ("select-autocomplete", "type, name, label, appearance, hint", """
select_one opt_abcd,select_one_autocomplete_widget,Select one widget,autocomplete,"select_one type with autocomplete appearance, 4 text choices"
"""),
    ("image-map-select", "type, name, label, appearance, image", """
select_one shapes, choose-shape, Choose a shape, image-map, shapes.svg
select_multiple shapes, choose-shapes, Choose multiple shapes, image-map, shapes.svg
"""),
    ("randomize-choice-order", "type, parameters, name, label", """
select_one opt_abcd,randomize=true,select_one_random_widget,"Select one with random choice order set on each display"
"""),
    ("rank-widget", "type, name, label, hint", """
rank opt_abcd,rank_widget,Rank widget,"rank type with no appearance, 4 text choices"
"""),
    ("geopoint-widget", "type, name, label, hint, parameters", """
geopoint,geopoint_widget,Geopoint widget,geopoint type,capture-accuracy=10 warning-accuracy=10 allow-mock-accuracy=true 
"""),
    ("geopoint-maps", "type, name, label, appearance, hint", """
geopoint,geopoint_widget_maps,Geopoint widget,maps,geopoint type with maps appearance
"""),
    ("placement-map-widget", "type, name, label, appearance, hint", """
geopoint,geopoint_widget_placementmap,Geopoint widget,placement-map,geopoint type with placement-map appearance
"""),
    ("geotrace-widget", "type, name, label", """
geotrace, trace_example, Where have you been?
"""),
    ("geoshape-widget", "type, name, label", """
geoshape, shape_example, Select an area
"""),
    ("geoshape-area", "type, name, label, calculation", """
geoshape, shape, Record a Geoshape,
calculate, shape_area, ,area(${shape})
calculate, rounded_shape_area, ,"round(${shape_area}, 2)"
note, shape_area_note, "The area of the recorded geoshape is:
${rounded_shape_area} m²",
"""),
    ("bearing-widget", "type, name, label, appearance, hint", """
decimal,bearing_widget,Bearing widget,bearing,decimal type with bearing appearance
"""),
    ("default-image-widget", "type, name, label, hint", """
image,image_widget,Image widget,image type with no appearance
"""),
    ("annotate-widget", "type, name, label, appearance, hint", """
image,annotate_image_widget,Annotate widget,annotate,image type with annotate appearance
"""),
    ("new-image-widget", "type, name, label, appearance, hint", """
image, image_widget_no_choose, Image widget without Choose button, new, image type with new appearance (can also be added with annotate appearance and on audio and video types)
"""),
    ("self-portrait-image-widget", "type, name, label, hint, appearance", """
image, self-portrait, Self portrait (*selfie*) widget, image type with new-front appearance, new-front
"""),
    ("external-app-image-widget", "type, name, label, appearance, hint", """
image, ex_image_widget, External image widget, ex:com.example.collectanswersprovider(questionImage=''), image type with ex:com.example.collectanswersprovider(questionImage='') appearance (can use other external apps)
"""),
    ("draw-widget", "type, name, label, appearance, hint", """
image,draw_image_widget,Draw widget ,draw,image type with draw appearance
"""),
    ("scaling-down-images", "type, name, label, parameters, hint", """
image,my_scaled_image,Scaled image,max-pixels=1024,image scaled to a max long edge of 1024 pixels
"""),
    ("audio", "type, name, label", """
audio, bird_recording, What does it sound like?
"""),
    ("customizing-audio-quality", "type, name, label, parameters", """
audio,voice_only_audio,Voice audio,quality=voice-only
audio,normal_audio,Normal audio,quality=normal
"""),
    ("customizing-audio-quality (relevance)", "type, name, label, parameters, relevance", """
select_one yes_no, is_quiet, Are you currently in a quiet location with only one person speaking at a time?
audio, recording_voice_only, Please record, quality=voice-only, ${is_quiet} = 'yes'
audio, recording_normal, Please record, quality=normal, ${is_quiet} = 'no'
"""),
    ("external-app-audio-widget", "type, name, label, appearance, hint", """
audio, ex_audio_widget, External audio widget, ex:com.example.collectanswersprovider(questionAudio=''), audio type with ex:com.example.collectanswersprovider(questionAudio='') appearance (can use other external apps)
"""),
    ("default-video-widget", "type, name, label, hint", """
video, blinking, Please record a video of yourself blinking., Three times is probably sufficient.
"""),
    ("external-app-video-widget", "type, name, label, appearance, hint", """
video, ex_video_widget, External video widget, ex:com.example.collectanswersprovider(questionVideo=''), video type with ex:com.example.collectanswersprovider(questionVideo='') appearance (can use other external apps)
"""),
    ("default_file-upload", "type, name, label", """
file, some-file, Select a file to upload.
"""),
    ("external-app-file-widget", "type, name, label, appearance, hint", """
file, ex_file_widget, External file widget, ex:com.example.collectanswersprovider(questionFile=''), file type with ex:com.example.collectanswersprovider(questionFile='') appearance (can use other external apps)
"""),
    ("default-barcode-widget", "type, name, label", """
barcode, barcode_example, Scan any barcode.
"""),
    ("range-widget-integers", "type, name, label, appearance, hint, parameters", """
range, range_integer_widget, Range integer widget,,range integer widget with no appearance, start=1;end=10;step=1
"""),
    ("range-widget-decimal", "type, name, label, appearance, hint, parameters", """
range, range_decimal_widget, Range decimal widget,,range decimal widget with no appearance, start=1.5;end=5.5;step=0.5
"""),
    ("vertical-range-widget", "type, name, label, appearance, hint, parameters", """
range, range_integer_widget_vertical, Range vertical integer widget, vertical, range integer widget with vertical appearance, start=1;end=10;step=1
"""),
    ("range-picker-widget", "type, name, label, appearance, hint, parameters", """
range, range_integer_widget_picker, Range picker integer widget, picker, range integer widget with picker appearance, start=1;end=10;step=1
"""),
    ("range-rating-widget", "type, name, label, appearance, hint, parameters", """
range, range_integer_widget_rating, Range rating widget, rating, range integer widget with rating appearance, end=9
"""),
    ("note-widget", "type, name, label, hint", """
note, note_1, This is an example note., "The text displays, but there is no input."
"""),
    ("url-widget", "type, name, label, appearance, hint, default", """
text,url_widget,URL widget,url,text type with url appearance and default value of http://getodk.org/,http://getodk.org/
"""),
    ("print-widget", "type, name, label, appearance, calculation", """
text,ex_printer_widget,Ex printer widget,printer:org.opendatakit.sensors.ZebraPrinter, "concat('123456789','<br>’,'QR CODE','<br>','Text')"
"""),
    ("trigger-widget", "type, name, label, hint, required", """
trigger,my_trigger,Trigger widget,Prompts for confirmation. Useful to combine with required or relevant. (type=trigger),true()
"""),
    ("signature-widget", "type, name, label, appearance, hint", """
image,signature_widget,Signature widget,signature,image type with signature appearance
"""),
    ("select-grid", "type, name, label, appearance", """
begin_group, underlying_conditions, Underlying conditions, field-list
select_one yes_no, condition_labels, Conditions, label
select_one yes_no, Comcond_preg, Pregnancy, list-nolabel
select_one yes_no, Comcond_partum, Post-partum (< 6 weeks), list-nolabel
end_group, underlying_conditions
"""),
    ("metadata", "type, name", """
start,start
end,end
today,today
deviceid,deviceid
username,username
phonenumber,phonenumber
start-geopoint,start-geopoint
"""),
    ("background-audio-recording", "type, name", """
background-audio, my_recording
"""),
]

QUESTION_TYPES_CHOICES = [
    ("single-select-widget", "list_name, name, label", """
opt_abcd,a,A
opt_abcd,b,B
opt_abcd,c,C
opt_abcd,d,D
"""),
    ("image-map-select", "list_name, name, label", """
shapes, path, blob
shapes, rect, rectangle
shapes, ellipse, ellipse
"""),
    ("customizing-audio-quality (relevance)", "list_name, name, label", """
yes_no, yes, Yes
yes_no, no, No
"""),
]

#: Tables of form-question-types.rst left out of question-types.xlsx, and why.
QUESTION_TYPES_SKIPPED = {
    "customizing-label-and-value, barcode (front), background audio (quality)": "reuse `hospital`, "
    "`barcode_example`, `my_recording`",
    "select-columns-pack-widget, select-columns-widget, select-columns-n-widget, select-no-buttons-widget":
        "reuse `select_widget`",
    "likert-widget": "names list `likert`; its choices are given as `likert_widget`",
    "randomize-choice-order (seed)": "reuses `select_one_widget`",
    "image-options": "a choices table no question uses",
    "the choices tables repeated with a question": "`opt_abcd` and `yes_no` are written once",
}


def table(header: str, body: str) -> list[dict]:
    """A csv-table as rows of {column: cell}; the header's columns are stripped as reStructuredText does."""
    columns = [c.strip() for c in header.split(",")]
    rows = []
    for cells in csv.reader(io.StringIO(body.strip("\n")), skipinitialspace=True):
        if cells:
            rows.append({column: cell.strip() for column, cell in zip(columns, cells) if cell.strip()})
    return rows


def write_form(path: Path, survey: list, choices: list) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, tables in (("survey", survey), ("choices", choices)):
        rows = [row for _, header, body in tables for row in table(header, body)]
        columns: list[str] = []
        for _, header, _ in tables:
            columns += [c.strip() for c in header.split(",") if c.strip() not in columns]
        sheet = book.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append([row.get(column) for column in columns])
    book.save(path)


if __name__ == "__main__":
    write_form(HERE / "form-logic.xlsx", FORM_LOGIC_SURVEY, FORM_LOGIC_CHOICES)
    write_form(HERE / "question-types.xlsx", QUESTION_TYPES_SURVEY, QUESTION_TYPES_CHOICES)
