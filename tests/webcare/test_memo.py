"""What a process keeps in memory can be forgotten at once, so no test reads another test's world."""

from __future__ import annotations

from webcare.memo import Memo


def test_every_memo_is_forgotten_at_once():
    made: list[str] = []
    first: Memo[str, int] = Memo(size=4)
    second: Memo[str, int] = Memo(size=4)
    first.get("a", lambda: made.append("a") or 1)
    second.get("b", lambda: made.append("b") or 2)
    Memo.clear_every()
    first.get("a", lambda: made.append("a") or 1)
    second.get("b", lambda: made.append("b") or 2)
    assert made == ["a", "b", "a", "b"]


def test_a_kept_value_is_made_once():
    made: list[str] = []
    memo: Memo[str, int] = Memo(size=4)
    assert [memo.get("a", lambda: made.append("a") or 1) for _ in range(3)] == [1, 1, 1]
    assert made == ["a"]
