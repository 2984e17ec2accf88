"""What tests and benchmarks share: corpora, fakes, fixture files, the chat server, load drivers."""
