"""QCDC Tracker data layer: schema, catalogs, readers, validation, loading and the ``qcdc`` CLI.

Nothing in this package imports Streamlit or the CLI framework except :mod:`etl.cli`.
"""

__version__ = "0.1.0"
