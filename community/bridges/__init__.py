"""Bridges: a learner's own blocking point or journal entry, carried in one step into the
help request or project proposal form, prefilled; the learner still decides to send it."""
