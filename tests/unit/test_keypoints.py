"""Key-point selection on hand-built annotated texts (a tiny rule tagger stands in for spaCy)."""

from __future__ import annotations

import re

import pytest

from bot.briefing.keypoints import select_key_points
from bot.briefing.model import AnnotatedText, Sentence, Token
from bot.briefing.text import is_boilerplate, is_opinion, lead_matter_end

VERB_WORDS = """passed said voted approved announced warned rose fell signed cut expects gathered
is was were has have will get called reported added shows agreed spend follows struck went
praised mark like do think came grew raised made had expected opened sang carry build cost
refer continue pour killed injured arrested charged"""
STOP_WORDS = (
    "the a an of to in on and for by at with is was were has have will it its that this our"
)
VERBS = set(VERB_WORDS.split())
STOP = set(STOP_WORDS.split()) | {"you", "all", "more"}


def annotate(text: str, title: str = "") -> AnnotatedText:
    """Sentences end at . ! or ? (or a line end); tokens get a POS from a tiny rule set."""
    sentences = []
    for m in re.finditer(r"[^\n.!?]+(?:[.!?]+['\"”’]?|$)", text, re.MULTILINE):
        if not m.group().strip():
            continue
        tokens = []
        for t in re.finditer(r"\w+|[^\w\s]", m.group()):
            word, start = t.group(), m.start() + t.start()
            low = word.lower()
            if not word[0].isalnum():
                pos = "PUNCT"
            elif low in VERBS:
                pos = "AUX" if low in {"is", "was", "were", "has", "have", "will"} else "VERB"
            elif word[0].isdigit():
                pos = "NUM"
            elif word[0].isupper() and start != m.start():
                pos = "PROPN"
            else:
                pos = "NOUN"
            tokens.append(Token(word, low, pos, low in STOP, start, start + len(word)))
        sentences.append(Sentence(m.start(), m.end(), m.group(), tuple(tokens)))
    return AnnotatedText(text=text, sentences=tuple(sentences), mentions=(), title=title)


STORY = (
    "WASHINGTON (CNN) -- The Senate passed the budget bill on Tuesday after weeks of talks.\n"
    "By Jane Doe and John Roe\n"
    "Senators voted 62 to 38 for the budget bill, which cuts spending on defence programs.\n"
    "Protesters gathered outside the Capitol building on Monday (AP Photo/Jane Roe).\n"
    "Read more: Senate leaders announced a deal on the budget last week.\n"
    "The treasury expects the budget bill to cut the deficit by a third within five years.\n"
    "Sign up for our newsletter to get the budget news every morning.\n"
    "Do you think the Senate will get the budget right this time?\n"
    "Economists warned that the cuts to defence programs will slow growth next year.\n"
    "Copyright 2024 The Daily Planet. All rights reserved.\n"
)


def test_offsets_are_exact_and_stripped():
    doc = annotate(STORY)
    points = select_key_points(doc)
    assert points
    for kp in points:
        assert doc.text[kp.start : kp.end] == kp.text
        assert kp.text == kp.text.strip()


def test_dateline_is_stripped_from_the_lead():
    points = select_key_points(annotate(STORY))
    assert points[0].text.startswith("The Senate passed the budget bill")


def test_boilerplate_and_questions_are_never_key_points():
    points = select_key_points(annotate(STORY), limit=10)
    texts = " | ".join(kp.text for kp in points)
    for junk in ("Jane Doe", "AP Photo", "Read more", "newsletter", "Copyright", "Do you think"):
        assert junk not in texts
    assert len(points) == 4  # the four real statements, nothing else


def test_best_first_with_ranks_in_order():
    points = select_key_points(annotate(STORY))
    assert [kp.rank for kp in points] == list(range(len(points)))
    scores = [kp.score for kp in points]
    assert scores == sorted(scores, reverse=True)
    assert points[0].start < STORY.index("Senators voted")  # the lead comes first


def test_output_is_not_reordered_by_position():
    text = (
        "The mayor opened the new bridge over the river on a sunny morning in spring.\n"
        "'It is a wonderful day for all of us and for our children,' said one neighbour.\n"
        "Officials said the new bridge cost the city forty million dollars to build.\n"
        "A local choir sang at the bridge ceremony, which the mayor called historic.\n"
    )
    points = select_key_points(annotate(text))
    starts = [kp.start for kp in points]
    assert starts[0] == 0
    assert starts != sorted(starts)  # the reported fact goes ahead of the earlier quote
    assert points[1].text.startswith("Officials said")


def test_no_two_key_points_say_the_same_thing():
    text = (
        "The central bank raised interest rates by half a point on Thursday.\n"
        "Markets fell sharply across Europe after the announcement was made.\n"
        "The central bank raised its interest rates by half a point on Thursday, it said.\n"
        "Analysts said the move came earlier than most investors had expected.\n"
    )
    doc = annotate(text)
    texts = [kp.text for kp in select_key_points(doc)]
    assert any(t.startswith("The central bank raised interest") for t in texts)
    assert not any(t.startswith("The central bank raised its") for t in texts)
    assert len(texts) == 3


def test_a_short_text_with_two_sentences_gives_two():
    doc = annotate(
        "The city council approved a new budget for public schools on Monday. "
        "Teachers praised the decision, which will add two hundred new classrooms."
    )
    points = select_key_points(doc)
    assert len(points) == 2
    assert points[0].text.startswith("The city council approved")


