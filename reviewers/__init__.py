"""The Medical Advisory Board: its members, their credentials and public profiles."""
