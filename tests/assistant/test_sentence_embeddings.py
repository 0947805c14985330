"""The sentence-embedding featurizer: the official model, its official embeddings, and robustness."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from assistant.nlu.sentence_embeddings import MiniLMFeaturizer, minilm_directory

REFERENCE = json.loads(Path(__file__).with_name("minilm_reference.json").read_text())

# Published digests of sentence-transformers/all-MiniLM-L6-v2 at revision 1110a243 (the Hugging Face files).
OFFICIAL_SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}


@pytest.fixture(scope="module")
def featurize():
    context = ExecutionContext(GraphSchema({}), "test")
    tokenizer = WhitespaceTokenizer.create(WhitespaceTokenizer.get_default_config(), None, None, context)
    featurizer = MiniLMFeaturizer.create(MiniLMFeaturizer.get_default_config(), None, None, context)

    def run(*texts: str) -> list[Message]:
        messages = [Message(data={"text": text}) for text in texts]
        tokenizer.process(messages)
        featurizer.process(messages)
        return messages

    return run


def sentence_vector(message: Message) -> np.ndarray:
    _, sentence = message.get_dense_features("text")
    vector = sentence.features[0]
    return vector / np.linalg.norm(vector)


@pytest.mark.parametrize("name", sorted(OFFICIAL_SHA256))
def test_the_installed_files_are_the_published_all_minilm_l6_v2(name):
    digest = hashlib.sha256((minilm_directory() / name).read_bytes()).hexdigest()
    assert digest == OFFICIAL_SHA256[name]


def test_sentence_vectors_equal_the_models_own_embeddings(featurize):
    """Rasa's TensorFlow run of the PyTorch weights, with our mean pooling, against sentence-transformers
    (make_minilm_reference.py). A wrong pooling or a weight that failed to load gives cosines far below 1."""
    texts = [record["text"] for record in REFERENCE["sentences"]]
    for message, record in zip(featurize(*texts), REFERENCE["sentences"]):
        cosine = float(sentence_vector(message) @ np.array(record["embedding"]))
        assert cosine > 0.9999, (record["text"], cosine)


def test_paraphrases_are_close_and_unrelated_questions_far(featurize):
    talk, someone, tyre = featurize(
        "is there anyone i can talk to about how i feel", "i need someone to talk to",
        "how much does a new tyre cost")
    assert sentence_vector(talk) @ sentence_vector(someone) > 0.5
    assert abs(sentence_vector(talk) @ sentence_vector(tyre)) < 0.2


def test_token_vectors_line_up_with_rasas_tokens(featurize):
    (message,) = featurize("my dad had CAR-T cells")
    sequence, sentence = message.get_dense_features("text")
    assert sequence.features.shape == (len(message.get("text_tokens")), 384)
    assert sentence.features.shape == (1, 384)


def test_a_message_longer_than_the_model_can_read_is_still_featurized(featurize):
    """BERT reads 512 word pieces; the length guard allows 1,000 characters, which can be more pieces."""
    text = " ".join(["xqzjv"] * 200)[:1000]  # each nonsense word is several word pieces
    (message,) = featurize(text)
    _, sentence = message.get_dense_features("text")
    assert np.isfinite(sentence.features).all()


def test_the_weights_are_found_without_a_path_in_the_config():
    """A path in the config would be stored in the trained model and break loading on another machine."""
    assert MiniLMFeaturizer.get_default_config()["model_weights"] is None
    assert (minilm_directory() / "vocab.txt").is_file()


def test_batches_of_different_lengths_give_the_same_vectors_as_one_by_one(featurize):
    """The traced model takes any batch size and length; padding must not change a message's vector."""
    texts = ["hi", "can my gp refer my mum for car t cell therapy at clatterbridge", "what is jacie"]
    together = [sentence_vector(m) for m in featurize(*texts)]
    alone = [sentence_vector(featurize(text)[0]) for text in texts]
    for a, b in zip(together, alone):
        assert float(a @ b) > 0.9999
