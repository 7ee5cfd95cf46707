"""content: the reviewed catalog of answers and messages, and the agency matcher."""

from .catalog import Catalog, CatalogError
from .check import Problem, check_catalog
from .types import Button, Rendered

__all__ = ["Button", "Catalog", "CatalogError", "Problem", "Rendered", "check_catalog"]
