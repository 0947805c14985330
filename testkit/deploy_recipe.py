"""Read the deploy recipe (deploy/) the way Docker Compose and the nginx image do, for ``make test-deploy``.

Why: the test must run the recipe's own files, not a copy of what they say. So the environment of each
service comes from ``deploy/docker-compose.yml`` itself (YAML anchors and merge keys, then Compose's
``${VAR}`` interpolation from the ``.env`` values, ``$$`` for a literal ``$``) on top of the image's ``ENV``
lines in ``deploy/Dockerfile``, and nginx's configuration is ``deploy/nginx.conf.template`` rendered by
``envsubst`` exactly as the official image's entrypoint does. A variable the recipe uses and does not set is
an error here, never a silent default; the only changes a test makes are the addresses, which must be on
loopback here (:func:`at_loopback`, :func:`with_option`).
"""

from __future__ import annotations

import re
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Mapping, Tuple

import yaml

from assistant.content import ROOT

DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
DOCKERFILE = DEPLOY / "Dockerfile"
ENV_EXAMPLE = DEPLOY / ".env.example"
NGINX_TEMPLATE = DEPLOY / "nginx.conf.template"
HELM_VALUES = DEPLOY / "helm-values.yml"

# Compose's interpolation: $$, ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, $NAME
_INTERPOLATION = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:-|-|:\?|\?)(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
_TEMPLATE_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class RecipeError(ValueError):
    """The recipe cannot be read as Compose or the nginx image would (a missing variable, a missing service)."""


def interpolate(value: Any, variables: Mapping[str, str]) -> Any:
    """Compose's variable interpolation over every string in ``value`` (a loaded YAML document)."""
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(found: re.Match) -> str:
        if found.group("escaped"):
            return "$"
        name = found.group("name") or found.group("bare")
        op, arg = found.group("op"), found.group("arg") or ""
        given = variables.get(name)
        empty = given is None or (given == "" and op in (":-", ":?"))
        if op in (":-", "-") and empty:
            return arg
        if given is None or empty:
            raise RecipeError(f"{name} is not set ({arg or 'no default'}): add it to deploy/.env")
        return given

    return _INTERPOLATION.sub(substitute, value)


def dotenv(path: Path = ENV_EXAMPLE) -> Dict[str, str]:
    """``NAME=value`` lines of an ``.env`` file (comments and blank lines skipped)."""
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def image_env(dockerfile: Path = DOCKERFILE) -> Dict[str, str]:
    """The ``ENV NAME=value ...`` settings of the image (continuation lines joined), with paths under its
    ``WORKDIR`` (the repository's copy in the image) moved to this repository."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text(encoding="utf-8"))
    env: Dict[str, str] = {}
    workdir = ""
    for line in text.splitlines():
        instruction, _, rest = line.strip().partition(" ")
        if instruction.upper() == "WORKDIR":
            workdir = rest.strip()
        if instruction.upper() == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = str(ROOT) + value[len(workdir) :] if workdir and value.startswith(workdir + "/") else value
    return env


@dataclass
class Service:
    """One service of the compose file, interpolated: its command (a list) and its environment."""

    name: str
    command: List[str]
    environment: Dict[str, str]
    raw: Dict[str, Any]


@dataclass
class Compose:
    """The compose file as Compose reads it, with the ``.env`` values it was given."""

    document: Dict[str, Any]

    @classmethod
    def load(cls, variables: Mapping[str, str], path: Path = COMPOSE_FILE) -> "Compose":
        return cls(interpolate(yaml.safe_load(path.read_text(encoding="utf-8")), variables))

    @property
    def services(self) -> Dict[str, Dict[str, Any]]:
        return self.document["services"]

    def service(self, name: str) -> Service:
        if name not in self.services:
            raise RecipeError(f"deploy/docker-compose.yml has no service {name!r}")
        raw = self.services[name]
        command = raw.get("command", [])
        environment = raw.get("environment") or {}
        if isinstance(environment, list):  # the other form Compose allows: ["NAME=value", ...]
            environment = dict(item.partition("=")[::2] for item in environment)
        return Service(
            name,
            shlex.split(command) if isinstance(command, str) else [str(part) for part in command],
            {key: "" if value is None else str(value) for key, value in environment.items()},
            raw,
        )


def at_loopback(environment: Mapping[str, str], addresses: Mapping[str, Tuple[str, str]]) -> Dict[str, str]:
    """``environment`` with each named variable moved from its compose value to a loopback one:
    ``addresses[name] = (value in the compose file, value here)``. A variable missing, or with another value
    than the one the test was written for, is an error: the test would no longer run what the recipe says."""
    moved = dict(environment)
    for name, (in_compose, here) in addresses.items():
        if moved.get(name) != in_compose:
            raise RecipeError(f"{name} is {moved.get(name)!r} in deploy/docker-compose.yml, expected {in_compose!r}")
        moved[name] = here
    return moved


def with_option(command: List[str], option: str, in_compose: str, here: str) -> List[str]:
    """``command`` with ``option``'s value changed from ``in_compose`` to ``here``: in a plain argument list, or
    inside the script of ``sh -c "..."`` (once, exactly)."""
    if command[:2] == ["sh", "-c"]:
        script, count = re.subn(
            rf"(?<!\S){re.escape(option)} {re.escape(in_compose)}(?!\S)", f"{option} {here}", command[2]
        )
        if count != 1:
            raise RecipeError(f"expected `{option} {in_compose}` once in {command[2]!r}")
        return [*command[:2], script, *command[3:]]
    at = [i for i in range(len(command) - 1) if command[i] == option and command[i + 1] == in_compose]
    if len(at) != 1:
        raise RecipeError(f"expected `{option} {in_compose}` once in {command!r}")
    return [*command[: at[0] + 1], here, *command[at[0] + 2 :]]


def template_variables(template: Path = NGINX_TEMPLATE) -> List[str]:
    """The ``${NAME}`` the nginx image fills in (nginx's own ``$name`` variables have no braces here)."""
    return sorted(set(_TEMPLATE_VARIABLE.findall(template.read_text(encoding="utf-8"))))


def render_nginx_template(environment: Mapping[str, str], output: Path, template: Path = NGINX_TEMPLATE) -> Path:
    """Render the template as the nginx image's ``20-envsubst-on-templates.sh`` does: ``envsubst`` limited to
    the variables defined in the container's environment, so nginx's ``$variables`` are left alone. A
    ``${NAME}`` the environment does not define would stay in the output and break nginx: an error here."""
    defined = " ".join(f"${{{name}}}" for name in sorted(environment))
    rendered = subprocess.run(
        ["envsubst", defined],
        input=template.read_text(encoding="utf-8"),
        text=True,
        env=dict(environment),
        capture_output=True,
        check=True,
    ).stdout
    left = _TEMPLATE_VARIABLE.findall(rendered)
    if left:
        raise RecipeError(f"{template.name} uses {sorted(set(left))}, which the nginx service does not set")
    output.write_text(rendered, encoding="utf-8")
    return output
