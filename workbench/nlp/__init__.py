"""Pre-annotation with spaCy: suggestions from the knowledge base, rules for
dates and numbers, event-trigger patterns, and optionally a statistical model's NER.

Knows nothing of Textual or SQL: `batch.preannotate` reads and writes through the store
API. spaCy is imported only when a pipeline is built, never at start-up.
"""
