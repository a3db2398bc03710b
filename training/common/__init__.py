"""Helpers shared by the training and export scripts (run them from the repository root as
`python3 training/<script>.py`; training/ is then on sys.path, so `from common.export import ...`)."""
