"""The lines `briefbot doctor` prints: one per check, ok, a problem and what to do, or
skipped and why."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    OK = "ok"
    PROBLEM = "problem"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Finding:
    check: str  # "database", "slack scopes", ...
    outcome: Outcome
    text: str  # what was found; for a problem, what to do about it too

    def line(self) -> str:
        return f"{self.outcome.value:<8} {self.check}: {self.text}"


def ok(check: str, text: str) -> Finding:
    return Finding(check, Outcome.OK, text)


def problem(check: str, text: str) -> Finding:
    return Finding(check, Outcome.PROBLEM, text)


def skipped(check: str, text: str) -> Finding:
    return Finding(check, Outcome.SKIPPED, text)
