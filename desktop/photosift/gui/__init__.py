"""Qt presentation of photosift.core."""
