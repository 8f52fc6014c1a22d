"""Run the command line inside the test process: error messages without a subprocess each."""


def run_main(capsys, *args):
    """(exit code, standard output, standard error) of ``classifier`` run with ``args``; a usage
    error's SystemExit gives its code like any other exit."""
    from classifier.cli import main

    capsys.readouterr()  # what came before is not this run's
    try:
        code = main([str(arg) for arg in args])
    except SystemExit as exit:  # argparse's usage errors
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err
