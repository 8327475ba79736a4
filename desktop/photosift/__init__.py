"""PhotoSift: find photos by what is in them, locally, with open_clip."""

__version__ = "0.1.0"
APP_NAME = "PhotoSift"
APP_ID = "io.github.photosift.PhotoSift"
