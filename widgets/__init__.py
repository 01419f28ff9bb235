"""Reusable, dumb Textual widgets: data in, render out, messages up."""
