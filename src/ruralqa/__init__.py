"""ruralqa: offline question answering with exact citations over rural-revitalization reports.

Importing the package is cheap on purpose: heavy libraries load inside the functions that need them.
"""

__version__ = "0.1.0"

SCHEMA_VERSION = 3
