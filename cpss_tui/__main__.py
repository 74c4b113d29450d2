"""`python -m cpss_tui` runs the command line."""

from cpss_tui.cli import main

main()
