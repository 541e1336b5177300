"""WTForms (Flask-WTF for CSRF), one module per area."""
