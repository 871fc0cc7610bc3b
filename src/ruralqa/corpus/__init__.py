"""Reading reports: formats and encodings, the catalog, document context and the chunker."""
