"""Build the pages of goldmap's Streamlit app (``app.py``).

These modules import streamlit; ``import goldmap`` never imports them.
"""
