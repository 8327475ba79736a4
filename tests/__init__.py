"""PhotoSift's tests, and the toy world (``python -m tests.toyworld``) they are built on."""
