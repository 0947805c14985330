"""Reading and writing the content files as the digital team keeps them: a ruamel.yaml round trip.

Why round trip: the repository stays the source of truth, reviewed in git. A save from the console must change
only the lines of the text it changed: comments, quotes, key order and long lines stay as they were (the files
load and dump unchanged: ``tests/assistant/console/test_yamlio.py``). Writes go to a temporary file first and
are renamed over the old one, so the servers' file watchers never read half a file.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 100_000  # type: ignore[assignment]  # never fold a long text onto several lines
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def load(path: Path) -> Any:
    return _yaml().load(path.read_text(encoding="utf-8"))


def dumps(data: Any) -> str:
    stream = io.StringIO()
    _yaml().dump(data, stream)
    return stream.getvalue()


def write(path: Path, data: Any) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    text = dumps(data)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def quoted(text: str) -> DoubleQuotedScalarString:
    """A text written the way the files write texts: one double-quoted line, paragraphs as ``\\n\\n``."""
    return DoubleQuotedScalarString(text)


def literal(text: str) -> LiteralScalarString:
    """A block written as ``|`` lines (the example questions)."""
    return LiteralScalarString(text)


def mapping(**values: Any) -> CommentedMap:
    return CommentedMap(values)
