"""CLIP models: specs, the curated catalog, downloads, devices and the open_clip adapter."""
