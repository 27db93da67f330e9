"""The demo county (长顺县 with synthetic people): ``seed`` creates it once, ``logins`` lists its accounts."""

from .generator import DEMO_PASSWORD, DemoRefused, SeedResult, demo_present, logins, seed
from .table import format_logins

__all__ = ["DEMO_PASSWORD", "DemoRefused", "SeedResult", "demo_present", "format_logins", "logins", "seed"]
