"""The package: names imported on first use."""


def test_dir_lists_the_names_imported_on_first_use():
    import classifier

    listed = dir(classifier)
    assert set(classifier.__all__) <= set(listed)
    assert "__version__" in listed
