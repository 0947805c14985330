"""The staff console: a small web app where staff edit, check, try, sign off and publish the patient-facing texts.

Why a room of its own: nurses and patient-information leads keep the answers right, and NHS laptops have no git,
make or Python. The console edits the same YAML files the digital team reviews in git (the repository stays the
source of truth), records every save, sign-off, publish and restore in a hash-chained history, enforces four-eyes
sign-off (:mod:`assistant.content.versions`), and publishes through :mod:`assistant.content.publications`. It
imports content, staff, privacy and settings; nothing on the patient path imports it.

Pages are rendered on the server (Jinja2, NHS.UK frontend styles) and work without JavaScript. Every word staff
read is in ``templates/`` (pages) and ``templates/messages.yml`` (notices), not in the Python code.
"""

from pathlib import Path

from assistant.settings import ROOT

TEMPLATES_DIR = Path(__file__).parent / "templates"
MESSAGES_PATH = TEMPLATES_DIR / "messages.yml"
# The NHS.UK frontend's built styles and icons (npm, like the widget): the project's own build when there is one.
NODE_MODULES = ROOT / "web" / "node_modules"
STYLESHEETS = (
    ROOT / "web" / "dist" / "site.css",
    NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk" / "nhsuk-frontend.min.css",
)
ASSETS_DIR = NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk" / "assets"

EDITOR, REVIEWER, ADMIN = "editor", "clinical reviewer", "admin"
ROLES = (EDITOR, REVIEWER, ADMIN)
