"""Fuzzing the command-line options (bounded): any value is accepted or refused in one line, never an
internal error."""

import os

from hypothesis import HealthCheck, given, settings, strategies as st

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
VALUE = st.one_of(st.text(max_size=60), st.sampled_from(["nan", "inf", "-1", "1e309", "0", "2020-02-30", "../..",
                                                         "%", "_", "punycode", "9" * 40, "x" * 5_000]))
OPTIONS = st.sampled_from([
    ("extract", "--published"), ("extract", "--min-confidence"), ("extract", "--encoding"), ("extract", "--profile"),
    ("incidents", "--since"), ("incidents", "--limit"), ("incidents", "--search"), ("incidents", "--province"),
    ("incidents", "--place"), ("incidents", "--category"), ("incidents", "--outlet"), ("stats", "--until"),
    ("incidents", "--db"), ("places lookup Hyesan", "--threshold"), ("places lookup Hyesan", "--limit"),
])


@FUZZ
@given(option=OPTIONS, value=VALUE)
def test_any_option_value(cli, write_file, tmp_path_factory, option, value):
    command, flag = option
    if "\x00" in value:
        value = value.replace("\x00", "")  # an argument of a real process cannot hold NUL
    args = [*command.split(), flag, value]
    if command == "extract":
        args.append(str(write_file("r.txt", "Published: 2021-06-10\nPolice arrested vendors in Hyesan.\n")))
    elif flag != "--db" and command != "places lookup Hyesan":
        args += ["--db", str(tmp_path_factory.mktemp("db") / "x.db")]
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))  # a --db value is a file name: let it land in a scratch folder
    try:
        run = cli(*args)
    finally:
        os.chdir(here)
    assert run.returncode in (0, 1, 2), (args, run.returncode, run.stderr)
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr, (args, run.stderr)
    assert len(run.stderr.strip().splitlines()) <= 4, run.stderr
