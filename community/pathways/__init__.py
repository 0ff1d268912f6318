"""Pathways: skills, evidence and next steps."""
