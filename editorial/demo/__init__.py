"""Demo content for a fresh site: ``python manage.py load_demo`` loads it."""
