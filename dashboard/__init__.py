"""The Streamlit dashboard of QCDC Tracker: a client of :mod:`etl`, never the other way round."""
