"""Serverless Patterns Lab: one package per pattern, plus ``patterns.lab``, the shared lab runtime."""
