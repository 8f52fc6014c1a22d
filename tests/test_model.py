"""The estimator's contract: scikit-learn's conventions, keyword-only headings, the fallback label,
the tokenizer parameter, and models saved by earlier versions."""
import inspect
import pickle

import numpy as np
import pytest

TEXTS = ["组织理论学习", "开展理论宣讲", "学习理论著作", "理论学习中心组",
         "举办文艺演出", "开展文艺汇演", "创建文明城市", "文明城市创建"]
LABELS = ["theory", "theory", "theory", "theory", "culture", "culture", "other", "other"]
# The parameters of the first saved version; every later one has a value in LEGACY_DEFAULTS.
FIRST_MODEL_PARAMETERS = {"C", "class_weight", "word_ngrams", "char_ngram_range", "heading_weight", "min_df",
                          "max_iter", "random_state"}
FIRST_VECTORIZER_PARAMETERS = {"word_ngrams", "char_ngram_range", "heading_weight", "min_df", "sublinear_tf"}


def _fitted(**params):
    from classifier.model import ParagraphClassifier

    return ParagraphClassifier(min_df=1, **params).fit(TEXTS, LABELS)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "transform", "decision_function",
                                    "predict_report_proba", "predict_report", "explain", "explain_report"])
def test_an_unfitted_model_says_it_is_not_fitted(method):
    from sklearn.exceptions import NotFittedError

    from classifier.model import ParagraphClassifier

    with pytest.raises(NotFittedError):
        getattr(ParagraphClassifier(), method)(["组织理论学习"])


def test_an_unfitted_vectorizer_says_it_is_not_fitted():
    from sklearn.exceptions import NotFittedError

    from classifier.vectorize import ParagraphVectorizer

    with pytest.raises(NotFittedError):
        ParagraphVectorizer().transform(["组织理论学习"])


def test_headings_are_keyword_only():
    model = _fitted()
    headings = ["一、理论学习"] * 2
    for method in ("predict", "predict_proba", "transform", "predict_report_proba", "explain"):
        with pytest.raises(TypeError):
            getattr(model, method)(TEXTS[:2], headings)
        getattr(model, method)(TEXTS[:2], headings=headings)
    from classifier.model import ParagraphClassifier

    with pytest.raises(TypeError):
        ParagraphClassifier(min_df=1).fit(TEXTS, LABELS, [None] * len(TEXTS))


def test_the_fallback_label_is_other_the_given_one_or_the_most_frequent():
    assert _fitted().fallback_label_ == "other"
    assert _fitted(fallback_label="culture").fallback_label_ == "culture"
    from classifier.model import ParagraphClassifier

    no_other = ["a" if label == "theory" else label.upper() for label in LABELS]
    assert ParagraphClassifier(min_df=1).fit(TEXTS, no_other).fallback_label_ == "a"
    tied = ["b", "b", "a", "a", "c", "c", "d", "d"]  # equally frequent: the first in sorted order
    assert ParagraphClassifier(min_df=1).fit(TEXTS, tied).fallback_label_ == "a"
    with pytest.raises(ValueError, match="fallback_label 'media' is not one of the training labels"):
        ParagraphClassifier(min_df=1, fallback_label="media").fit(TEXTS, LABELS)


def _characters(text):
    return list(text)


def test_the_tokenizer_is_a_parameter():
    from sklearn.base import clone

    model = _fitted(tokenizer=_characters)
    assert model.vectorizer_.tokenizer is _characters
    assert set(model.vectorizer_.words_.vocabulary_) >= {"理", "论", "理 论"}
    assert clone(model).get_params()["tokenizer"] is _characters
    assert "理论" in _fitted().vectorizer_.words_.vocabulary_  # None: jieba's words
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict_proba(TEXTS), model.predict_proba(TEXTS))


