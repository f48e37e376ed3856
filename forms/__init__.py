"""fieldkit's questionnaire engine: model, definition files, validation, answers, web forms.

A library: it knows nothing of Flask or of the store.
"""

from .answers import Cleaned, clean_answers
from .conditions import ConditionError, parse as parse_condition
from .loader import DefinitionError, LoadResult, Problem, from_dict, load, load_file, load_text
from .model import DONT_KNOW, NOT_APPLICABLE, OTHER, Choice, Item, Question, Questionnaire, Section

__all__ = [
    "Choice", "Cleaned", "ConditionError", "DefinitionError", "DONT_KNOW", "Item", "LoadResult",
    "NOT_APPLICABLE", "OTHER", "Problem", "Question", "Questionnaire", "Section", "clean_answers",
    "from_dict", "load", "load_file", "load_text", "parse_condition",
]
