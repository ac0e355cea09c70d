"""spaCy components: one module per stage, registered in factories.py."""
