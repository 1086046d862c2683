"""What every SmartGov service is built from."""

__all__ = ["__version__"]
__version__ = "0.1.0"
