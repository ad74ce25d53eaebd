"""The renderer pool: a render past its limits is stopped and its process replaced, and one
slow render never holds up the others. No test waits for a fixed time: a slow render is one
that waits for a file the test writes when it is done checking."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from runtime.pdfs import pool as render_pool

MIB = 1024 * 1024


def wait_for(path: str) -> str:
    """A render that lasts until the test lets it end (runs in a renderer process)."""
    Path(f"{path}.pid").write_text(str(os.getpid()))
    while not Path(path).exists():
        time.sleep(0.02)
    return "done"


def killed(_: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def greedy(size: int) -> int:
    return len(bytearray(size))


def failing(_: object) -> None:
    raise ValueError("a defect in a template")


@pytest.fixture
def pool() -> render_pool.RenderPool:
    return render_pool.pool(2, 1024)


def test_a_slow_render_does_not_hold_up_the_others(pool: render_pool.RenderPool, tmp_path: Path) -> None:
    release = tmp_path / "release"
    slow = pool.submit(wait_for, str(release), 600)
    try:
        # A second render is done while the first still runs: there is a process for it.
        assert pool.submit(abs, -3, 600).result(120) == 3
        assert not slow.done()
    finally:
        release.touch()
    assert slow.result(120) == "done"


def test_a_render_past_its_time_limit_is_stopped_and_its_process_replaced(
    pool: render_pool.RenderPool, tmp_path: Path
) -> None:
    # The render never ends by itself: only its limit stops it.
    stopped = pool.submit(wait_for, str(tmp_path / "never"), 0.5)
    with pytest.raises(render_pool.RenderRefused, match="more than 0.5 s"):
        stopped.result(120)
    process = int((tmp_path / "never.pid").read_text())
    assert not Path(f"/proc/{process}").exists()  # killed and reaped, not left rendering
    assert [pool.submit(abs, -n, 600).result(120) for n in range(4)] == [0, 1, 2, 3]
    assert process not in pool.pids()


def test_the_pool_recovers_when_a_process_dies(pool: render_pool.RenderPool) -> None:
    with pytest.raises(render_pool.RenderRefused, match="died"):
        pool.submit(killed, None, 600).result(120)
    assert [pool.submit(abs, -n, 600).result(120) for n in range(4)] == [0, 1, 2, 3]


def test_a_render_needing_too_much_memory_is_stopped() -> None:
    limited = render_pool.pool(2, 1024)
    with pytest.raises(render_pool.RenderRefused, match="memory"):
        limited.submit(greedy, 2048 * MIB, 600).result(120)
    assert limited.submit(greedy, 10 * MIB, 600).result(120) == 10 * MIB


def test_a_renders_own_error_reaches_its_caller_and_the_process_goes_on(pool: render_pool.RenderPool) -> None:
    pool.submit(abs, -1, 600).result(120)
    with pytest.raises(ValueError, match="defect"):
        pool.submit(failing, None, 600).result(120)
    assert pool.submit(abs, -5, 600).result(120) == 5


def test_a_render_someone_waits_for_goes_before_those_made_ahead(tmp_path: Path) -> None:
    single = render_pool.pool(1, 1024)
    release = tmp_path / "release"
    busy = single.submit(wait_for, str(release), 600)
    finished: list[str] = []
    ahead = [single.submit(abs, -n, 600, render_pool.AHEAD) for n in range(3)]
    for n, future in enumerate(ahead):
        future.add_done_callback(lambda _done, n=n: finished.append(f"ahead {n}"))
    single.promote(ahead[2])  # its citizen asks for it
    release.touch()
    assert busy.result(120) == "done" and [future.result(120) for future in ahead] == [0, 1, 2]
    assert finished == ["ahead 2", "ahead 0", "ahead 1"]
