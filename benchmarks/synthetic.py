"""Deterministic synthetic records for the benchmark: valid, like the sample records.

Mix: 10 % articles (~800-word bodies with FAQs), 10 % research cards, 80 %
activities. Records cite each other the way the sample content does:
`related` between records, an activity's `supports` (cards whose study
tested an approach) and `background` (cards that asked something else).
Same seed, same files.

Like data/ (sizes in words: activities ~300, cards ~400, articles ~800-1,200),
and so that a build logs no editor warnings, as a cared-for site would not:
every card says what its study asked (`study.question`; an `effect` card has
`tested` and `certainty`), outcomes and limitations, and every card is cited
by some activity; steps and parents' text are short sentences of everyday
words (a reading age of 9 to 11); review dates fall due in 2029. Until
November 2026 cards had no question and steps were single 14-26-word
sentences, so a 10,000-record build logged ~9,000 warnings a real site would
not pay for. Since then the checks have grown (a claim that cites no source,
a study whose children's ages miss the activity's): the records raise about
1.5 warnings each again (15,038 at 10,000 records in December 2026). They
are left as they are, so that the figures stay comparable with the earlier
sessions'; the warnings cost about a third of the check (1.35 of 4.4 CPU s).
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import yaml

WORDS = ("child hand finger grip pencil crayon scissors button zip spoon fork play dough sand water "
         "ball balance hop jump catch throw walk line tape paper plate peg bead string cup bowl "
         "table floor chair school home clinic therapist parent teacher practice strength control "
         "movement muscle shoulder wrist thumb pinch squeeze roll press cut tear fold stack build "
         "sort match trace draw colour copy shape circle square letter name slowly gently again "
         "each day week minute small big soft firm steady careful fun game turn together").split()
DESIGNS = ["meta-analysis", "systematic-review", "narrative-review", "rct", "cohort", "case-control",
           "cross-sectional", "case-series", "qualitative", "expert-opinion"]
QUESTIONS = ["effect"] * 6 + ["prevalence", "risk", "assessment", "experience"]  # most cards test an approach
CERTAINTY = ["high", "moderate", "low", "very-low"]


def _sentence(rng: random.Random, low=8, high=18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _plain(rng: random.Random, sentences=2) -> str:
    """Short sentences (5-10 words): text for parents, like an activity's step."""
    return " ".join(_sentence(rng, 5, 10) for _ in range(sentences))


def _paragraph(rng, sentences=5, low=8, high=18) -> str:
    return " ".join(_sentence(rng, low, high) for _ in range(sentences))


def _title(rng, seen: set | None = None) -> str:
    """A title of 3-6 words; with `seen`, one that no other record has (titles must differ)."""
    while True:
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6))).capitalize()
        if seen is None or title.casefold() not in seen:
            if seen is not None:
                seen.add(title.casefold())
            return title


def _common(rng, topics, kind_refs, seen: set) -> dict:
    record = {
        "title": _title(rng, seen),
        "summary": _sentence(rng, 14, 30)[:290],
        "topics": rng.sample(topics, 2),
        "audiences": rng.sample(["parents", "therapists", "educators"], 2),
        "reviewed": f"2026-{rng.randint(1, 10):02d}-{rng.randint(1, 28):02d}",
        "review_due": f"2029-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
    }
    if kind_refs:
        record["related"] = sorted(set(rng.sample(kind_refs, min(2, len(kind_refs)))))
    return record


