"""CLI through typer's runner: every command has help; good and bad input."""

from __future__ import annotations

import typer.main
from typer.testing import CliRunner

from valuechain.cli import app

runner = CliRunner()


def _commands(cmd, prefix=()):
    for name, sub in getattr(cmd, "commands", {}).items():
        yield prefix + (name,), sub
        yield from _commands(sub, prefix + (name,))


def test_help_lists_commands():
    r = runner.invoke(app, ["--help"])
    assert r.exit_code == 0
    for name in ("info", "position", "datasets", "demo"):
        assert name in r.output


def test_every_command_has_help_with_example():
    for path, cmd in _commands(typer.main.get_command(app)):
        r = runner.invoke(app, [*path, "--help"])
        assert r.exit_code == 0, path
        if not hasattr(cmd, "commands"):
            assert "Example:" in r.output, f"{' '.join(path)} help has no Example"


def test_info_dataset():
    r = runner.invoke(app, ["info", "--dataset", "miller_blair"])
    assert r.exit_code == 0, r.output
    assert "nodes" in r.output and "OK" in r.output


def test_info_file(tmp_path):
    import valuechain as vc

    p = vc.datasets.load("miller_blair").to_parquet(tmp_path / "mb.parquet")
    r = runner.invoke(app, ["info", str(p)])
    assert r.exit_code == 0, r.output
    assert "miller_blair" in r.output


def test_info_bad_input_exit_2(tmp_path):
    r = runner.invoke(app, ["info", str(tmp_path / "nope.parquet")])
    assert r.exit_code == 2
    assert "nope.parquet" in r.output
    r = runner.invoke(app, ["info", "--dataset", "no_such_dataset"])
    assert r.exit_code == 2
    assert "no_such_dataset" in r.output
    assert "Traceback" not in r.output


def test_position_writes_csv(tmp_path):
    out = tmp_path / "pos.csv"
    r = runner.invoke(app, ["position", "summary", "--dataset", "miller_blair", "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "upstreamness" in text and "1.914" in text


def test_position_bad_out_suffix(tmp_path):
    r = runner.invoke(app, ["position", "multipliers", "-d", "miller_blair", "--out", str(tmp_path / "x.xlsx")])
    assert r.exit_code == 2
    assert "--out" in r.output


def test_datasets_list():
    r = runner.invoke(app, ["datasets", "list"])
    assert r.exit_code == 0
    assert "miller_blair" in r.output


def test_demo(tmp_path):
    r = runner.invoke(app, ["demo", "--out", str(tmp_path / "demo")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "demo" / "position.csv").exists()


def test_compare_command(tmp_path):
    out = tmp_path / "movers.csv"
    r = runner.invoke(app, ["compare", "-d", "brazil", "--years", "2019,2021", "--out", str(out), "--top", "5"])
    assert r.exit_code == 0, r.output
    assert "Biggest movers" in r.output and out.exists()


def test_compare_bad_input():
    r = runner.invoke(app, ["compare", "-d", "brazil", "--years", "2019"])
    assert r.exit_code == 2
    assert "at least 2 years" in r.output
    r = runner.invoke(app, ["compare", "-d", "brazil", "--years", "2019,1850"])
    assert r.exit_code == 2 and "1850" in r.output


def test_demo_bad_input(tmp_path):
    f = tmp_path / "a_file"
    f.write_text("x")
    r = runner.invoke(app, ["demo", "--out", str(f)])
    assert r.exit_code == 2 and "must be a folder" in r.output
    r = runner.invoke(app, ["demo", "--top", "0", "--out", str(tmp_path / "d")])
    assert r.exit_code == 2 and "'--top'" in r.output
