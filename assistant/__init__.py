"""The CAR-T patient information assistant's own Rasa pieces.

Rasa loads these by module path from ``config.yml`` and ``endpoints.yml``:
the spaCy pipeline builder, the urgent-symptom NLU component, the content NLG and the channels.
Custom actions live apart in ``actions/`` because they run in the rasa-sdk action server.
"""
