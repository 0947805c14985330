"""The Rasa server's own pieces: chat channels, the NLG, the tracker store it is configured with, the
action-server launcher, and their guards (HTTP surface, rate limits).
"""
