"""Grading tools for the course kit's assignments."""