def test_scikit_learns_tools_take_the_estimators():
    """Without scikit-learn's base classes, its tools still treat ours as a classifier and a
    transformer: clone, cross-validation, grid search, pipelines, nested parameters, tags, repr."""
    from sklearn.base import clone, is_classifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.pipeline import make_pipeline
    from sklearn.utils import get_tags

    from classifier.model import ParagraphClassifier
    from classifier.vectorize import ParagraphVectorizer

    model = ParagraphClassifier(min_df=1, C=3.0)
    assert repr(model) == "ParagraphClassifier(C=3.0, min_df=1)" and repr(ParagraphVectorizer()) == "ParagraphVectorizer()"
    assert is_classifier(model) and get_tags(ParagraphVectorizer()).transformer_tags is not None
    assert clone(model).get_params() == model.get_params() and clone(model) is not model
    scores = cross_val_score(model, TEXTS, LABELS, cv=2)
    assert len(scores) == 2 and all(0 <= score <= 1 for score in scores)
    search = GridSearchCV(model, {"C": [1.0, 10.0]}, cv=2).fit(TEXTS, LABELS)
    assert search.best_params_["C"] in (1.0, 10.0) and list(search.best_estimator_.classes_) == sorted(set(LABELS))
    pipeline = make_pipeline(ParagraphVectorizer(min_df=1), LogisticRegression())
    pipeline.set_params(paragraphvectorizer__word_ngrams=1)
    assert pipeline.get_params()["paragraphvectorizer__word_ngrams"] == 1
    assert list(pipeline.fit(TEXTS, LABELS).predict(TEXTS[:2])) == ["theory", "theory"]
    assert model.fit(TEXTS, LABELS).score(TEXTS, LABELS) == np.mean(model.predict(TEXTS) == np.asarray(LABELS))
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        model.set_params(bogus=1)


def test_the_vectorizer_has_the_models_defaults():
    from classifier.model import ParagraphClassifier
    from classifier.vectorize import ParagraphVectorizer

    model = ParagraphClassifier().get_params()
    vectorizer = ParagraphVectorizer().get_params()
    assert {name: model[name] for name in vectorizer if name in model} == \
        {name: value for name, value in vectorizer.items() if name in model}
    assert set(vectorizer) - set(model) == {"sublinear_tf"}


@pytest.mark.parametrize("first, name", [(FIRST_MODEL_PARAMETERS, "ParagraphClassifier"),
                                         (FIRST_VECTORIZER_PARAMETERS, "ParagraphVectorizer")])
def test_every_later_parameter_has_a_legacy_value(first, name):
    from classifier import model, vectorize

    cls = getattr(model, name, None) or getattr(vectorize, name)
    parameters = set(inspect.signature(cls.__init__).parameters) - {"self"}
    assert first <= parameters
    assert set(cls.LEGACY_DEFAULTS) == parameters - first


def test_a_model_saved_before_the_new_parameters_loads_with_the_legacy_values():
    model = _fitted()
    old = pickle.loads(pickle.dumps(model))
    for estimator in (old, old.vectorizer_):
        for name in estimator.LEGACY_DEFAULTS:
            del estimator.__dict__[name]
    del old.__dict__["fallback_label_"]
    loaded = pickle.loads(pickle.dumps(old))
    for estimator in (loaded, loaded.vectorizer_):
        assert {name: getattr(estimator, name) for name in estimator.LEGACY_DEFAULTS} == estimator.LEGACY_DEFAULTS
    # Fitted with cue features, the model reads as one without them only in its parameters.
    assert loaded.cue_weight == 0.0 and loaded.vectorizer_.cue_weight == 0.0
    assert loaded.fallback_label_ == "other"


def test_an_old_model_without_other_falls_back_on_the_label_of_no_evidence():
    from classifier.model import ParagraphClassifier

    labels = ["a" if label == "theory" else label.upper() for label in LABELS]
    model = ParagraphClassifier(min_df=1).fit(TEXTS, labels)
    old = pickle.loads(pickle.dumps(model))
    del old.__dict__["fallback_label_"]
    loaded = pickle.loads(pickle.dumps(old))
    nothing = np.zeros((1, model.linear_.coef_.shape[1]))
    assert loaded.fallback_label_ == model.linear_.predict(nothing)[0]
    assert loaded.fallback_label_ in model.classes_


def test_the_shipped_model_loads_with_its_fallback_label(default_model):
    assert default_model.fallback_label_ == "other"
    assert default_model.get_params()["tokenizer"] is None
