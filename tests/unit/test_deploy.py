"""The deployment files ask only for what exists: each `briefbot ...` command they run is
one the CLI parses, each BRIEFBOT_/SLACK_ variable they set is a setting, and the
Kubernetes objects fit together (probes on the ports and paths the roles answer, the
Service on the serve pods, the Ingress on the Service)."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from bot.config import settings_table
from bot.entrypoints.cli import cli

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
UNIT = ROOT / "deploy" / "systemd" / "briefbot.service"
# Read by Settings.from_env itself, not a setting: which .env file to read.
NOT_SETTINGS = {"BRIEFBOT_ENV_FILE"}
VARIABLE = re.compile(r"\b((?:BRIEFBOT|SLACK)_[A-Z0-9_]+)\b")


def k8s_objects() -> list[tuple[str, dict[str, Any]]]:
    objects = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                objects.append((path.name, doc))
    return objects


def by_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for _, o in k8s_objects() if o["kind"] == kind}


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return list(obj.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []))


def unit_entries() -> Iterator[tuple[str, str, str]]:
    """(section, key, value) of the systemd unit, comments and blank lines left out."""
    section = ""
    for raw in UNIT.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not a key=value line in {UNIT.name}: {raw!r}"
        yield section, key.strip(), value.strip()


def commands() -> list[tuple[str, list[str]]]:
    """Every `briefbot ...` the files run, as (where, arguments after `briefbot`)."""
    found = []
    for name, obj in k8s_objects():
        for c in containers(obj):
            argv = [*c.get("command", []), *c.get("args", [])]
            if argv:
                found.append((f"{name}:{c['name']}", argv))
    for _, key, value in unit_entries():
        if key.startswith("Exec"):
            found.append((f"{UNIT.name}:{key}", shlex.split(value.lstrip("-@+!"))))
    return [(where, argv[1:]) for where, argv in found if Path(argv[0]).name == "briefbot"]


def parse(args: list[str]) -> Any:
    """The CLI's own parser over ``args``: an unknown command or option fails here. (Typer
    carries its own copy of click, so its groups are known by their ``commands``.)"""
    command: Any = typer.main.get_command(cli)
    name, rest = "briefbot", list(args)
    ctx = None
    while hasattr(command, "commands"):
        assert rest and not rest[0].startswith("-"), f"{name} needs a command: {args}"
        ctx = command.context_class(command, info_name=name, parent=ctx)  # groups take no options
        sub = command.get_command(ctx, rest[0])
        assert sub is not None, f"no command {rest[0]!r} in {name}"
        command, name, rest = sub, rest[0], rest[1:]
    command.make_context(name, rest, parent=ctx)
    return command


def test_the_files_run_every_role_and_the_migration():
    ran = {" ".join(args) for _, args in commands()}
    assert "db upgrade" in ran
    assert {"worker", "scheduler", "run"} <= ran
    assert any(r.startswith("serve ") and "--no-workers" in r for r in ran)


@pytest.mark.parametrize(("where", "args"), commands(), ids=[w for w, _ in commands()])
def test_every_command_is_one_the_cli_parses(where: str, args: list[str]):
    parse(args)


def test_the_parser_check_can_fail():
    with pytest.raises(Exception, match="No such option"):
        parse(["serve", "--no-such-option"])
    with pytest.raises(AssertionError, match="no command"):
        parse(["no-such-command"])
    with pytest.raises(Exception, match="Got unexpected extra argument"):
        parse(["worker", "now"])
    assert parse(["db", "upgrade"]).name == "upgrade"


def variables_named() -> dict[str, set[str]]:
    """BRIEFBOT_/SLACK_ variable -> the files that set or name it (comments included: a
    commented example must be right too)."""
    named: dict[str, set[str]] = {}
    paths = [
        *K8S.glob("*.yaml"),
        UNIT,
        ROOT / "deploy" / "compose.yaml",
        ROOT / "deploy" / "env.example",
    ]
    for path in paths:
        for variable in VARIABLE.findall(path.read_text(encoding="utf-8")):
            named.setdefault(variable, set()).add(path.name)
    return named


def test_every_variable_named_is_a_setting():
    settings = {env for env, _, _ in settings_table()}
    unknown = {
        v: sorted(files)
        for v, files in variables_named().items()
        if v not in settings | NOT_SETTINGS
    }
    assert unknown == {}


def test_what_the_pods_are_given_is_parsed_as_yaml_too():
    settings = {env for env, _, _ in settings_table()}
    given = set(by_kind("ConfigMap")["briefbot-config"]["data"])
    given |= set(by_kind("Secret")["briefbot-secrets"]["stringData"])
    for _, obj in k8s_objects():
        for c in containers(obj):
            given |= {e["name"] for e in c.get("env", [])}
    assert given and given <= settings
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "BRIEFBOT_DATABASE_URL"} <= given


def _port(container: dict[str, Any], name_or_number: str | int) -> int:
    if isinstance(name_or_number, int):
        return name_or_number
    [port] = [p["containerPort"] for p in container["ports"] if p["name"] == name_or_number]
    return int(port)


def test_probes_ask_what_each_role_answers():
    deployments = by_kind("Deployment")
    assert set(deployments) == {"briefbot-serve", "briefbot-worker", "briefbot-scheduler"}
    [serve] = containers(deployments["briefbot-serve"])
    assert serve["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert serve["livenessProbe"]["httpGet"]["path"] == "/healthz"
    port = serve["command"][serve["command"].index("--port") + 1]
    assert _port(serve, serve["readinessProbe"]["httpGet"]["port"]) == int(port)
    for name in ("briefbot-worker", "briefbot-scheduler"):
        [c] = containers(deployments[name])
        env = {e["name"]: e["value"] for e in c["env"]}
        for probe in ("livenessProbe", "readinessProbe"):
            assert _port(c, c[probe]["httpGet"]["port"]) == int(env["BRIEFBOT_METRICS_PORT"])


def test_the_service_and_the_ingress_reach_the_serve_pods():
    serve = by_kind("Deployment")["briefbot-serve"]
    service = by_kind("Service")["briefbot"]
    labels = serve["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    [port] = service["spec"]["ports"]
    [c] = containers(serve)
    assert _port(c, port["targetPort"]) == 3000
    [rule] = by_kind("Ingress")["briefbot"]["spec"]["rules"]
    paths = rule["http"]["paths"]
    assert [p["path"] for p in paths] == [
        "/slack/events",
        "/slack/install",
        "/slack/oauth_redirect",
    ]
    for path in paths:
        assert path["pathType"] == "Exact"
        assert path["backend"]["service"] == {"name": "briefbot", "port": {"name": port["name"]}}


def test_kustomize_lists_every_file():
    [kustomization] = [o for n, o in k8s_objects() if n == "kustomization.yaml"]
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_the_unit_runs_briefbot_run_and_restarts_it():
    entries = {(s, k): v for s, k, v in unit_entries()}
    assert entries[("Service", "ExecStart")].endswith("/briefbot run")
    assert entries[("Service", "Restart")] == "on-failure"
    assert entries[("Service", "KillMode")] == "mixed"  # SIGTERM to run alone; it tells its child
    assert entries[("Install", "WantedBy")] == "multi-user.target"
