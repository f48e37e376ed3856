"""The exports' own words (sheet names, headers, notes) in Swedish and English.

The library never imports Flask, so it cannot use fieldkit's `_()`: its few
texts live here and are looked up with an explicit language.
"""

from __future__ import annotations

LANGUAGES = ("sv", "en")

TEXTS: dict[str, dict[str, str]] = {
    # sheets
    "sheet_overview": {"sv": "Översikt", "en": "Overview"},
    "sheet_freetext": {"sv": "Fritext", "en": "Free text"},
    "sheet_data": {"sv": "Data", "en": "Data"},
    "sheet_codebook": {"sv": "Kodbok", "en": "Codebook"},
    # groups and states
    "total": {"sv": "Totalt", "en": "Total"},
    "skipped": {"sv": "Ej tillämplig", "en": "Not applicable (skipped)"},
    "missing": {"sv": "Ej besvarad", "en": "Not answered"},
    "status_complete": {"sv": "Slutförd", "en": "Complete"},
    "status_draft": {"sv": "Utkast", "en": "Draft"},
    # table headers
    "county": {"sv": "Län", "en": "County"},
    "county_code": {"sv": "Länskod", "en": "County code"},
    "municipality": {"sv": "Kommun", "en": "Municipality"},
    "municipality_code": {"sv": "Kommunkod", "en": "Municipality code"},
    "statement": {"sv": "Påstående", "en": "Statement"},
    "count": {"sv": "Antal", "en": "Count"},
    "share_substantive": {"sv": "Andel av substantiella svar", "en": "Share of substantive answers"},
    "share_respondents": {"sv": "Andel av de svarande (flera val möjliga)", "en": "Share of respondents (several choices allowed)"},
    "base_substantive": {"sv": "Antal substantiella svar", "en": "Substantive answers"},
    "base_respondents": {"sv": "Antal svarande", "en": "Respondents"},
    "share_of_all": {"sv": "andel av alla svar", "en": "share of all answers"},
    "not_in_tables": {"sv": "Utanför andelarna", "en": "Outside the shares"},
    "mean_score": {"sv": "Medelvärde (poäng)", "en": "Mean score"},
    "n": {"sv": "Antal svar", "en": "Answers"},
    "mean": {"sv": "Medelvärde", "en": "Mean"},
    "median": {"sv": "Median", "en": "Median"},
    "min": {"sv": "Min", "en": "Min"},
    "max": {"sv": "Max", "en": "Max"},
    "sum": {"sv": "Summa", "en": "Sum"},
    "first_date": {"sv": "Tidigast", "en": "Earliest"},
    "last_date": {"sv": "Senast", "en": "Latest"},
    "answers_given": {"sv": "Antal svar", "en": "Answers"},
    "statistics": {"sv": "Statistik", "en": "Statistics"},
    # notes under question titles
    "note_choice": {
        "sv": "Andelarna är av de substantiella svaren. \"Vet ej\" och andra särskilda svar redovisas för sig, "
              "som antal och som andel av alla svar. \"Ej tillämplig\": frågan visades inte (villkor eller annan version). "
              "\"Ej besvarad\": frågan visades men lämnades tom.",
        "en": "Shares are of the substantive answers. \"Don't know\" and other special answers are reported apart, "
              "as counts and as shares of all answers. \"Not applicable (skipped)\": the question was not shown "
              "(condition or another version). \"Not answered\": shown but left empty.",
    },
    "note_multi": {
        "sv": "Flera val möjliga: andelen är av de svarande som valt minst ett substantiellt alternativ. "
              "\"Vet ej\" redovisas för sig som antal och andel av alla svar.",
        "en": "Several choices allowed: the share is of the respondents who chose at least one substantive option. "
              "\"Don't know\" is reported apart, as a count and a share of all answers.",
    },
    "note_number": {
        "sv": "Statistiken gäller de svar som är tal. \"Vet ej\" räknas för sig.",
        "en": "The statistics cover the answers that are numbers. \"Don't know\" is counted apart.",
    },
    "note_text": {
        "sv": "Fritextsvaren finns i bladet Fritext.",
        "en": "The free-text answers are in the sheet Free text.",
    },
    "note_matrix": {
        "sv": "Sammanställning för alla påståenden (totalt), därefter varje påstående per län.",
        "en": "Summary of all statements (total), then each statement per county.",
    },
    # overview
    "overview_title": {"sv": "Resultat", "en": "Findings"},
    "questionnaire": {"sv": "Frågeformulär", "en": "Questionnaire"},
    "versions": {"sv": "Versioner", "en": "Versions"},
    "version_count": {"sv": "version {version}: {n} inlämningar", "en": "version {version}: {n} submissions"},
    "filter": {"sv": "Urval", "en": "Filter"},
    "filter_counties": {"sv": "Län", "en": "Counties"},
    "filter_municipalities": {"sv": "Kommuner", "en": "Municipalities"},
    "filter_period": {"sv": "Period (skapad)", "en": "Period (created)"},
    "filter_status": {"sv": "Status", "en": "Status"},
    "filter_all": {"sv": "alla", "en": "all"},
    "status_filter_complete": {"sv": "endast slutförda", "en": "complete only"},
    "status_filter_all": {"sv": "slutförda och utkast", "en": "complete and drafts"},
    "excluded_note": {"sv": "Inlämningar som markerats som exkluderade är alltid borttagna.",
                      "en": "Submissions marked as excluded are always left out."},
    "exported_at": {"sv": "Exporterad", "en": "Exported"},
    "submissions": {"sv": "Antal inlämningar", "en": "Submissions"},
    "no_submissions": {"sv": "Inga inlämningar matchar urvalet.", "en": "No submissions match the filter."},
    "response_rate": {"sv": "Svarsfrekvens", "en": "Response rate"},
    "response_rate_note": {
        "sv": "Kommuner med minst en slutförd inlämning i urvalet, av kommunerna i urvalet.",
        "en": "Municipalities with at least one completed submission in the filter, of the municipalities in scope.",
    },
    "in_scope": {"sv": "Kommuner i urvalet", "en": "Municipalities in scope"},
    "answered_municipalities": {"sv": "Kommuner som svarat", "en": "Municipalities that answered"},
    "sheets": {"sv": "Blad", "en": "Sheets"},
    "warnings": {"sv": "Att observera", "en": "Notes"},
    "from_to": {"sv": "{start} – {end}", "en": "{start} – {end}"},
    "any_date": {"sv": "alla datum", "en": "any date"},
    "local_time": {"sv": "svensk tid", "en": "Swedish time"},
    # free text and data
    "question_id": {"sv": "Fråge-id", "en": "Question id"},
    "question": {"sv": "Fråga", "en": "Question"},
    "answer": {"sv": "Svar", "en": "Answer"},
    "submission": {"sv": "Inlämning", "en": "Submission"},
    "version": {"sv": "Version", "en": "Version"},
    "status": {"sv": "Status", "en": "Status"},
    "created": {"sv": "Skapad", "en": "Created"},
    "modified": {"sv": "Ändrad", "en": "Modified"},
    "interviewer": {"sv": "Intervjuare", "en": "Interviewer"},
    "other_text": {"sv": "annat, nämligen", "en": "other, specified"},
    # file names
    "wide_suffix": {"sv": "bred", "en": "wide"},
    "long_suffix": {"sv": "lang", "en": "long"},
    # codebook
    "column": {"sv": "Kolumn i Data", "en": "Column in Data"},
    "section": {"sv": "Avsnitt", "en": "Section"},
    "type": {"sv": "Typ", "en": "Type"},
    "kind": {"sv": "Slag", "en": "Kind"},
    "code": {"sv": "Kod", "en": "Code"},
    "label": {"sv": "Text", "en": "Text"},
    "score": {"sv": "Poäng", "en": "Score"},
    "condition": {"sv": "Villkor", "en": "Condition"},
    "kind_question": {"sv": "fråga", "en": "question"},
    "kind_item": {"sv": "rad", "en": "row"},
    "kind_choice": {"sv": "svarsalternativ", "en": "option"},
    "kind_special": {"sv": "särskilt svar", "en": "special answer"},
    "kind_option_column": {"sv": "alternativ (0/1)", "en": "option (0/1)"},
}


def text(key: str, lang: str = "sv", **params: object) -> str:
    """The text `key` in `lang` (Swedish when missing), formatted with params."""
    entry = TEXTS[key]
    value = entry.get(lang) or entry["sv"]
    return value.format(**params) if params else value
