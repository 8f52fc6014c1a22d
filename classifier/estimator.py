"""scikit-learn's estimator conventions without importing scikit-learn: labelling with a fitted
model needs none of its code, and importing it costs more than a second.

:class:`Estimator` gives what ``sklearn.base.BaseEstimator`` gives that we and scikit-learn's tools
(``clone``, ``Pipeline``, ``cross_val_score``, ``GridSearchCV``) use: parameters read from
``__init__``'s signature (``get_params``, ``set_params`` with ``step__name`` for nested ones), a
repr naming the parameters that differ from their defaults, pickling of ``__dict__`` (models
pickled while the classes inherited ``BaseEstimator`` load unchanged) and ``__sklearn_tags__``.
scikit-learn is imported only when it is asked for: tags and ``score`` are asked for by
scikit-learn's own code, and :func:`check_is_fitted` raises its ``NotFittedError``.
"""
from __future__ import annotations

import inspect

__all__ = ["Estimator", "Classifier", "Transformer", "check_is_fitted"]


class Estimator:
    """Base of our estimators: parameters are ``__init__``'s keyword arguments, kept as attributes."""

    @classmethod
    def _get_param_names(cls):
        init = getattr(cls.__init__, "deprecated_original", cls.__init__)
        if init is object.__init__:  # no __init__ of its own: no parameters (as scikit-learn has it)
            return []
        parameters = [p for p in inspect.signature(init).parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD]
        if any(p.kind == p.VAR_POSITIONAL for p in parameters):
            raise RuntimeError(f"{cls.__name__} must name its parameters in __init__ (no *args)")
        return sorted(p.name for p in parameters)

    def get_params(self, deep=True):
        """{name: value} of the parameters; with ``deep``, those of estimator-valued ones too, as
        ``name__parameter``."""
        params = {}
        for name in self._get_param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{key}", inner) for key, inner in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params):
        """Set parameters (``name__parameter`` sets one of an estimator-valued parameter); returns self."""
        valid = self.get_params(deep=True)
        nested = {}
        for key, value in params.items():
            name, nests, inner = key.partition("__")
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self}. Valid parameters are: "
                                 f"{self._get_param_names()!r}.")
            if nests:
                nested.setdefault(name, {})[inner] = value
            else:
                setattr(self, name, value)
                valid[name] = value
        for name, inner in nested.items():
            valid[name].set_params(**inner)
        return self

    def __repr__(self):
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        changed = [f"{name}={value!r}" for name, value in self.get_params(deep=False).items()
                   if repr(value) != repr(defaults.get(name, inspect.Parameter.empty))]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __setstate__(self, state):
        self.__dict__.update(state)

    def __sklearn_tags__(self):
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False), transformer_tags=None,
                    regressor_tags=None, classifier_tags=None)


class Classifier(Estimator):
    """An estimator that predicts labels (scikit-learn's ``ClassifierMixin``)."""

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags

        tags = super().__sklearn_tags__()
        tags.estimator_type = "classifier"
        tags.classifier_tags = ClassifierTags()
        tags.target_tags.required = True
        return tags

    def score(self, X, y, sample_weight=None):
        """Accuracy of :meth:`predict` on ``X`` against labels ``y``."""
        from sklearn.metrics import accuracy_score

        return accuracy_score(y, self.predict(X), sample_weight=sample_weight)


class Transformer(Estimator):
    """An estimator that turns inputs into features (scikit-learn's ``TransformerMixin``)."""

    def __sklearn_tags__(self):
        from sklearn.utils import TransformerTags

        tags = super().__sklearn_tags__()
        tags.transformer_tags = TransformerTags()
        return tags


def check_is_fitted(estimator, attribute: str) -> None:
    """Raise scikit-learn's ``NotFittedError`` (a ValueError and an AttributeError) unless
    ``estimator`` has the fitted ``attribute``; scikit-learn is imported only to raise it."""
    if not hasattr(estimator, attribute):
        from sklearn.exceptions import NotFittedError

        raise NotFittedError(f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with "
                             "appropriate arguments before using this estimator.")