def test_a_caption_run_into_a_sentence_is_cut_before_a_number():
    # Captions lose their full stop in some outlets; "face An 86-year-old" is two sentences.
    text = (
        "Sister Mary (pictured) was found in her bedroom with a towel on her face "
        "An 86-year-old nun was attacked at the mission in Durban on Monday night.\n"
        "Officers said the nun was taken to hospital with serious injuries after the attack.\n"
    )
    doc = annotate(text)
    texts = [kp.text for kp in select_key_points(doc)]
    assert any(t.startswith("An 86-year-old nun was attacked") for t in texts)
    assert not any("towel" in t and "nun was attacked" in t for t in texts)


def test_fragments_and_verbless_lines_are_dropped():
    doc = annotate("Breaking news.\nWorld leaders in Paris on Monday morning, live\nIt rained.\n")
    assert select_key_points(doc) == ()


def test_limit_and_empty_input():
    assert len(select_key_points(annotate(STORY), limit=2)) == 2
    assert select_key_points(annotate(STORY), limit=0) == ()
    assert select_key_points(annotate("")) == ()


def test_speculation_gives_way_to_the_fact_after_it():
    text = (
        "Police arrested 3 men after a fire destroyed 12 homes in the town on Friday.\n"
        "The band's song about the fire probably doesn't refer to the town at all.\n"
        "Officers charged 2 of the men with arson and released 1 of them on bail.\n"
        "Residents said the fire started in a shed behind the market square.\n"
    )
    texts = [kp.text for kp in select_key_points(annotate(text))]
    assert texts.index(
        "Officers charged 2 of the men with arson and released 1 of them on bail."
    ) < (texts.index("The band's song about the fire probably doesn't refer to the town at all."))


def test_a_hook_that_states_no_fact_is_left_out_of_the_first_three():
    text = (
        "Police arrested 3 men after a fire destroyed 12 homes in the town on Friday.\n"
        "Officers charged 2 of the men with arson and released 1 of them on bail.\n"
        "The authorities continue to pour fuel on the fire of public anger.\n"
        "Firefighters said 40 people were moved to 2 schools near the town overnight.\n"
    )
    texts = [kp.text for kp in select_key_points(annotate(text), limit=3)]
    assert "The authorities continue to pour fuel on the fire of public anger." not in texts
    assert texts[-1].startswith("Firefighters said 40 people")


@pytest.mark.parametrize(
    ("line", "opinion"),
    [
        ("The Corrs' song \"Breathless\" probably doesn't refer to a duvet.", True),
        ("You won't believe what happened next in the town hall!", True),
        ("We should all be worried about what the council has done.", True),
        ("The US said it would send 300 troops to the border on Monday.", False),
        ("'We will rebuild every home,' the mayor said on Friday.", False),
        ('He said "our town will recover" before leaving for London.', False),
    ],
)
def test_opinion_is_the_writer_speaking_not_a_quoted_speaker(line, opinion):
    assert is_opinion(line) is opinion


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Doe, CNN",
        "Reporting by John Smith; Editing by Mary Jones",
        "Photo: Getty Images",
        "Related: Ten things the budget means for you",
        "Follow us on Twitter for the latest updates",
        "Click here to see the full gallery of pictures",
        "© 2024 Example News Ltd",
        "Tuesday, March 3, 2015 10:02 AM EST",
    ],
)
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "By Tuesday the crowd had grown to ten thousand people.",
        "The photographer said the pictures were taken in 1990.",
        "He was born in Leeds in March 1990.",
    ],
)
def test_ordinary_sentences_are_not_boilerplate(line):
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("(CNN)Sofia Vergara's ex-fiance spoke.", "Sofia Vergara's ex-fiance spoke."),
        ("New Delhi, India (CNN)As the earth shook", "As the earth shook"),
        ("LONDON (Reuters) - Shares fell", "Shares fell"),
        (
            "By . Daily Mail Reporter . PUBLISHED: . 12:01 EST, 3 May 2013 . | . UPDATED: . "
            "14:20 EST, 3 May 2013 . A man was",
            "A man was",
        ),
        ("The Senate passed the bill", "The Senate passed the bill"),
    ],
)
def test_lead_matter(text, rest):
    assert text[lead_matter_end(text) :] == rest


@pytest.mark.slow
def test_with_spacy_on_a_news_story():
    from bot.extraction.nlp import SpacyAnalyzer

    analysis = SpacyAnalyzer().analyze("Senate passes budget bill", STORY)
    texts = [kp.text for kp in analysis.key_points]
    assert texts[0].startswith("The Senate passed the budget bill")
    joined = " | ".join(texts)
    for junk in ("Jane Doe", "AP Photo", "Read more", "newsletter", "Copyright", "Do you think"):
        assert junk not in joined
    for kp in analysis.key_points:
        assert STORY[kp.start : kp.end] == kp.text


def test_a_headline_repeated_in_the_text_does_not_push_out_the_lead_it_sums_up() -> None:
    title = "Senate passed the budget bill after weeks of talks | Daily Planet"
    text = (
        "Senate passed the budget bill after weeks of talks\n"
        "The Senate passed the budget bill on Tuesday after weeks of talks with the treasury.\n"
        "Economists warned that the cuts to defence programs will slow growth next year.\n"
    )
    points = [k.text for k in select_key_points(annotate(text, title))]
    assert (
        "The Senate passed the budget bill on Tuesday after weeks of talks with the treasury."
        in points
    )
    # The same lead under another title is still a repetition of a point chosen before it.
    other = [k.text for k in select_key_points(annotate(text, "Budget passes"))]
    assert len(other) == len(points) - 1
