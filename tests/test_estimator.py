"""classifier.estimator: scikit-learn's estimator conventions without importing scikit-learn."""
from sklearn.base import BaseEstimator, clone

from classifier.estimator import Estimator


class _Ours(Estimator):
    pass


class _Theirs(BaseEstimator):
    pass


def test_an_estimator_without_its_own_init_has_no_parameters_as_in_scikit_learn():
    assert _Ours().get_params() == _Theirs().get_params() == {}
    assert repr(_Ours()) == "_Ours()" and repr(_Theirs()) == "_Theirs()"
    assert type(clone(_Ours())) is _Ours
