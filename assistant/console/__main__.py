"""``python -m assistant.console``: the staff console on ``settings().bind_address:console_port``."""

from assistant.console.app import serve

serve()
