"""The realtime benchmark: `make bench` (quick) or `make bench FULL=1`; see bench/README.md."""
