class CsvError(ValueError):
    """Raised for malformed CSV input."""
