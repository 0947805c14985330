"""Staff-owned content read the same way everywhere: the answer catalogue, contacts, opening hours, the
texts the assistant adds itself, sources, and the rules every text must pass.

The files themselves live in the project's ``content/`` folder (and the answers and example questions in
``data/``, where Rasa reads them); this module is the one place that knows where (the contacts file in use and
the folder answers are served from are settings: ``assistant/settings.py``). The running servers read the
files that publications carry from :func:`served` (the latest publication when ``served_content_dir`` is set).
"""

from pathlib import Path
from typing import Optional

from assistant.settings import ROOT, settings

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
CONTACTS_PATH = CONTENT_DIR / "contacts.yml"


def served(path: Path, default: Optional[Path] = None) -> Path:
    """Where the running servers read ``path`` (a file or folder of the repository that publications carry:
    ``assistant/content/publications.py``): the same place under ``served_content_dir`` when that is set (the
    latest publication, written there by ``assistant/server/published_content.py``), else ``default`` (a
    setting naming another copy, such as ``contacts_file``) or ``path`` itself.

    Why one function: every watched file must follow the served folder together; one reading the repository
    while the others read the publication would serve an unpublished edit next to published ones.
    """
    folder = settings().served_content_dir
    if folder is not None:
        return folder / path.relative_to(ROOT)
    return default if default is not None else path


def project_path(path: str) -> Path:
    """A path from ``config.yml`` (or another project setting), relative to the project's folder."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else ROOT / candidate
