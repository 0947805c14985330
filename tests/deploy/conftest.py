"""The deploy recipe (deploy/) started for real on this machine, without Docker, for ``make test-deploy``.

Debian's nginx with ``deploy/nginx.conf.template`` (rendered by envsubst as the nginx image does, TLS with a
throw-away self-signed certificate) in front of two Rasa replicas and the action server, each started with
its command from ``deploy/docker-compose.yml``, on a throw-away PostgreSQL and Redis
(``testkit/local_services.py``). Every service's environment is the compose file's own, on top of the image's
``ENV`` (``testkit/deploy_recipe.py``); the test only moves addresses to loopback (containers listen on
0.0.0.0 and find each other by service name). The action server listens on 127.0.0.4, so a handoff works only
if it honours its ``--interface`` and the replicas call it at the address the compose file gives them.
Everything is stopped on the way out, whatever happens.
"""

from __future__ import annotations

import contextlib
import secrets
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List

import psycopg2
import pytest
import requests

from assistant.server.processes import RASA_READY, free_port, stop, wait_for, wait_for_log
from assistant.settings import ROOT, settings
from testkit.deploy_recipe import Compose, at_loopback, dotenv, image_env, render_nginx_template, with_option
from testkit.local_services import postgres_server, redis_server

DEPLOY_TEST = settings().get("DEPLOY_TEST") == "1"
MODEL = settings().model_path
SHELL_PATH = settings().environment["PATH"]
ACTIONS_ADDRESS = "127.0.0.4"  # not 127.0.0.1: proves the action server binds where it is told
ACCESS_LOG_FORMAT = '$remote_addr "$request" $status $upstream_addr'


@dataclass
class Deployment:
    """The running recipe: nginx's address, its certificate, the compose file as read, and the logs."""

    url: str
    certificate: Path
    compose: Compose
    environment: Dict[str, Dict[str, str]]  # each service's environment as started (addresses on loopback)
    database: str  # a superuser's connection string to the PostgreSQL the replicas use
    action_server: str
    replicas: List[str]  # upstream addresses as nginx logs them
    logs: Path
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def access_log(self) -> Path:
        return self.logs / "nginx-access.log"

    def logged(self, contains: str, timeout: float = 10) -> List[str]:
        """The access log's lines that contain ``contains``, waiting for at least one (nginx logs a request once
        it is over: a websocket when it closes)."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.access_log.read_text(encoding="utf-8").splitlines() if contains in line]
            if lines or time.monotonic() > deadline:
                return lines
            time.sleep(0.1)

    def upstreams_of(self, address: str) -> List[str]:
        """The replicas nginx sent this client address to, from its access log."""
        lines = self.logged(f"{address} ")
        return [line.split()[-1] for line in lines if line.startswith(address + " ") and line.split()[-1] != "-"]


def certificate_for(name: str, folder: Path) -> Path:
    """A throw-away self-signed certificate for ``name`` and 127.0.0.1 (fullchain.pem, privkey.pem)."""
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name},IP:127.0.0.1",
            "-keyout",
            str(folder / "privkey.pem"),
            "-out",
            str(folder / "fullchain.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "fullchain.pem"


def nginx_main_config(folder: Path, site: Path, logs: Path) -> Path:
    """What the nginx image's /etc/nginx/nginx.conf does (conf.d included in http{}), in a folder of its own,
    plus an access log naming the replica each request went to."""
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir()
        shutil.chown(folder / temp, "nobody")
    config = folder / "nginx.conf"
    config.write_text(
        f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {logs}/nginx-error.log info;
events {{ worker_connections 1024; }}
http {{
    log_format deploy '{ACCESS_LOG_FORMAT}';
    access_log {logs}/nginx-access.log deploy;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
""",
        encoding="utf-8",
    )
    return config


def create_database(pg_port: int, postgres_env: Dict[str, str]) -> None:
    """What the postgres image does on first start from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB."""
    connection = psycopg2.connect(host="127.0.0.1", port=pg_port, user="postgres", dbname="postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE ROLE "{postgres_env["POSTGRES_USER"]}" LOGIN PASSWORD %s', (postgres_env["POSTGRES_PASSWORD"],)
        )
        cursor.execute(f'CREATE DATABASE "{postgres_env["POSTGRES_DB"]}" OWNER "{postgres_env["POSTGRES_USER"]}"')
    connection.close()


def container_env(home: Path, service_env: Dict[str, str]) -> Dict[str, str]:
    """A container's environment: the image's ENV and the service's, and nothing from this shell but PATH
    (where `rasa` and `python` are). No PYTHONPATH: like the image, the code is found from the working folder."""
    return {"PATH": SHELL_PATH, "HOME": str(home), "LANG": "C.UTF-8", **image_env(), **service_env}


