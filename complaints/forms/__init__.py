"""WTForms (Flask-WTF for CSRF), one module per area."""


def translated_choices(labels):  # type: ignore[no-untyped-def]
    """(code, label) choices from a table of N_-marked labels, translated when rendered."""
    from flask_babel import lazy_gettext

    return [(code, lazy_gettext(label)) for code, label in labels.items()]
