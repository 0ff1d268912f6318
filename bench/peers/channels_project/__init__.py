"""A minimal Django Channels 4.3 project: one consumer equivalent to our live endpoint."""
