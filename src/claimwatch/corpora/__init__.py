"""Readers of the third-party and project-written corpora that eval/ scores on and training/ fits on."""
