"""Custom actions of the CAR-T patient information assistant (run by the rasa-sdk action server).

One module per concern; each action's name is a constant beside it.
"""
