"""Test support shared by the tests and the benchmarks: the e2e world and the bot process."""
