"""The facts: a Dataset, loaded and validated from the data files, and the rules between
facts. `load_dataset` is the way in."""

from .dataset import Dataset, group, references_of, sources_of
from .loading import load_dataset
from .rules import (
    NO_HISTORY_TOUCH,
    DueForReview,
    Retired,
    any_errors,
    due_for_review,
    is_history_reminder,
    is_review_reminder,
)

__all__ = ["NO_HISTORY_TOUCH", "Dataset", "DueForReview", "Retired", "any_errors",
           "due_for_review", "group", "is_history_reminder", "is_review_reminder",
           "load_dataset", "references_of", "sources_of"]
