"""`python -m runtime.cli` = `controlroom`."""

from runtime.cli import main

main()
