"""Rasa's TensorFlow classifiers, loaded for answering only: without the optimizer's training state.

Why: to load a trained DIET or ResponseSelector, Rasa's ``RasaModel.load`` first *trains one step* on an
example (``model.fit``) so that every weight exists, then overwrites the weights from the checkpoint. That
step creates Adam's two slot variables for every weight and traces the whole training graph, and the server
keeps both for its lifetime although it never trains. With one DIET and four ResponseSelectors this was about
600 MB of the Rasa server's 1.6 GiB (docs/benchmarks.md, #9).

Here the weights are built by one *evaluation* step instead (the same loss computation, without gradients or
optimizer state), then restored from the same checkpoint; the checkpoint's optimizer state is left unread.
The restore must match every weight the model has, or loading fails loudly: a model silently answering with
untrained weights would be worse than one using more memory. Predictions are the same (tests/assistant/
test_serving_models.py compares them with Rasa's own load). Fine-tuning (``rasa train --finetune``) needs
the optimizer state, so it still goes through Rasa's own load.
"""
from __future__ import annotations

from typing import Any, Optional, Text, Type

import tensorflow as tf
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.nlu.selectors.response_selector import DIET2BOW, DIET2DIET
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


class LoadsForServing:
    """Mixin for a ``RasaModel`` subclass: ``load`` builds the weights without training state."""

    @classmethod
    def load(
        cls,
        model_file_name: Text,
        model_data_example: RasaModelData,
        predict_data_example: Optional[RasaModelData] = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        if finetune_mode:
            return super().load(model_file_name, model_data_example, predict_data_example, finetune_mode,
                                *args, **kwargs)
        model = cls(*args, **kwargs)
        config = kwargs.get("config", {})
        # Keras needs a compiled model to evaluate; the optimizer only gets variables when it applies gradients.
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                      run_eagerly=config.get(RUN_EAGERLY))
        model.evaluate(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
        status = model.load_weights(model_file_name)
        status.expect_partial()  # the optimizer's slots stay in the file, unread, on purpose
        status.assert_existing_objects_matched()
        if predict_data_example:
            model.run_inference(predict_data_example)  # trace prediction now, not on the first patient's turn
        return model


class ServingDIET(LoadsForServing, DIET):
    """DIET (intents) that loads without training state."""


class ServingDIET2BOW(LoadsForServing, DIET2BOW):
    """The ResponseSelector's default model, loading without training state."""


class ServingDIET2DIET(LoadsForServing, DIET2DIET):
    """The ResponseSelector's model with ``use_text_as_label``, loading without training state."""


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class ServingDIETClassifier(DIETClassifier):
    """Rasa's DIETClassifier, trained the same way, whose model loads without training state."""

    @staticmethod
    def model_class() -> Type[RasaModel]:
        return ServingDIET
