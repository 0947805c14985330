"""Staff-owned content read the same way everywhere: the answer catalogue, contacts, opening hours, the
texts the assistant adds itself, sources, and the rules every text must pass.

The files themselves live in the project's ``content/`` folder (and the answers and example questions in
``data/``, where Rasa reads them); this package is the one place that knows where.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTENT_DIR = ROOT / "content"


def project_path(path: str) -> Path:
    """A path from ``config.yml`` (or another project setting), relative to the project's folder."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else ROOT / candidate
