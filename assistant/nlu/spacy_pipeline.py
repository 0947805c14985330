"""The project's own spaCy pipeline: blank English with spaCy's lookup lemmatizer.

Why: official spaCy models (``en_core_web_md``) download from GitHub, which this environment cannot
reach. A blank English pipeline with the *lookup* lemmatizer (tables from the ``spacy-lookups-data``
package on PyPI) still gives real lemmas, so the urgent-symptom matcher (:mod:`assistant.nlu.red_flags`)
reads "shivering", "shivered" and "shivers" as one word. It is built in memory when the detector loads
(a fraction of a second); nothing is written to disk or downloaded.
"""

from __future__ import annotations

import spacy
from spacy.language import Language


def build_pipeline() -> Language:
    """Return a blank English pipeline with an initialised lookup lemmatizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp
