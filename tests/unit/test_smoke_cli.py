import pytest

from tests.conftest import run_pdca


def test_add_then_list_through_click_runner(cli, db_path):
    result = cli("add", "Cut flaky tests", "--owner", "bob", "--due", "+3d")
    assert result.exit_code == 0, result.stderr
    assert "added #1" in result.stdout
    listed = cli("list", "--json")
    assert '"title": "Cut flaky tests"' in listed.stdout
    assert '"due": "2026-11-26"' in listed.stdout


def test_bad_phase_is_one_line_exit_1(cli, db_path):
    cli("add", "x")
    result = cli("move", "1", "sideways")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "'sideways'" in result.stderr and "PHASE" in result.stderr


@pytest.mark.usefixtures("missing_db")
def test_real_process_reports_missing_database(env):
    done = run_pdca("list", env=env)
    assert done.returncode == 1
    assert done.stderr.startswith("pdca: no database at ")
    assert "Traceback" not in done.stderr
