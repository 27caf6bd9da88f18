"""The published quality metrics, over the dev-set formats (see the eval data's README).

actors     document-level actor F1 on CoNLL-2003: per document, the distinct PER/ORG/LOC
           names are the gold actors; a predicted actor is right when a gold actor of the same
           type has its name or one of its aliases.
keypoints  ROUGE-1/2/Lsum F1 (rouge-score, Porter stemming) of the first three key points
           against the CNN/DailyMail highlights.
extract    word-level F1 of the extracted text against the hand-checked article body.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

TYPES = ("PER", "ORG", "LOC")
# The type names a system may answer, folded to the three CoNLL types; others are ignored.
TYPE_OF = {
    "person": "PER",
    "per": "PER",
    "organization": "ORG",
    "organisation": "ORG",
    "org": "ORG",
    "place": "LOC",
    "location": "LOC",
    "loc": "LOC",
    "country": "LOC",
    "gpe": "LOC",
}
# CoNLL text is tokenized; these rules give back the spacing of ordinary prose.
_NO_SPACE_BEFORE = tuple(".,:;!?%)")
_NO_SPACE_AFTER = ("(", "$")
_CLITICS = ("'s", "n't")

Sentence = list[tuple[str, str]]  # (token, IOB tag)
Document = list[Sentence]
Actor = tuple[str, str]  # (normalized name, type)


# ---------------------------------------------------------------------- CoNLL-2003


def read_conll(path: Path) -> list[Document]:
    """Documents split at ``-DOCSTART-``, sentences at blank lines; token first, tag last."""
    docs: list[Document] = [[]]
    sentence: Sentence = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if sentence:
                    docs[-1].append(sentence)
                sentence = []
                if parts and docs[-1]:
                    docs.append([])
                continue
            sentence.append((parts[0], parts[-1]))
    if sentence:
        docs[-1].append(sentence)
    return [d for d in docs if d]


def detokenize(tokens: Sequence[str]) -> str:
    out: list[str] = []
    glue = True
    for tok in tokens:
        if out and not glue and not tok.startswith(_NO_SPACE_BEFORE + _CLITICS):
            out.append(" ")
        out.append(tok)
        glue = tok.endswith(_NO_SPACE_AFTER)
    return "".join(out)


def document_text(doc: Document) -> str:
    return "\n".join(detokenize([tok for tok, _ in sentence]) for sentence in doc)


def normalize_name(name: str) -> str:
    """Case-folded, spaces collapsed, edge punctuation, a leading "the" and a final "'s" dropped."""
    s = " ".join(name.casefold().split()).strip(" .,'\"")
    s = s.removeprefix("the ")
    return s.removesuffix("'s")


def entity_spans(sentence: Sentence) -> Iterable[tuple[str, str]]:
    """(text, type) of each IOB span: a span ends at O, at a B- tag or where the type changes."""
    words: list[str] = []
    kind = ""
    for tok, tag in [*sentence, ("", "O")]:
        prefix, _, label = tag.partition("-")
        if words and (tag == "O" or prefix == "B" or label != kind):
            yield " ".join(words), kind
            words, kind = [], ""
        if tag != "O":
            words.append(tok)
            kind = label


def gold_actors(doc: Document) -> set[Actor]:
    names = {
        (normalize_name(text), kind)
        for sentence in doc
        for text, kind in entity_spans(sentence)
        if kind in TYPES
    }
    people = [n for n, kind in names if kind == "PER"]
    # "Clinton" after "Bill Clinton" in the same story is the same person.
    return {
        (n, kind)
        for n, kind in names
        if kind != "PER" or not any(p != n and p.endswith(" " + n) for p in people)
    }


# ---------------------------------------------------------------------- actor F1


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def scores(self) -> dict[str, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4)}


@dataclass
class ActorScore:
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in (*TYPES, "ALL")})

    def add(self, gold: set[Actor], predicted: Iterable[Mapping[str, object]]) -> None:
        found: set[Actor] = set()
        for actor in predicted:
            kind = TYPE_OF.get(str(actor.get("type", "")).casefold())
            if kind is None:
                continue
            aliases = actor.get("aliases") or []
            names = {normalize_name(str(actor.get("name", "")))}
            names |= {normalize_name(str(a)) for a in aliases}  # type: ignore[attr-defined]
            hits = {g for g in gold if g[1] == kind and g[0] in names}
            self._count(kind, "tp" if hits else "fp")
            found |= hits
        for _, kind in gold - found:
            self._count(kind, "fn")

    def _count(self, kind: str, outcome: str) -> None:
        for key in (kind, "ALL"):
            t = self.tallies[key]
            setattr(t, outcome, getattr(t, outcome) + 1)

    def result(self) -> dict[str, dict[str, float]]:
        return {k: t.scores() for k, t in self.tallies.items()}


# ---------------------------------------------------------------------- key points


def rouge_of_first_three(
    references: Mapping[str, str], key_points: Mapping[str, Sequence[str]]
) -> dict[str, float]:
    """Mean ROUGE F1 (x100) over the references; a missing answer scores 0."""
    from rouge_score import rouge_scorer

    kinds = ("rouge1", "rouge2", "rougeLsum")
    scorer = rouge_scorer.RougeScorer(list(kinds), use_stemmer=True)
    totals = dict.fromkeys(kinds, 0.0)
    for doc_id, summary in references.items():
        # Highlights are joined with " . "; rougeLsum wants one sentence a line.
        reference = summary.replace(" . ", " .\n")
        candidate = "\n".join(list(key_points.get(doc_id, []))[:3])
        for kind, score in scorer.score(reference, candidate).items():
            totals[kind] += score.fmeasure
    return {k: round(100 * v / max(1, len(references)), 2) for k, v in totals.items()}


# ---------------------------------------------------------------------- extraction


def word_f1(extracted: str, gold: str) -> float:
    got, want = (
        Counter(re.findall(r"\w+", extracted.casefold())),
        Counter(re.findall(r"\w+", gold.casefold())),
    )
    common = sum((got & want).values())
    p = common / max(1, sum(got.values()))
    r = common / max(1, sum(want.values()))
    return 2 * p * r / (p + r) if p + r else 0.0


def mean_word_f1(gold: Mapping[str, str], extracted: Mapping[str, str]) -> float:
    scores = [word_f1(extracted.get(k, ""), body) for k, body in gold.items()]
    return sum(scores) / max(1, len(scores))
