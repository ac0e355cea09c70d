"""Reading inputs into Articles (files, directories, stdin, JSONL/CSV) and masking boilerplate."""
