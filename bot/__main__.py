"""`python -m bot` is the same as the `claimbot` command."""

from bot.cli import main

raise SystemExit(main())
