"""Allow `python -m workbench`."""

from workbench.launch import main

main()
