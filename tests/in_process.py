"""Run the command line inside the test process: error messages without a subprocess each."""


def run_main(capsys, *args):
    """(exit code, standard output, standard error) of ``classifier`` run with ``args``."""
    from classifier.cli import main

    capsys.readouterr()  # what came before is not this run's
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
