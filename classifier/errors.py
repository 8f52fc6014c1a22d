"""The one error type a user sees: a problem with something they gave, said in one line."""


class InputError(Exception):
    """Bad input named by its file: ``InputError(path, "is empty")`` reads ``path: is empty``."""

    def __init__(self, source, problem: str):
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")
