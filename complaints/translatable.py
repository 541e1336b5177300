"""Marking messages for translation in modules that must not import Flask.

``N_("...")`` returns its argument unchanged; ``pybabel extract`` collects it (babel.cfg
lists N_ as a keyword), and the view or template translates it at display time with
``gettext``. Domain modules (workflow, complainant_status) stay pure Python this way.
"""
from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message
