"""Test support shared by the tests and the benchmarks: the e2e world, the bot process and the
throwaway PostgreSQL cluster."""
