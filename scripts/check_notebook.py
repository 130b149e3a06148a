"""Validates a notebook against the nbformat 4 schema and executes it end to end with nbclient,
in the notebook's own folder (where its CSV files are). Exits non-zero with the reason on the
first problem. Usage: python3 scripts/check_notebook.py NOTEBOOK.ipynb (needs nbformat, nbclient,
ipykernel, pandas, matplotlib: scripts/test.sh installs them)."""
import os
import sys

import nbformat
from nbclient import NotebookClient

path = sys.argv[1]
notebook = nbformat.read(path, as_version=4)
nbformat.validate(notebook)
NotebookClient(notebook, timeout=120, kernel_name="python3",
               resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}}).execute()
print(f"{path}: valid nbformat {notebook.nbformat}.{notebook.nbformat_minor}, {len(notebook.cells)} cells executed")
