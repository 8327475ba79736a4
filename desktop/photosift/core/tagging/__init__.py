"""Zero-shot auto-tagging: the label vocabulary, prompt ensembles, the tagger and XMP sidecars."""
