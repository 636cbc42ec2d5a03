"""Build the goldmap reference site: API, command line, data, gallery (``make docs``)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from datadoc import write_data_reference  # noqa: E402

import goldmap  # noqa: E402

project = "goldmap"
author = "goldmap contributors"
copyright = "goldmap contributors, MIT licence"
release = goldmap.__version__
version = release
language = "en"

extensions = [
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx_click",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "generated", "examples/README.rst", "gallery/*.ipynb"]
templates_path: list[str] = []

# numpydoc: no per-member tables (autodoc documents each member), no links to other sites.
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks: set[str] = set()
autodoc_member_order = "bysource"
autodoc_typehints = "none"
suppress_warnings = ["myst.header"]
myst_heading_anchors = 3

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "gallery",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "reference_url": {},
    "abort_on_example_error": True,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "show_memory": False,
    "plot_gallery": "True",
    "first_notebook_cell": None,
}

html_theme = "alabaster"
html_title = "goldmap — 黄金产业规划图集"
html_static_path: list[str] = []
html_show_sourcelink = False
html_theme_options = {"description": "China's gold-industry plan 2025-2027 as GIS layers"}

write_data_reference(HERE / "generated")
