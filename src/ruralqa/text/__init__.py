"""Chinese language rules: normalization, place and organisation names, question and stop words, tokens."""
