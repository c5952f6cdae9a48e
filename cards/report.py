"""The review of the generated "which service?" questions that `manage.py content_report` prints.

Pure: no ORM. For every answer bullet of the notes it says whether a question was built and,
if so, which names were hidden, which wrong options were chosen and why, and every warning.
The warnings of a built question are checked again here on the records the build wrote, not
taken from the generator's word: a name of the answer left in the prompt, no mask at all, a
wrong option the statement names or the YAML says also fits, a flagged line asked as written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .catalog import Catalog, match_heading
from .content import WHICH_PROMPT, WHICH_PROMPT_EN, Build, Record, WhichEntry
from .which import visible_names


@dataclass(frozen=True)
class ReportItem:
    entry: WhichEntry
    prompt: str  # as built; "" when skipped
    warnings: tuple[str, ...]


def _records_by_key(records: Iterable[Record]) -> tuple[dict[str, Record], dict[str, list[Record]]]:
    questions: dict[str, Record] = {}
    answers: dict[str, list[Record]] = {}
    for record in records:
        fields = record["fields"]
        if record["model"] == "cards.question":
            questions[fields["key"]] = fields
        elif record["model"] == "cards.answer":
            answers.setdefault(fields["question"][0], []).append(fields)
    return questions, answers


def check_built(
    entry: WhichEntry, question: Record, answers: list[Record], catalog: Catalog
) -> list[str]:
    """What is wrong with a built "which service?" question, read from its records."""
    warnings = list(entry.warnings)
    if not entry.masks:
        warnings.append("no mask fired")
    right = [answer for answer in answers if answer["is_correct"]]
    service = match_heading(right[0]["text"], catalog).service if len(right) == 1 else None
    names = [right[0]["text"]] if right else []
    for field_name, prefix in (("prompt", WHICH_PROMPT), ("prompt_en", WHICH_PROMPT_EN)):
        statement = question[field_name].removeprefix(prefix)
        for name in visible_names(statement, answer=service, catalog=catalog, names=names):
            warnings.append(f"alias left visible in {field_name}: {name}")
    for answer in answers:
        if answer["is_correct"]:
            continue
        if answer["text"] in entry.excluded_names:
            warnings.append(f"distractor {answer['text']} also fits the statement")
        if not answer["explanation"] or not answer["explanation_en"]:
            warnings.append(f"distractor {answer['text']} has no explanation")
    flagged = [flag for flag in question["note_flags"] if flag["line"] == entry.line]
    if flagged and not entry.from_correction:
        warnings.append("asked from a flagged line as written")
    return warnings


def which_report(build: Build, catalog: Catalog) -> list[ReportItem]:
    questions, answers = _records_by_key(build.records)
    items = []
    for entry in build.which:
        question = questions.get(entry.key) if entry.built else None
        if question is None:
            items.append(ReportItem(entry, "", entry.warnings))
            continue
        warnings = check_built(entry, question, answers.get(entry.key, []), catalog)
        items.append(
            ReportItem(entry, question["prompt"].removeprefix(WHICH_PROMPT), tuple(warnings))
        )
    return items


def format_report(build: Build, items: list[ReportItem]) -> str:
    lines: list[str] = []
    for item in items:
        entry = item.entry
        where = f"{entry.path}:{entry.line}"
        if not entry.built:
            lines.append(f"{where} {entry.key} -> {entry.answer}: not built ({entry.skipped})")
        else:
            source = " (from the reviewer's corrected wording)" if entry.from_correction else ""
            lines.append(f"{where} {entry.key} -> {entry.answer}{source}")
            lines.append(f"  statement: {item.prompt}")
            lines.append(f"  masks: {', '.join(entry.masks) or '-'}")
            lines.append(f"  clues: {', '.join(entry.clues) or '-'}")
            for name, chosen_for, authored in entry.distractors:
                why = "reason from the YAML" if authored else "generic reason"
                lines.append(f"  distractor: {name} ({chosen_for}; {why})")
        for warning in item.warnings:
            lines.append(f"  WARNING: {warning}")
    built = [item for item in items if item.entry.built]
    flagged = sum(1 for item in built if item.warnings)
    lines.append(
        f"{len(built)} questions built, {len(items) - len(built)} bullets not asked, "
        f"{flagged} built questions with warnings"
    )
    lines.extend(f"build warning: {problem}" for problem in build.warnings)
    return "\n".join(lines) + "\n"
