"""Training the shipped models from public gold data (reproducible on CPU, fixed settings)."""
