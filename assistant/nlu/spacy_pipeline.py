"""The project's own spaCy pipeline: blank English with spaCy's lookup lemmatizer.

Why: official spaCy models (``en_core_web_md``) download from GitHub, which this environment cannot
reach. A blank English pipeline with the *lookup* lemmatizer (tables from the ``spacy-lookups-data``
package on PyPI) still gives real lemmas, so the urgent-symptom matcher (:mod:`assistant.nlu.urgent_symptom_matcher`)
reads "shivering", "shivered" and "shivers" as one word. It is built in memory when the detector loads
(a fraction of a second); nothing is written to disk or downloaded.
"""

from __future__ import annotations

from typing import Callable

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.pipeline import Lemmatizer


def build_pipeline() -> Language:
    """Return a blank English pipeline with an initialised lookup lemmatizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def english_word_test(nlp: Language) -> Callable[[str], bool]:
    """Is a lower-case word English? True for the words of the pipeline's lemma table (inflected forms and their
    lemmas, about 40,000) and spaCy's English stop words ("the", "what", "my")."""
    lemmatizer: Lemmatizer = nlp.get_pipe("lemmatizer")  # type: ignore[assignment]
    table = lemmatizer.lookups.get_table("lemma_lookup")
    lemmas = frozenset(table.values())
    return lambda word: word in STOP_WORDS or word in lemmas or word in table
