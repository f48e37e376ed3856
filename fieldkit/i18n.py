"""User-facing text of the pages in Swedish and English, and the remembered language choice."""

from __future__ import annotations

from flask import current_app, request

LANGUAGES = {"sv": "Svenska", "en": "English"}
COOKIE = "fieldkit_lang"

TEXTS: dict[str, dict[str, str]] = {
    "app_name": {"sv": "fieldkit", "en": "fieldkit"},
    "nav_start": {"sv": "Ny intervju", "en": "New interview"},
    "nav_submissions": {"sv": "Mina intervjuer", "en": "My interviews"},
    "skip_to_content": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "start_title": {"sv": "Starta en intervju", "en": "Start an interview"},
    "questionnaire": {"sv": "Frågeformulär", "en": "Questionnaire"},
    "municipality": {"sv": "Kommun", "en": "Municipality"},
    "county": {"sv": "Län", "en": "County"},
    "search_municipality": {"sv": "Sök kommun (namn eller kod)", "en": "Search municipality (name or code)"},
    "choose": {"sv": "Välj…", "en": "Choose…"},
    "start_button": {"sv": "Starta intervjun", "en": "Start the interview"},
    "drafts_title": {"sv": "Påbörjade intervjuer", "en": "Interviews in progress"},
    "no_drafts": {"sv": "Inga påbörjade intervjuer.", "en": "No interviews in progress."},
    "resume": {"sv": "Fortsätt", "en": "Resume"},
    "version": {"sv": "version", "en": "version"},
    "section_of": {"sv": "Del {n} av {total}", "en": "Part {n} of {total}"},
    "previous": {"sv": "Föregående", "en": "Previous"},
    "next": {"sv": "Nästa", "en": "Next"},
    "to_review": {"sv": "Granska och slutför", "en": "Review and complete"},
    "save": {"sv": "Spara", "en": "Save"},
    "saved_at": {"sv": "Sparat {time}", "en": "Saved {time}"},
    "saving": {"sv": "Sparar…", "en": "Saving…"},
    "unsaved": {"sv": "Ändringar ej sparade ännu", "en": "Changes not saved yet"},
    "offline": {"sv": "Kunde inte spara till servern – svaren finns kvar i webbläsaren och sparas så snart det går.",
                "en": "Could not save to the server – the answers are kept in the browser and saved as soon as possible."},
    "restored": {"sv": "Osparade svar från webbläsaren har återställts.", "en": "Unsaved answers from the browser were restored."},
    "error_summary": {"sv": "Rätta följande innan du går vidare:", "en": "Please correct the following:"},
    "new_questions": {"sv": "Dina svar gjorde att nya frågor visas på sidan. Besvara dem och fortsätt.",
                      "en": "Your answers made new questions appear on this page. Answer them and continue."},
    "required_mark": {"sv": "obligatorisk", "en": "required"},
    "special_answer": {"sv": "Eller:", "en": "Or:"},
    "clear_choice": {"sv": "Rensa svar", "en": "Clear answer"},
    "review_title": {"sv": "Granska och slutför", "en": "Review and complete"},
    "review_errors": {"sv": "Intervjun kan inte slutföras ännu:", "en": "The interview cannot be completed yet:"},
    "complete_button": {"sv": "Slutför intervjun", "en": "Complete the interview"},
    "back_to_edit": {"sv": "Tillbaka till frågorna", "en": "Back to the questions"},
    "completed": {"sv": "Intervjun är slutförd och sparad.", "en": "The interview is complete and saved."},
    "summary_title": {"sv": "Sammanställning", "en": "Summary"},
    "not_answered": {"sv": "Ej besvarad", "en": "Not answered"},
    "not_relevant": {"sv": "Ej tillämplig", "en": "Not applicable (skipped)"},
    "reopen": {"sv": "Öppna för ändring", "en": "Reopen for editing"},
    "reopen_help": {"sv": "Ändringar sparas som en ny version; den gamla finns kvar.",
                    "en": "Changes are saved as a new revision; the old one is kept."},
    "discard_edit": {"sv": "Avbryt ändringen", "en": "Discard the edit"},
    "discard_draft": {"sv": "Ta bort utkastet", "en": "Delete the draft"},
    "discard_confirm_draft": {"sv": "Vill du ta bort utkastet? Alla svar i det försvinner.",
                              "en": "Delete the draft? All its answers will be lost."},
    "discard_confirm_edit": {"sv": "Vill du avbryta ändringen? Den slutförda versionen finns kvar oförändrad.",
                             "en": "Discard the edit? The completed revision stays as it was."},
    "keep": {"sv": "Nej, behåll", "en": "No, keep it"},
    "editing_notice": {"sv": "Du ändrar en slutförd intervju. Slutför igen för att spara en ny version.",
                       "en": "You are editing a completed interview. Complete it again to save a new revision."},
    "revisions": {"sv": "Versioner", "en": "Revisions"},
    "revision": {"sv": "Version", "en": "Revision"},
    "author": {"sv": "Av", "en": "By"},
    "created": {"sv": "Skapad", "en": "Created"},
    "modified": {"sv": "Ändrad", "en": "Modified"},
    "status": {"sv": "Status", "en": "Status"},
    "status_draft": {"sv": "Utkast", "en": "Draft"},
    "status_complete": {"sv": "Slutförd", "en": "Complete"},
    "status_editing": {"sv": "Under ändring", "en": "Being edited"},
    "all": {"sv": "Alla", "en": "All"},
    "filter": {"sv": "Filtrera", "en": "Filter"},
    "submissions_title": {"sv": "Mina intervjuer", "en": "My interviews"},
    "no_submissions": {"sv": "Inga intervjuer matchar.", "en": "No interviews match."},
    "open": {"sv": "Öppna", "en": "Open"},
    "interviewer": {"sv": "Intervjuare", "en": "Interviewer"},
    "counts": {"sv": "Antal per status", "en": "Count per status"},
    "error_title": {"sv": "Något gick fel", "en": "Something went wrong"},
    "error_404": {"sv": "Sidan finns inte.", "en": "The page does not exist."},
    "error_403": {"sv": "Du har inte behörighet till sidan.", "en": "You do not have access to this page."},
    "error_413": {"sv": "Det du skickade är för stort (högst {limit}). Inget av det sparades; gå tillbaka och korta texten.",
                  "en": "What you sent is too large (at most {limit}). Nothing of it was saved; go back and shorten the text."},
    "error_400": {"sv": "Begäran kunde inte behandlas.", "en": "The request could not be handled."},
    "error_500": {"sv": "Ett internt fel inträffade. Dina sparade svar finns kvar.",
                  "en": "An internal error occurred. Your saved answers are kept."},
    "csrf_error": {"sv": "Sidan hade blivit inaktuell (säkerhetstoken saknades eller hade gått ut).",
                   "en": "The page had gone stale (the security token was missing or had expired)."},
    "csrf_kept": {"sv": "Dina inskrivna svar har sparats i utkastet. Öppna intervjun igen och fortsätt.",
                  "en": "Your typed answers were kept in the draft. Open the interview again and continue."},
    "back_to_interview": {"sv": "Tillbaka till intervjun", "en": "Back to the interview"},
    "back_home": {"sv": "Till startsidan", "en": "To the start page"},
    "unknown_choice": {"sv": "Välj ett frågeformulär och en kommun.", "en": "Choose a questionnaire and a municipality."},
    "language": {"sv": "Språk", "en": "Language"},
    "dont_know_help": {"sv": "\"Vet ej\" räknas som ett svar.", "en": "\"Don't know\" counts as an answer."},
    # Sync (issue 4): the laptop's sync status page and moving drafts to a new questionnaire version.
    "nav_sync": {"sv": "Synkronisering", "en": "Sync"},
    "sync_title": {"sv": "Synkronisering med servern", "en": "Sync with the central server"},
    "sync_not_set_up": {"sv": "Datorn är inte kopplad till någon server. Kör fieldkit sync setup ADRESS KOD.",
                        "en": "This laptop is not connected to a server. Run fieldkit sync setup URL CODE."},
    "sync_central": {"sv": "Server", "en": "Central server"},
    "sync_waiting": {"sv": "Väntar på att skickas", "en": "Waiting to be sent"},
    "sync_waiting_count": {"sv": "{revisions} versioner av {submissions} intervjuer",
                           "en": "{revisions} revisions of {submissions} interviews"},
    "sync_nothing_waiting": {"sv": "Allt är skickat och kvitterat.", "en": "Everything is sent and acknowledged."},
    "sync_drafts_note": {"sv": "{n} utkast skickas när de har slutförts.",
                         "en": "{n} drafts are sent once they are completed."},
    "sync_last_sent": {"sv": "Senast skickat", "en": "Last sent"},
    "sync_never_sent": {"sv": "Inget har skickats än.", "en": "Nothing has been sent yet."},
    "sync_kind_bundle": {"sv": "fil", "en": "file"},
    "sync_kind_push": {"sv": "över nätet", "en": "over the network"},
    "sync_acknowledged_all": {"sv": "Servern har kvitterat allt.", "en": "The server acknowledged everything."},
    "sync_acknowledged_some": {"sv": "Servern har kvitterat {acked} av {sent}.",
                               "en": "The server has acknowledged {acked} of {sent}."},
    "sync_last_ack": {"sv": "Senaste kvittens", "en": "Last acknowledgement"},
    "sync_last_pull": {"sv": "Senast hämtat från servern", "en": "Last fetched from the server"},
    "sync_never": {"sv": "Aldrig", "en": "Never"},
    "sync_how": {"sv": "Skicka med fieldkit sync push, eller skriv en fil med fieldkit sync bundle --out FIL.",
                 "en": "Send with fieldkit sync push, or write a file with fieldkit sync bundle --out FILE."},
    "move_title": {"sv": "Utkast med en nyare formulärversion", "en": "Drafts with a newer questionnaire version"},
    "move_help": {"sv": "Utkastet fortsätter på sin version tills du flyttar det. Svar vars fråga finns kvar med "
                        "en förenlig typ följer med; övriga listas efter flytten och sparas i loggen.",
                  "en": "A draft stays on its version until you move it. Answers whose question still exists with "
                        "a compatible type are carried; the others are listed after the move and kept in the log."},
    "move_none": {"sv": "Inga utkast har en nyare version.", "en": "No draft has a newer version."},
    "move_button": {"sv": "Flytta till version {version}", "en": "Move to version {version}"},
    "moved_title": {"sv": "Utkastet har flyttats", "en": "The draft was moved"},
    "moved_summary": {"sv": "Från version {old} till {new}: {carried} svar följde med.",
                      "en": "From version {old} to {new}: {carried} answers were carried."},
    "moved_dropped": {"sv": "Följande svar kunde inte följa med:", "en": "These answers could not be carried:"},
    "moved_all": {"sv": "Alla svar följde med.", "en": "Every answer was carried."},
    "moved_question": {"sv": "Fråga", "en": "Question"},
    "moved_reason": {"sv": "Orsak", "en": "Reason"},
}


def current_language() -> str:
    lang = request.cookies.get(COOKIE) if request else None
    if lang in LANGUAGES:
        return lang
    return current_app.config.get("DEFAULT_LANGUAGE", "sv")


def translate(key: str, **params) -> str:
    texts = TEXTS.get(key)
    if texts is None:
        return key
    text = texts.get(current_language()) or texts["sv"]
    return text.format(**params) if params else text
