"""The deploy recipe's files agree with each other and with what ``make test-deploy`` runs, and the layers that
cannot run here (no Docker engine, no Kubernetes) are read by their own tools: Docker Compose's ``config`` and
Helm's engine rendering deploy/helm-values.yml with Rasa's chart.

The file checks run in every ``make pytest``; the two tool checks need the tools ``make test-deploy`` unpacks
(``DEPLOY_TOOLS``, tests/deploy/tools.txt) and are skipped without them.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from assistant.content import ROOT
from assistant.settings import settings
from testkit.deploy_recipe import (
    COMPOSE_FILE,
    DEPLOY,
    HELM_VALUES,
    Compose,
    RecipeError,
    dotenv,
    image_env,
    template_variables,
)

pytestmark = pytest.mark.deploy

TOOLS = Path(settings().get("DEPLOY_TOOLS")) if settings().get("DEPLOY_TOOLS") else None
CHARTS = Path(__file__).parent / "helm-charts"
REPLICAS = ("rasa-1", "rasa-2")
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")


@pytest.fixture(scope="module")
def env_file() -> Dict[str, str]:
    """deploy/.env as an operator fills it in from .env.example (placeholders for the secrets)."""
    return {name: value or f"placeholder-{name.lower()}" for name, value in dotenv().items()}


@pytest.fixture(scope="module")
def compose(env_file) -> Compose:
    return Compose.load(env_file)


def needs_tools() -> Path:
    if TOOLS is None:
        pytest.skip("make test-deploy unpacks Docker Compose and Helm's engine (DEPLOY_TOOLS)")
    return TOOLS


# --- the compose file, the image, the nginx template ---------------------------------------------------------


def test_every_variable_the_compose_file_needs_is_listed_in_env_example():
    used = set(_REFERENCE.findall(COMPOSE_FILE.read_text(encoding="utf-8")))
    assert used == set(dotenv()), "deploy/.env.example must list exactly the variables the compose file reads"


def test_a_missing_secret_stops_compose_with_its_name(env_file):
    with pytest.raises(RecipeError, match="DB_PASSWORD"):
        Compose.load({**env_file, "DB_PASSWORD": ""})


def test_the_replicas_set_every_variable_the_endpoints_file_reads(compose):
    needed = set(_REFERENCE.findall((ROOT / "endpoints.scale.yml").read_text(encoding="utf-8")))
    for name in REPLICAS:
        assert needed <= set(compose.service(name).environment), name


def test_the_replicas_are_configured_alike_for_the_proxy_and_the_site(compose):
    one, two = (compose.service(name) for name in REPLICAS)
    assert one.environment == two.environment and one.command == two.command
    assert one.environment["PROXIES_COUNT"] == "1"  # nginx, the one proxy in front
    assert one.environment["CORS_ORIGINS"].split() and "*" not in one.environment["CORS_ORIGINS"]
    assert "RATE_LIMIT_PER_IP" not in one.environment  # the app's default: on


def test_the_replicas_reach_the_action_server_where_it_listens(compose):
    actions = compose.service("actions").command
    url = compose.service("rasa-1").environment["ACTION_SERVER_URL"]
    port = actions[actions.index("--port") + 1]
    assert url == f"http://actions:{port}/webhook"
    assert actions[actions.index("--interface") + 1] == "0.0.0.0"  # its container's network, not loopback
    assert (
        compose.service("actions").environment["ACTION_SERVER_TOKEN"]
        == compose.service("rasa-1").environment["ACTION_SERVER_TOKEN"]
    )


def test_every_service_and_volume_named_is_defined(compose):
    for name, service in compose.services.items():
        assert set(service.get("depends_on", [])) <= set(compose.services), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists() or source == "./certs", volume  # certs: the operator's
            else:
                assert source in (compose.document.get("volumes") or {}), volume
    assert [name for name, s in compose.services.items() if s.get("ports")] == ["nginx"]


def test_the_nginx_service_sets_exactly_the_variables_of_its_template(compose):
    assert set(template_variables()) == set(compose.service("nginx").environment)


def dockerignored(path: str) -> bool:
    """Whether deploy/Dockerfile.dockerignore keeps ``path`` out of the image (the last matching line wins)."""
    ignored = False
    for line in (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated, pattern = line.startswith("!"), line.lstrip("!")
        if fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/"):
            ignored = not negated
    return ignored


def test_the_image_carries_what_the_commands_name(compose):
    command = " ".join(compose.service("rasa-1").command)
    named = re.findall(r"--(?:model|endpoints|credentials) (\S+)", command)
    assert len(named) == 3
    for path in [*named, "assistant/server/action_server.py", "actions/handoff.py", "content/contacts.yml"]:
        assert not dockerignored(path), path
    for path in ["deploy/.env", ".venv/bin/python", "var/tracker.db", "models/old.tar.gz"]:
        assert dockerignored(path), path


def test_the_image_switches_off_telemetry_and_model_downloads():
    env = image_env()
    assert env["RASA_TELEMETRY_ENABLED"] == "false" and env["HF_HUB_OFFLINE"] == "1"


# --- the Helm values, read as the chart uses them ------------------------------------------------------------


@pytest.fixture(scope="module")
def helm_values() -> Dict[str, Any]:
    return yaml.safe_load(HELM_VALUES.read_text(encoding="utf-8"))


def test_the_chart_runs_the_replicas_and_the_action_server_as_compose_does(helm_values, compose):
    replica, actions = compose.service("rasa-1"), compose.service("actions")
    assert helm_values["command"] + helm_values["args"] == replica.command
    assert helm_values["rasa-action-server"]["command"] == actions.command


def test_the_chart_gives_the_replicas_every_variable_compose_does(helm_values, compose):
    given = {entry["name"] for entry in helm_values["extraEnv"]} | {"ACTION_SERVER_URL"}  # the URL: the chart's
    assert set(compose.service("rasa-1").environment) <= given
    plain = {entry["name"]: entry.get("value") for entry in helm_values["extraEnv"]}
    for name in ("CORS_ORIGINS", "PROXIES_COUNT"):
        assert plain[name] == compose.service("rasa-1").environment[name], name
    secrets = {entry["name"] for entry in helm_values["extraEnv"] if "valueFrom" in entry}
    assert {"ACTION_SERVER_TOKEN", "DB_PASSWORD", "REDIS_PASSWORD"} <= secrets


# --- the tools that read the Docker and Kubernetes layers ----------------------------------------------------


def test_docker_compose_reads_the_file_without_an_engine(tmp_path, env_file, compose):
    compose_binary = needs_tools() / "bin" / "docker-compose"
    env = tmp_path / ".env"
    env.write_text("".join(f"{name}={value}\n" for name, value in env_file.items()), encoding="utf-8")

    def config(env_path: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(compose_binary), "--env-file", str(env_path), "-f", str(COMPOSE_FILE), "config", "--format", "json"],
            capture_output=True,
            text=True,
            env={"PATH": settings().environment["PATH"], "HOME": str(tmp_path)},
        )  # the shell's would win

    read = config(env)
    assert read.returncode == 0, read.stderr
    services = json.loads(read.stdout)["services"]
    assert set(services) == {"rasa-1", "rasa-2", "actions", "postgres", "redis", "nginx"}
    for name in services:  # Compose reads what make test-deploy runs (its output escapes $ again as $$)
        ours = compose.service(name)
        assert (services[name].get("command") or []) == [part.replace("$", "$$") for part in ours.command], name
        assert (services[name].get("environment") or {}) == {
            k: v.replace("$", "$$") for k, v in ours.environment.items()
        }
    assert services["rasa-1"]["build"]["dockerfile"] == "deploy/Dockerfile"

    without_secret = tmp_path / "incomplete.env"
    without_secret.write_text(env.read_text().replace("DB_PASSWORD=", "IGNORED="), encoding="utf-8")
    refused = config(without_secret)
    assert refused.returncode != 0 and "DB_PASSWORD" in refused.stderr

    if shutil.which("docker"):  # the docker CLI takes the same binary as its `compose` plug-in, engine or not
        plugins = tmp_path / "docker-config" / "cli-plugins"
        plugins.mkdir(parents=True)
        (plugins / "docker-compose").symlink_to(compose_binary)
        plugin = subprocess.run(
            ["docker", "compose", "--env-file", str(env), "-f", str(COMPOSE_FILE), "config", "--quiet"],
            capture_output=True,
            text=True,
            env={"PATH": settings().environment["PATH"], "HOME": str(tmp_path), "DOCKER_CONFIG": str(plugins.parent)},
        )
        assert plugin.returncode == 0, plugin.stderr


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, helm_values) -> Dict[str, List[Dict[str, Any]]]:
    """deploy/helm-values.yml rendered by Helm's engine with Rasa's chart (and its sub-charts), by kind."""
    sys.path.insert(0, str(needs_tools() / "python"))
    import helm_python

    chart = tmp_path_factory.mktemp("chart") / "rasa"
    shutil.copytree(CHARTS / "rasa", chart)
    shutil.copytree(CHARTS / "rasa-common", chart / "charts" / "rasa-common")
    shutil.copytree(CHARTS / "rasa-action-server", chart / "charts" / "rasa-action-server")
    shutil.copytree(CHARTS / "rasa-common", chart / "charts" / "rasa-action-server" / "charts" / "rasa-common")
    lint = helm_python.lint(str(chart), helm_values, namespace="default", with_subcharts=True)
    # Helm's own lint: nothing at error level (3); the one warning is the bitnami sub-charts not copied here
    assert lint["errors"] == [] and all(m["severity"] < 3 for m in lint["messages"]), lint
    loaded = helm_python.Chart.load(str(chart))
    loaded.validate_schema(helm_values)
    manifests = loaded.render(helm_values, name="cart-assistant", namespace="default", is_install=True)
    by_kind: Dict[str, List[Dict[str, Any]]] = {}
    for path, text in manifests.items():
        if path.endswith("NOTES.txt"):
            continue
        for document in yaml.safe_load_all(text):
            if document:
                by_kind.setdefault(document["kind"], []).append(document)
    return by_kind


def named(rendered, kind: str, name: str) -> Dict[str, Any]:
    found = [d for d in rendered.get(kind, []) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind} {name} not rendered: {[d['metadata']['name'] for d in rendered.get(kind, [])]}"
    return found[0]


def container(deployment: Dict[str, Any]) -> Dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, [c["name"] for c in containers]  # no nginx sidecar
    return containers[0]


def test_helm_renders_the_replicas_as_compose_runs_them(rendered, compose, helm_values):
    rasa = container(named(rendered, "Deployment", "cart-assistant"))
    assert rasa["image"] == "registry.example.nhs.uk/cart-assistant:1.0.0"
    assert rasa["command"] + rasa["args"] == compose.service("rasa-1").command  # no --enable-api, no token
    env = {entry["name"]: entry for entry in rasa["env"]}
    assert set(compose.service("rasa-1").environment) <= set(env)
    assert env["ACTION_SERVER_TOKEN"]["valueFrom"]["secretKeyRef"] == {
        "name": "cart-assistant",
        "key": "action-server-token",
    }
    assert env["RASA_TELEMETRY_ENABLED"]["value"] == "false"
    assert len(rasa["env"]) == len(env), "a variable set twice"


def test_helm_points_the_replicas_at_the_action_server_it_deploys(rendered, compose):
    rasa = container(named(rendered, "Deployment", "cart-assistant"))
    url = next(e["value"] for e in rasa["env"] if e["name"] == "ACTION_SERVER_URL")
    service = named(rendered, "Service", "cart-assistant-rasa-action-server")
    port = service["spec"]["ports"][0]
    assert url == f"http://cart-assistant-rasa-action-server.default.svc:{port['port']}/webhook"
    actions = container(named(rendered, "Deployment", "cart-assistant-rasa-action-server"))
    assert actions["command"] == compose.service("actions").command
    assert [p["containerPort"] for p in actions["ports"] if p["name"] == port["targetPort"]] == [5055]
    token = next(e for e in actions["env"] if e["name"] == "ACTION_SERVER_TOKEN")
    assert token["valueFrom"]["secretKeyRef"]["key"] == "action-server-token"


def test_the_ingress_routes_only_the_chat_endpoints_to_the_charts_service(rendered):
    ingress = yaml.safe_load((DEPLOY / "k8s-ingress.yml").read_text(encoding="utf-8"))
    assert ingress["kind"] == "Ingress" and "Ingress" not in rendered  # the chart's own is off
    paths = {
        (p["path"], p["pathType"]): p["backend"] for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]
    }
    assert set(paths) == {
        ("/socket.io/", "Prefix"),
        ("/webhooks/rest/webhook", "Exact"),
        ("/webhooks/rest/erase", "Exact"),
    }
    service = named(rendered, "Service", "cart-assistant")
    for backend in paths.values():
        assert backend["service"]["name"] == service["metadata"]["name"]
        assert backend["service"]["port"]["name"] in [p["name"] for p in service["spec"]["ports"]]
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/upstream-hash-by"] == "$remote_addr"
    assert annotations["nginx.ingress.kubernetes.io/limit-rps"] == "5"
