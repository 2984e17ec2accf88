"""Measuring retrieval: labelled questions, pure metrics, and a runner over the real pipeline."""
