"""Custom Rasa NLU components of the assistant, listed by module path in ``config.yml``."""
