from .config import dump_ladder, load_ladder
from .presets import PRESETS, SEOUL_2017, SEOUL_2020, UK_PETITIONS, WE_THE_PEOPLE
from .rules import Ladder, Metric, Period, Rule, Step

__all__ = [
    "Ladder", "Metric", "Period", "Rule", "Step", "PRESETS", "SEOUL_2017", "SEOUL_2020",
    "UK_PETITIONS", "WE_THE_PEOPLE", "load_ladder", "dump_ladder",
]
