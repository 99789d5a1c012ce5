import threading

from devices.queue import DropOldestQueue


def test_full_queue_drops_oldest_and_counts():
    q = DropOldestQueue[int](3)
    for i in range(5):
        q.put(i)
    assert q.dropped == 2
    assert [q.get(0), q.get(0), q.get(0)] == [2, 3, 4]
    assert q.get(0) is None


def test_get_waits_for_a_put_from_another_thread():
    q = DropOldestQueue[str](1)
    threading.Timer(0.05, q.put, args=("x",)).start()
    assert q.get(timeout=2) == "x"


def test_close_wakes_a_waiting_get():
    q = DropOldestQueue[int](1)
    threading.Timer(0.05, q.close).start()
    assert q.get(timeout=5) is None
