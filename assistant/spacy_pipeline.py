"""Build the project's own spaCy pipeline (``python -m assistant.spacy_pipeline OUT_DIR``).

Why: official spaCy models (``en_core_web_md``) download from GitHub, which this environment cannot
reach. A blank English pipeline with spaCy's *lookup* lemmatizer (tables from the
``spacy-lookups-data`` package on PyPI) still gives Rasa real lemmas: ``SpacyTokenizer`` puts them
on every token and ``CountVectorsFeaturizer`` (``use_lemma: true``) counts "shivering", "shivered"
and "shivers" as one feature; the urgent-symptom matcher matches on them too.

A deployment with internet can swap in a trained model: ``pip install en_core_web_md`` (or
``python -m spacy download en_core_web_md``) and set ``model: en_core_web_md`` under ``SpacyNLP``
in ``config.yml``; everything else stays the same (its vectors can then feed ``SpacyFeaturizer``).
"""
from __future__ import annotations

import sys
from pathlib import Path

import spacy
from spacy.language import Language

PIPELINE_NAME = "en_cart_lookup"


def build_pipeline() -> Language:
    """Return a blank English pipeline with an initialised lookup lemmatizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    nlp.meta["name"] = PIPELINE_NAME.removeprefix("en_")
    nlp.meta["description"] = (
        "Blank English tokenizer with spaCy's lookup lemmatizer (spacy-lookups-data); "
        "built by assistant/spacy_pipeline.py"
    )
    return nlp


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m assistant.spacy_pipeline OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(argv[1])
    nlp = build_pipeline()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    sample = [token.lemma_ for token in nlp("my dad was shivering and felt confused")]
    print(f"spaCy pipeline saved to {out_dir} (lemmas: {' '.join(sample)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
