"""A user's rate-card file is read defensively: never a hang, never a traceback.

The operator points ``SOURCEWISE_RATECARD`` (or ``--ratecard``) at a file; whatever is there
(a FIFO, ``/dev/zero``, a directory, 50 MB, 10,000 brackets deep, ``nan``, a 5,000-digit
number) must end at once in one :class:`RateCardError` line naming the field or the file
problem.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import pytest

from costengine.errors import RateCardError
from costengine.ratecard import MAX_FILE_BYTES, load_ratecard

posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")


def _refusal(path: Path, *, seconds: float = 10.0) -> RateCardError:
    """The error loading ``path`` raises, from a thread that must finish in ``seconds``."""
    outcome: list[BaseException | None] = []

    def load() -> None:
        try:
            load_ratecard("US", path)
        except BaseException as error:  # reported below, whatever it is
            outcome.append(error)
        else:
            outcome.append(None)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"loading {path.name} hung"
    error = outcome[0]
    assert isinstance(error, RateCardError), f"expected a RateCardError, got {error!r}"
    assert "\n" not in str(error)
    return error


@posix_only
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "card.toml"
    os.mkfifo(fifo)
    error = _refusal(fifo)
    assert error.field == "file"
    assert "pipe" in error.reason


@posix_only
def test_a_symlink_to_a_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "card.json"
    link.symlink_to(fifo)
    assert "pipe" in _refusal(link).reason


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_unread() -> None:
    error = _refusal(Path("/dev/zero"))
    assert error.field == "file"
    assert "device" in error.reason


def test_a_directory_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "card.toml"
    folder.mkdir()
    assert "directory" in _refusal(folder).reason


def test_a_50_mb_file_is_refused_by_size(tmp_path: Path) -> None:
    big = tmp_path / "card.toml"
    with big.open("wb") as handle:  # sparse: costs no disk, reads as zeros
        handle.truncate(50 * 1024 * 1024)
    error = _refusal(big)
    assert error.field == "file"
    assert "larger than 256 KiB" in error.reason


def test_a_file_just_over_the_cap_is_refused_and_one_at_it_is_read(tmp_path: Path) -> None:
    comment = "# padding\n"
    at_cap = tmp_path / "at.toml"
    body = "[inhouse.agent_salary_month]\ntypical = 4000\n"
    at_cap.write_text(body + comment * ((MAX_FILE_BYTES - len(body)) // len(comment)))
    assert at_cap.stat().st_size <= MAX_FILE_BYTES
    assert load_ratecard("US", at_cap).value("inhouse.agent_salary_month") == 4000
    over = tmp_path / "over.toml"
    over.write_text(body + "#" * MAX_FILE_BYTES)
    assert "larger than" in _refusal(over).reason


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")
def test_a_file_reporting_size_zero_is_read_up_to_the_cap() -> None:
    # /proc files are regular but report st_size 0; the reader must not trust the size.
    error = _refusal(Path("/proc/self/status"))
    assert error.field == "file"
    assert "not valid TOML" in error.reason


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.json", "[" * 10_000 + "]" * 10_000),
        ("deep_object.json", '{"a":' * 10_000 + "1" + "}" * 10_000),
        ("deep.toml", "x = " + "[" * 10_000 + "]" * 10_000 + "\n"),
        ("deep_inline.toml", "x = " + "{a = " * 10_000 + "1" + "}" * 10_000 + "\n"),
    ],
)
def test_deep_nesting_is_refused_before_parsing(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    error = _refusal(path)
    assert error.field == "file"
    assert "nests more than" in error.reason


def test_brackets_inside_strings_and_comments_are_not_nesting(tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text(
        "# [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n"
        "[inhouse.agent_salary_month]\n"
        "typical = 4000\n"
        f'source = "{"[" * 100}"\n'
        f"why = '''{'{' * 100}'''\n",
        encoding="utf-8",
    )
    assert load_ratecard("US", path).value("inhouse.agent_salary_month") == 4000


def test_deep_dotted_keys_are_refused_by_field(tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text("inhouse." + ".".join(["x"] * 40) + " = 1\n", encoding="utf-8")
    error = _refusal(path)
    assert error.field.startswith("inhouse.x.x")
    assert "nests more than" in error.reason


@pytest.mark.parametrize("value", ["nan", "+nan", "-nan", "inf", "+inf", "-inf"])
def test_toml_nan_and_infinity_are_refused_by_field(tmp_path: Path, value: str) -> None:
    path = tmp_path / "card.toml"
    path.write_text(f"[inhouse.agent_salary_month]\ntypical = {value}\n", encoding="utf-8")
    error = _refusal(path)
    assert error.field == "inhouse.agent_salary_month.typical"
    assert "finite" in error.reason


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused_by_field(tmp_path: Path, value: str) -> None:
    path = tmp_path / "card.json"
    path.write_text(f'{{"planning": {{"shrinkage": {{"typical": {value}}}}}}}', encoding="utf-8")
    error = _refusal(path)
    assert error.field == "planning.shrinkage.typical"
    assert "finite" in error.reason


def test_a_5000_digit_integer_is_refused_before_conversion(tmp_path: Path) -> None:
    digits = "9" * 5_000
    toml = tmp_path / "card.toml"
    toml.write_text(f"[inhouse.agent_salary_month]\ntypical = {digits}\n", encoding="utf-8")
    assert "more than 60 digits" in _refusal(toml).reason
    json_file = tmp_path / "card.json"
    json_file.write_text(
        f'{{"inhouse": {{"agent_salary_month": {{"typical": {digits}}}}}}}', encoding="utf-8"
    )
    error = _refusal(json_file)
    assert error.field == "inhouse.agent_salary_month.typical"
    assert "more than 30 digits" in error.reason


def test_a_40_digit_integer_is_refused_by_field(tmp_path: Path) -> None:
    path = tmp_path / "card.toml"
    path.write_text(f"[inhouse.cost_per_hire]\ntypical = {'1' * 40}\n", encoding="utf-8")
    error = _refusal(path)
    assert error.field == "inhouse.cost_per_hire.typical"
    assert "more than 30 digits" in error.reason


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_an_over_long_decimal_is_refused_by_field(tmp_path: Path, suffix: str) -> None:
    number = "0." + "1" * 55  # longer than any figure needs, shorter than the digit-run guard
    path = tmp_path / f"card{suffix}"
    if suffix == ".toml":
        path.write_text(f"[inhouse.employer_load]\ntypical = {number}\n", encoding="utf-8")
    else:
        path.write_text(f'{{"inhouse": {{"employer_load": {{"typical": {number}}}}}}}')
    error = _refusal(path)
    assert error.field == "inhouse.employer_load.typical"


def test_a_huge_exponent_is_refused_by_the_bounds(tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    path.write_text('{"inhouse": {"agent_salary_month": {"typical": 1e999999999}}}')
    error = _refusal(path)
    assert error.field == "inhouse.agent_salary_month.typical"
    assert "between" in error.reason


def test_a_missing_file_and_an_odd_name_give_one_line(tmp_path: Path) -> None:
    error = _refusal(tmp_path / "no\nsuch\rfile.toml")
    assert error.field == "file"
    assert "cannot read" in error.reason


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "card.toml"
    path.write_text("[inhouse.agent_salary_month]\ntypical = 1\n")
    path.chmod(0)
    assert "cannot read" in _refusal(path).reason


def test_non_utf8_and_non_table_files(tmp_path: Path) -> None:
    binary = tmp_path / "card.toml"
    binary.write_bytes(b"\xff\xfe\x00junk")
    assert "not UTF-8" in _refusal(binary).reason
    listing = tmp_path / "card.json"
    listing.write_text("[1, 2, 3]")
    assert "table of sections" in _refusal(listing).reason
