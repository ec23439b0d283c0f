"""The sessions domain: sessions, offers chosen for them, parental limits; free of frameworks."""
