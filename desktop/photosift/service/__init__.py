"""The application service both faces call: see library.py."""
