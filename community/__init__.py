"""Ruche: a community app for people in vocational training."""