def _card(rng, i: int, question: str) -> dict:
    study = {"design": rng.choice(DESIGNS), "question": question, "population": _sentence(rng),
             "size": f"{rng.randint(10, 900)} children",
             "ages": {"min": f"{rng.randint(1, 4)} years", "max": f"{rng.randint(5, 12)} years"}}
    if question == "effect":
        study |= {"tested": _sentence(rng, 6, 12), "compared_with": _sentence(rng, 3, 6)}
    study["outcomes"] = [_sentence(rng, 4, 9) for _ in range(rng.randint(1, 3))]
    card = {
        "citation": {"authors": ["Smith, J.", "Okafor, N.", "Bos, A.F."], "year": str(rng.randint(1995, 2025)),
                     "title": _title(rng), "journal": "Journal of Paediatric Therapy", "volume": "12",
                     "pages": "1-10", "doi": f"10.5555/otkb.{i:05d}"},
        "study": study,
    }
    if question == "effect":
        card["certainty"] = rng.choice(CERTAINTY)
    return card | {
        "limitations": [_sentence(rng) for _ in range(rng.randint(1, 2))],
        "findings": [_sentence(rng), {"text": _sentence(rng), "details": [_sentence(rng), _sentence(rng)]},
                     _sentence(rng)],
        "relevance": _paragraph(rng, 3) + "\n\n" + _paragraph(rng, 3),
        "takeaways": {"therapists": [_sentence(rng) for _ in range(3)],
                      "parents": [_plain(rng, rng.randint(1, 2)) for _ in range(3)]},
    }


def generate(n: int, data_dir: Path, topics_file: Path, seed: int = 2026) -> dict[str, int]:
    """Write n records (and topics.yml) into data_dir; returns the count per kind."""
    rng = random.Random(seed)
    shutil.rmtree(data_dir, ignore_errors=True)
    for kind in ("articles", "research", "activities"):
        (data_dir / kind).mkdir(parents=True)
    shutil.copy(topics_file, data_dir / "topics.yml")
    topics = sorted(yaml.safe_load(topics_file.read_text()))
    counts = {"articles": max(1, n // 10), "research": max(1, n // 10)}
    counts["activities"] = n - counts["articles"] - counts["research"]
    research = [f"research/card-{i:05d}" for i in range(counts["research"])]
    asked = {ref: QUESTIONS[i % len(QUESTIONS)] for i, ref in enumerate(research)}
    tested = [ref for ref in research if asked[ref] == "effect"]
    other = [ref for ref in research if asked[ref] != "effect"]
    seen: set[str] = set()
    activities = [f"activities/activity-{i:05d}" for i in range(counts["activities"])]
    for i, ref in enumerate(research):
        card = _common(rng, topics, research[:i], seen) | _card(rng, i, asked[ref])
        _write(data_dir / f"{ref}.yml", card)
    for i in range(counts["activities"]):
        activity = _common(rng, topics, activities[max(0, i - 50):i], seen)
        low = rng.randint(1, 8)
        activity |= {
            "skills": rng.sample(topics, 2),
            "ages": {"min": f"{low} years", "max": f"{low + rng.randint(1, 6)} years"},
            "setting": rng.sample(["home", "school", "clinic", "outdoors"], 2),
            "duration": f"{rng.choice([5, 10, 15, 20])} minutes",
            "materials": [_title(rng) for _ in range(rng.randint(3, 6))],
            "steps": [_plain(rng, rng.randint(1, 2)) for _ in range(rng.randint(5, 8))],
            "easier": [_sentence(rng, 6, 12) for _ in range(3)],
            "harder": [_sentence(rng, 6, 12) for _ in range(3)],
            "safety": [_plain(rng, 1) for _ in range(rng.randint(1, 2))],
        }
        # Every card is cited (the i-th activity cites the i-th of each): no orphan cards.
        if tested:
            activity["supports"] = sorted({tested[i % len(tested)], rng.choice(tested)})
        if other and (i < len(other) or rng.random() < 0.3):
            activity["background"] = [other[i % len(other)]]
        _write(data_dir / f"{activities[i]}.yml", activity)
    for i in range(counts["articles"]):
        article = _common(rng, topics, activities[:200], seen)
        sections = [f"## {_title(rng)}\n\n{_paragraph(rng, 8, 6, 14)}\n\n{_paragraph(rng, 7, 6, 14)}"
                    for _ in range(rng.randint(4, 5))]
        article |= {"published": "2026-05-20", "body": "\n\n".join(sections),
                    "faq": [{"question": _sentence(rng, 5, 9)[:-1] + "?", "answer": _paragraph(rng, 2, 6, 14)}
                            for _ in range(3)]}
        _write(data_dir / f"articles/article-{i:05d}.yml", article)
    return counts


def _write(path: Path, record: dict) -> None:
    path.write_text(yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8")
