"""report-assistant: ask questions of police inspection reports, get exact cited passages."""

__version__ = "0.1.0"
