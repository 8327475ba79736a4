"""The parts the main window is assembled from, one panel per module."""
