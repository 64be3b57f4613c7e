"""Language data files and the trained check-worthiness model (JSON, read at runtime)."""
