"""Personal details never stored or logged in clear: redaction, the redacting tracker store, log
redaction, retention and erasure.
"""
