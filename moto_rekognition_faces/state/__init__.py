"""State per account and region (collections, faces, users, tokens, video jobs) and its rules.

Knows nothing of requests or models: it keeps records and vectors under one lock."""
