"""Everything that turns a file on disk into pixels: decoding, colour, EXIF, fingerprints."""
