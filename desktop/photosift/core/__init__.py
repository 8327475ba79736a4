"""Qt-free engine shared by the CLI and the GUI. Nothing under here may import Qt.

Subsystems, lowest first (import-linter keeps these one-way; see pyproject.toml):

- ``imaging``: the one safe decoder, colour, EXIF, decode pool, content fingerprints.
- ``model``: model specs, the curated catalog (pure data), fetching, devices, the open_clip adapter.
- ``library``: the SQLite store and its records, the scanner and the indexer. The only SQL lives here.
- ``search`` and ``tagging``: independent of each other, both above ``library``.

``errors``, ``cancel`` and ``paths`` are small shared leaves every subsystem may use.
"""
