"""Texts in other languages: the analyser's choice of pipeline, and the core's word lists."""

from __future__ import annotations

from bot.briefing.actor_context import quote_spans
from bot.briefing.names import clean_name, is_junk
from bot.briefing.status import AnalysisStatus
from bot.briefing.text import is_opinion, is_quote
from bot.extraction.nlp import SpacyAnalyzer

GERMAN = (
    "Die Bundesregierung hat am Donnerstag beschlossen, die Hilfe für die Ukraine zu "
    "verdoppeln. Bundeskanzler Friedrich Merz sagte in Berlin, Deutschland werde weitere "
    "Luftabwehrsysteme liefern, sobald die Industrie sie fertigstellen könne."
)


def test_a_text_in_a_language_without_a_pipeline_is_not_analysed_at_all() -> None:
    analyzer = SpacyAnalyzer(models={"fr": "fr_core_news_sm"})
    analysis = analyzer.analyze("Hilfe für die Ukraine", GERMAN)
    assert analysis.status is AnalysisStatus.UNSUPPORTED_LANGUAGE
    assert analysis.language == "de"
    assert analysis.key_points == () and analysis.actors == ()
    assert analyzer._pipelines == {}, "no pipeline was loaded for it, not even English"


def test_a_language_given_by_the_caller_wins_over_the_words() -> None:
    analysis = SpacyAnalyzer().analyze("Aid", GERMAN, "it")
    assert (analysis.status, analysis.language) == (AnalysisStatus.UNSUPPORTED_LANGUAGE, "it")


def test_the_note_readers_get() -> None:
    assert AnalysisStatus.ANALYSED.note("fr") == ""
    assert AnalysisStatus.UNSUPPORTED_LANGUAGE.note("de") == "not analysed: language de"
    assert AnalysisStatus.UNSUPPORTED_LANGUAGE.note(None) == "not analysed: language unknown"


def test_english_opinion_words_are_not_looked_for_in_another_language() -> None:
    said = "Le ministre me l'a confirmé, a déclaré le porte-parole du gouvernement."
    assert is_opinion("He told me the ministry had confirmed it.")
    assert not is_opinion(said, english=False)
    assert is_opinion("Quelle victoire pour le club !", english=False)


def test_french_quotation_marks_are_quotes() -> None:
    text = "Macron a dit que la Russie « devait comprendre que l'Europe ne faiblira pas »."
    start = text.index("«")
    assert quote_spans(text) == [(start, text.index("»") + 1)]
    assert is_quote("« Nous ne céderons pas », a déclaré la ministre.")
    assert not is_opinion("« Je pense que nous avons raison », a-t-il dit.", english=False)


def test_a_capitalised_common_noun_of_french_is_no_name() -> None:
    assert is_junk("État") and is_junk("Etat")
    assert not is_junk("États-Unis")


def test_honorifics_of_the_texts_language_are_stripped_from_names() -> None:
    assert clean_name("M. Bayrou", "PERSON", "fr") == ("Bayrou", "M.")
    assert clean_name("Mme Lagarde", "PERSON", "fr") == ("Lagarde", "Mme")
    assert clean_name("Herr Merz", "PERSON", "de") == ("Merz", "Herr")
    assert clean_name("M. Night Shyamalan", "PERSON") == ("M. Night Shyamalan", "")
