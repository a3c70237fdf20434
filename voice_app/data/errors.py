"""Errors the data layer raises. Views turn them into pages; the data layer never knows
about HTTP."""


class NotFound(LookupError):
    """Nothing with this id that the person asking may see. Shown as "Page not found",
    whether it does not exist or belongs to someone else, so ids reveal nothing."""


class ReviewClosed(Exception):
    """The review has taken place (or will not take place): it takes no more views."""

    def __init__(self, review, respondent=None):
        super().__init__(review)
        self.review = review
        self.respondent = respondent  # for a respondent's link: who was asking
