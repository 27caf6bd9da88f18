"""``briefbot doctor``: is this set-up ready to run? One line per check, exit 1 on a problem.

It reads every setting (each bad one its own line), asks the database whether it answers
and where its schema stands, loads each spaCy pipeline, asks Slack about each token and
its scopes, and looks over the fetch allowlist. It changes nothing: no file is created, no
schema migrated, nothing posted.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bot.entrypoints.doctor_report import Finding, Outcome, ok, problem, skipped
from bot.errors import BriefbotError, ConfigError

if TYPE_CHECKING:
    from bot.config import Settings

_VARIABLE = re.compile(r"^([A-Z][A-Z0-9_]*)")
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,62}[a-z0-9_])?)*$"
)
# A cloud's instance metadata service: what a fetcher must never be let reach.
METADATA = ipaddress.ip_address("169.254.169.254")


def read_settings(env: Mapping[str, str] | None) -> tuple[Settings | None, list[str]]:
    """Every setting that cannot be read, one line each (``Settings.from_env`` stops at the
    first), and the settings with those at their defaults, so the other checks still run
    (None when even that fails)."""
    from bot.config import Settings

    fields = {str(info.alias): name for name, info in Settings.model_fields.items()}
    defaults: dict[str, Any] = {}
    problems: list[str] = []
    while True:
        try:
            return Settings.from_env(env, **defaults), problems
        except ConfigError as exc:
            problems.append(str(exc))
            match = _VARIABLE.match(str(exc))
            field = fields.get(match.group(1)) if match else None
            if field is None or field in defaults:
                return None, problems
            defaults[field] = Settings.model_fields[field].get_default(call_default_factory=True)


def settings_findings(problems: list[str], settings: Settings | None) -> list[Finding]:
    if problems:
        return [
            problem("settings", f"{line}: fix it in the environment or .env") for line in problems
        ]
    return [ok("settings", "every setting reads")]


def database_findings(settings: Settings) -> list[Finding]:
    from storage.health import schema_state

    try:
        state = schema_state(settings.database_url)
    except BriefbotError as exc:
        return [problem("database", str(exc)), skipped("migrations", "no database to look at")]
    found = [ok("database", f"{state.where} answers")]
    if state.current == state.head:
        found.append(ok("migrations", f"the schema is at {state.head}, the newest"))
    elif state.current is None:
        found.append(
            problem(
                "migrations", "the database has no Briefbot schema yet: run `briefbot db upgrade`"
            )
        )
    elif state.behind:
        found.append(
            problem(
                "migrations",
                f"the schema is at {state.current} and this Briefbot needs {state.head}: back the "
                "database up, then run `briefbot db upgrade` (one process, before the others start)",
            )
        )
    else:
        found.append(
            problem(
                "migrations",
                f"the schema is at {state.current}, which this Briefbot does not know (a newer "
                f"release migrated it; this one stops at {state.head}): run the newer release, "
                "or restore a backup made before that upgrade",
            )
        )
    return found


def model_names(settings: Settings) -> list[tuple[str, str | None]]:
    """(pipeline, language it must be or None) for each pipeline the settings name."""
    names: list[tuple[str, str | None]] = [(settings.spacy_model, None)]
    others = getattr(settings, "spacy_models", None) or {}  # languages besides English
    if isinstance(others, Mapping):
        names += [(str(model), str(language)) for language, model in others.items()]
    return names


def spacy_findings(settings: Settings) -> list[Finding]:
    import spacy

    found = []
    for name, language in model_names(settings):
        variable = "BRIEFBOT_SPACY_MODEL" if language is None else "BRIEFBOT_SPACY_MODELS"
        try:
            nlp = spacy.load(name)
        except Exception as exc:  # OSError when missing; others for a broken or foreign one
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            found.append(
                problem(
                    "spacy",
                    f"{name} ({variable}) does not load ({exc.__class__.__name__}: {first[:160]}): "
                    f"install its package (e.g. {name.replace('_', '-')}) or name another",
                )
            )
            continue
        version = nlp.meta.get("version", "?")
        if language is not None and nlp.lang != language:
            found.append(
                problem(
                    "spacy",
                    f"{name} ({variable}) is a {nlp.lang!r} pipeline, named for {language!r}: "
                    "name a pipeline of that language",
                )
            )
        else:
            found.append(ok("spacy", f"{name} {version} loads ({nlp.lang})"))
    return found


def allowlist_findings(settings: Settings) -> list[Finding]:
    entries = settings.fetch_allowlist
    if not entries:
        return [ok("fetch allowlist", "empty: only public addresses may be fetched")]
    found = [_allowlist_problem(entry) for entry in entries]
    problems = [f for f in found if f is not None]
    return problems or [
        ok("fetch allowlist", f"{len(entries)} entries, each a host name or a network")
    ]


def _allowlist_problem(entry: str) -> Finding | None:
    name = "fetch allowlist"
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        if _HOST.match(entry.lower().rstrip(".")):
            return None
        return problem(
            name,
            f"{entry!r} is neither a host name nor an address or network: write a bare host "
            "(news.intranet.example, no scheme, port or path) or a CIDR (10.20.0.0/16)",
        )
    if network.prefixlen == 0:
        return problem(
            name,
            f"{entry} lets links reach every private address, your own servers included: "
            "name the hosts or networks of your intranet news instead",
        )
    if network.version == 4 and METADATA in network:
        return problem(
            name,
            f"{entry} covers {METADATA}, the cloud metadata service (credentials): narrow it",
        )
    if network.is_global:
        return problem(
            name,
            f"{entry} is public and public addresses are fetched anyway: the entry does nothing; "
            "remove it",
        )
    return None


def diagnose(
    env: Mapping[str, str] | None = None, *, manifest: Path | None = None
) -> list[Finding]:
    """Every check's findings, in the order they are printed."""
    from bot.entrypoints.doctor_slack import (
        app_token_findings,
        auth_findings,
        manifest_scopes,
        token_findings,
    )

    settings, problems = read_settings(env)
    found = settings_findings(problems, settings)
    if settings is None:
        return [*found, skipped("everything else", "the settings could not be read")]
    wanted = manifest_scopes(manifest)
    where = str(manifest) if manifest else "deploy/slack-manifest.yaml"
    checks: list[Callable[[Settings], list[Finding]]] = [
        token_findings,
        lambda s: auth_findings(s, wanted, where),
        app_token_findings,
        database_findings,
        spacy_findings,
        allowlist_findings,
    ]
    for check in checks:
        found += check(settings)
    return found


def doctor(
    manifest: Annotated[
        Path | None,
        typer.Option(help="compare the token's scopes with this app manifest instead"),
    ] = None,
) -> None:
    """Check the settings, database, spaCy pipelines, Slack tokens and scopes; exit 1 on a problem."""
    from bot.logs import quiet_libraries

    quiet_libraries()
    if manifest is not None and not manifest.is_file():
        raise BriefbotError(f"cannot read {manifest}: no such file")
    found = diagnose(manifest=manifest)
    for finding in found:
        typer.echo(finding.line())
    problems = sum(f.outcome == Outcome.PROBLEM for f in found)
    if problems:
        typer.echo(f"{problems} problem(s) found", err=True)
        raise typer.Exit(1)