def start(name: str, command: List[str], env: Dict[str, str], logs: Path) -> subprocess.Popen:
    log = open(logs / f"{name}.log", "ab")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


@contextlib.contextmanager
def running_recipe(logs: Path) -> Iterator[Deployment]:
    # deploy/.env as an operator fills it in from .env.example: every secret left empty there a fresh random one
    variables = {name: value or secrets.token_hex(24) for name, value in dotenv().items()}
    compose = Compose.load(variables)
    base = Path(tempfile.mkdtemp(prefix="deploy-test-"))  # nginx's workers (nobody) read nothing in it but temps
    base.chmod(0o755)
    certificate = certificate_for(variables["SERVER_NAME"], base)
    processes: Dict[str, subprocess.Popen] = {}
    try:
        redis_password = compose.service("redis").environment["REDIS_PASSWORD"]
        with postgres_server() as postgres, redis_server(redis_password) as redis:
            create_database(postgres.port, compose.service("postgres").environment)
            action_port, nginx_port = free_port(), free_port()
            ports = {"rasa-1": free_port(), "rasa-2": free_port()}
            environment: Dict[str, Dict[str, str]] = {}

            actions = compose.service("actions")
            environment["actions"] = container_env(base, actions.environment)
            command = with_option(actions.command, "--interface", "0.0.0.0", ACTIONS_ADDRESS)
            processes["actions"] = start(
                "actions", with_option(command, "--port", "5055", str(action_port)), environment["actions"], logs
            )

            for name, port in ports.items():
                replica = compose.service(name)
                environment[name] = container_env(
                    base,
                    at_loopback(
                        replica.environment,
                        {
                            "ACTION_SERVER_URL": (
                                "http://actions:5055/webhook",
                                f"http://{ACTIONS_ADDRESS}:{action_port}/webhook",
                            ),
                            "DB_HOST": ("postgres", "127.0.0.1"),
                            "DB_PORT": ("5432", str(postgres.port)),
                            "REDIS_HOST": ("redis", "127.0.0.1"),
                            "REDIS_PORT": ("6379", str(redis.port)),
                        },
                    ),
                )
                command = with_option(replica.command, "--interface", "0.0.0.0", "127.0.0.1")
                processes[name] = start(
                    name, with_option(command, "--port", "5005", str(port)), environment[name], logs
                )

            wait_for(f"http://{ACTIONS_ADDRESS}:{action_port}/health", 120, processes["actions"])
            for name, port in ports.items():
                wait_for(f"http://127.0.0.1:{port}/webhooks/rest/", 300, processes[name])
                wait_for_log(logs / f"{name}.log", RASA_READY, 1, 300, processes[name])

            environment["nginx"] = at_loopback(
                compose.service("nginx").environment,
                {
                    "NGINX_LISTEN": ("443", f"127.0.0.1:{nginx_port}"),
                    "RASA_REPLICA_1": ("rasa-1:5005", f"127.0.0.1:{ports['rasa-1']}"),
                    "RASA_REPLICA_2": ("rasa-2:5005", f"127.0.0.1:{ports['rasa-2']}"),
                    "TLS_CERTIFICATE": ("/etc/nginx/certs/fullchain.pem", str(base / "fullchain.pem")),
                    "TLS_CERTIFICATE_KEY": ("/etc/nginx/certs/privkey.pem", str(base / "privkey.pem")),
                },
            )
            site = render_nginx_template(environment["nginx"], base / "default.conf")
            main = nginx_main_config(base, site, logs)
            subprocess.run(["nginx", "-t", "-q", "-c", str(main)], check=True)
            processes["nginx"] = start("nginx", ["nginx", "-c", str(main)], {"PATH": SHELL_PATH}, logs)
            url = f"https://127.0.0.1:{nginx_port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    requests.get(url + "/", verify=str(certificate), timeout=5)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline or processes["nginx"].poll() is not None:
                        raise
                    time.sleep(0.2)
            yield Deployment(
                url,
                certificate,
                compose,
                environment,
                database=f"postgresql://postgres@127.0.0.1:{postgres.port}/{environment['rasa-1']['DB_DATABASE']}",
                action_server=f"http://{ACTIONS_ADDRESS}:{action_port}",
                replicas=[f"127.0.0.1:{port}" for port in ports.values()],
                logs=logs,
                processes=processes,
            )
    finally:
        for name in ("nginx", "rasa-1", "rasa-2", "actions"):
            stop(processes.get(name))
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def deployment() -> Iterator[Deployment]:
    if not DEPLOY_TEST:
        pytest.skip("make test-deploy (DEPLOY_TEST=1) runs the deploy recipe with nginx, PostgreSQL and Redis")
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` first")
    logs = ROOT / "results" / "deploy"  # kept after the run, for a failure's post-mortem
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    with running_recipe(logs) as running:
        yield running
