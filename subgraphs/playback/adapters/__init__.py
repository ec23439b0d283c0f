"""The playback database's models, all features' (`orm`); each feature maps them in its own
adapters."""
