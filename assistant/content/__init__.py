"""Staff-owned content read the same way everywhere: the answer catalogue, contacts, opening hours, the
texts the assistant adds itself, sources, and the rules every text must pass.

The files themselves live in the project's ``content/`` folder (and the answers and example questions in
``data/``, where Rasa reads them); this module is the one place that knows where (the contacts file in use and
the folder answers are served from are settings: ``assistant/settings.py``).
"""

from pathlib import Path

from assistant.settings import ROOT

CONTENT_DIR = ROOT / "content"
DATA_DIR = ROOT / "data"
RESPONSES_DIR = DATA_DIR / "responses"
NLU_DIR = DATA_DIR / "nlu"
DOMAIN_PATH = ROOT / "domain.yml"
CONFIG_PATH = ROOT / "config.yml"
TESTS_DIR = ROOT / "tests"
SITE_DIR = ROOT / "web" / "site"
SYSTEM_MESSAGES_PATH = CONTENT_DIR / "system_messages.yml"
SOURCES_PATH = CONTENT_DIR / "sources.yml"
OTHER_LANGUAGES_PATH = CONTENT_DIR / "other_languages.yml"
WIDGET_TEXTS_PATH = CONTENT_DIR / "widget_texts.yml"
CONTENT_RULES_PATH = CONTENT_DIR / "content_rules.yml"
NOT_NAMES_PATH = CONTENT_DIR / "not_names.yml"
URGENT_SYMPTOMS_PATH = CONTENT_DIR / "red_flags.yml"
URGENT_SYMPTOMS_OTHER_LANGUAGES_PATH = CONTENT_DIR / "red_flags_other_languages.yml"
PERSONAL_ADVICE_PATH = CONTENT_DIR / "personal_advice.yml"


def project_path(path: str) -> Path:
    """A path from ``config.yml`` (or another project setting), relative to the project's folder."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else ROOT / candidate
