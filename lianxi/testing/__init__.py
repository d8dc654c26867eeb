"""Helpers the apps' tests share (not fixtures: those are in lianxi/conftest.py)."""
