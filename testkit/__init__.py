"""Helpers shared by `tests/` and `bench/`: seeded synthetic media, the RTSP test peer, a live server.

Not part of the product (not installed); benchmarks import these, never `tests/`.
"""
