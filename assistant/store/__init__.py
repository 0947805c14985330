"""The conversation store: Rasa's SQL tracker store, with what patients typed redacted before it is written, only
the recent turns loaded for prediction, conversations erased on request and purged after the retention period.

Why a room of its own: these pieces make one store (``tracker_store.BoundedRedactingSQLTrackerStore``, named in
``endpoints.yml``), and the Rasa server, the staff tools and ``make purge`` all use it; redaction itself (what
personal data looks like) stays in ``assistant/privacy``.
"""
