"""Drive ``sourcewise chat`` in a real subprocess through pipes, like a script would.

The driver waits for the prompt after each line, and recognises which question is being
asked from the conversation catalogue (the literal start of each ``q.<id>.prompt``), so the
scripted conversations say *what* to answer to each question, not in which order they come.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.adapters.console import PROMPT
from bot.render.catalog import catalog

ROOT = Path(__file__).resolve().parents[2]
TURN_TIMEOUT = 60.0

Answer = str | Sequence[str]


def prompts(locale: str) -> dict[str, str]:
    """Question id -> the literal start of its prompt in ``locale`` (the text before the
    first template tag; for a prompt that opens with a tag, its longest literal run)."""
    found = {}
    for key, text in catalog().table(locale).items():
        if key.startswith("q.") and key.endswith(".prompt") and isinstance(text, str):
            runs = [run.strip() for run in re.split(r"\{[{%].*?[}%]\}", text)]
            literal = runs[0] if runs[0] else max(runs, key=len)
            if literal:
                found[key[2 : -len(".prompt")]] = literal
    return found


def _opening_with_a_tag(locale: str) -> frozenset[str]:
    """Question ids whose prompt in ``locale`` starts with a template tag (a channel name)."""
    return frozenset(
        key[2 : -len(".prompt")]
        for key, text in catalog().table(locale).items()
        if key.startswith("q.") and key.endswith(".prompt") and str(text).startswith("{")
    )


def word(locale: str, command: str) -> str:
    """The first word the core accepts for ``command`` in ``locale`` ("calculate")."""
    words = catalog().table(locale)[f"words.command.{command}"]
    assert isinstance(words, tuple)
    return words[0]


def summary_title(locale: str) -> str:
    title = catalog().table(locale)["summary.title"]
    assert isinstance(title, str)
    return title


def current_question(output: str, locale: str) -> str | None:
    """The id of the last question asked in ``output`` (a reply starts a line)."""
    best: tuple[int, int, str] | None = None
    lines = output.splitlines()
    openers = _opening_with_a_tag(locale)
    for qid, literal in prompts(locale).items():
        for index, line in enumerate(lines):
            if line.startswith(literal) or (qid in openers and literal in line):
                candidate = (index, len(literal), qid)
                best = candidate if best is None or candidate > best else best
    return None if best is None else best[2]


def action_key(output: str, label_start: str) -> str:
    """The letter of the last printed action whose label starts with ``label_start``."""
    for line in reversed(output.splitlines()):
        stripped = line.strip()
        if ") " in stripped and stripped.split(") ", 1)[1].startswith(label_start):
            return stripped.split(")", 1)[0]
    raise AssertionError(f"no action {label_start!r} in:\n{output}")


class Chat:
    """One ``sourcewise chat`` process with piped stdin/stdout."""

    def __init__(self, database: Path, workdir: Path, *, locale: str, user: str = "tester") -> None:
        env = {
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            "NO_COLOR": "1",
            "SOURCEWISE_LOG_LEVEL": "WARNING",
        }
        env.pop("SOURCEWISE_DATABASE_URL", None)
        self.locale = locale
        self.charts = workdir / "charts"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot.cli",
                "chat",
                "--database-url",
                f"sqlite+aiosqlite:///{database}",
                "--user",
                user,
                "--locale",
                locale,
                "--out-dir",
                str(self.charts),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            env=env,
        )
        self._chunks: queue.Queue[bytes] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.transcript = ""

    def _read(self) -> None:
        assert self.process.stdout is not None
        while chunk := self.process.stdout.read1(65536):
            self._chunks.put(chunk)
        self._chunks.put(b"")

    def read_turn(self, timeout: float = TURN_TIMEOUT) -> str:
        """Everything printed up to the next prompt (the prompt itself removed)."""
        data = b""
        prompt = PROMPT.encode()
        while not data.endswith(prompt):
            try:
                chunk = self._chunks.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(
                    f"no prompt within {timeout}s; got:\n{data.decode()}"
                ) from None
            if not chunk:
                raise AssertionError(f"chat ended early; got:\n{data.decode()}{self.stderr()}")
            data += chunk
        text = data[: -len(prompt)].decode()
        self.transcript += text + PROMPT
        return text

    def say(self, line: str) -> str:
        assert self.process.stdin is not None
        self.transcript += line + "\n"
        self.process.stdin.write((line + "\n").encode())
        self.process.stdin.flush()
        return self.read_turn()

    def answer(self, output: str, answers: Mapping[str, Answer], *, limit: int = 40) -> str:
        """Answer questions from ``answers`` (a list answers repeats in turn, or gives several
        lines for one question) until the summary of answers is shown; returns it."""
        pending = {qid: [a] if isinstance(a, str) else list(a) for qid, a in answers.items()}
        for _ in range(limit):
            if summary_title(self.locale) in output:
                return output
            qid = current_question(output, self.locale)
            assert qid is not None, f"no question recognised in:\n{output}"
            assert pending.get(qid), f"no answer left for {qid!r}:\n{self.transcript}"
            line = pending[qid].pop(0)
            output = self.say(line)
            if qid in ("channels", "languages") and line and line[0].isdigit():
                output = self.say("")  # numbers toggle; an empty line submits
        raise AssertionError(f"no summary after {limit} answers:\n{self.transcript}")

    def close(self, timeout: float = 30.0) -> tuple[int, str]:
        """End of input: the chat must exit by itself; returns (status, remaining output)."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        status = self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        rest = b""
        while not self._chunks.empty():
            rest += self._chunks.get_nowait()
        self._close_pipes()
        return status, rest.decode()

    def kill(self, sig: int = signal.SIGKILL, timeout: float = 30.0) -> int:
        self.process.send_signal(sig)
        status = self.process.wait(timeout=timeout)
        self._reader.join(timeout=timeout)
        return status

    def rest(self) -> str:
        rest = b""
        while not self._chunks.empty():
            rest += self._chunks.get_nowait()
        return rest.decode()

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None:
            return ""
        return "\nstderr:\n" + self.process.stderr.read().decode(errors="replace")

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout, self.process.stderr):
            if pipe is not None and not pipe.closed:
                pipe.close()

    def __enter__(self) -> Chat:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        self._reader.join(timeout=30)
        self._close_pipes()
