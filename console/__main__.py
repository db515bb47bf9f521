"""`python -m console` runs the hacon command line."""

from console.cli import main

raise SystemExit(main())
