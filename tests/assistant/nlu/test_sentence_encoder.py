"""The sentence encoder: the official model, its official embeddings, and a vector that depends on its text alone."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from assistant.nlu.sentence_encoder import load_encoder, minilm_directory

REFERENCE = json.loads(Path(__file__).with_name("minilm_reference.json").read_text())

# Published digests of sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243 (the Hugging Face files).
OFFICIAL_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}


@pytest.fixture(scope="module")
def last_layer():
    return load_encoder((6,))


@pytest.mark.parametrize("name", sorted(OFFICIAL_SHA256))
def test_the_installed_files_are_the_published_all_minilm_l6_v2(name):
    digest = hashlib.sha256((minilm_directory() / name).read_bytes()).hexdigest()
    assert digest == OFFICIAL_SHA256[name]


def test_vectors_equal_the_models_own_sentence_embeddings(last_layer):
    """TensorFlow's run of the PyTorch weights with mean pooling, against sentence-transformers itself
    (make_minilm_reference.py). A wrong pooling or a weight that failed to load gives cosines far below 1."""
    texts = [record["text"] for record in REFERENCE["sentences"]]
    for vector, record in zip(last_layer.encode(texts), REFERENCE["sentences"], strict=False):
        cosine = float(vector @ np.array(record["embedding"]))
        assert cosine > 0.9999, (record["text"], cosine)


def test_paraphrases_are_close_and_unrelated_questions_far(last_layer):
    talk, someone, tyre = last_layer.encode(
        ["is there anyone i can talk to about how i feel", "i need someone to talk to", "how much does a new tyre cost"]
    )
    assert talk @ someone > 0.5
    assert abs(talk @ tyre) < 0.2


def test_each_layer_asked_for_is_a_unit_vector_of_its_own():
    vector = load_encoder((6, 4)).encode(["what does jacie stand for"])[0]
    assert vector.shape == (768,)
    assert np.allclose([np.linalg.norm(vector[:384]), np.linalg.norm(vector[384:])], 1.0, atol=1e-5)


def test_a_vector_depends_on_its_text_alone_bit_for_bit(last_layer):
    """Training and answering encode the same text the same way, whatever else is encoded with it."""
    texts = ["hi", "can my gp refer my mum for car t cell therapy at clatterbridge", "what is jacie"]
    together = last_layer.encode(texts)
    alone = np.vstack([last_layer.encode([text]) for text in reversed(texts)])[::-1]
    assert np.array_equal(together, alone)


@pytest.mark.parametrize("text", ["", "   ", " ".join(["xqzjv"] * 200)[:1000], "🔥" * 300])
def test_empty_or_overlong_text_still_gets_a_finite_vector(last_layer, text):
    """BERT reads at most 512 word pieces (the model was trained on 256); 1,000 characters can be more."""
    assert np.isfinite(last_layer.encode([text])).all()


def test_layers_outside_the_model_are_refused():
    with pytest.raises(ValueError, match="between 1 and 6"):
        load_encoder((7,))
