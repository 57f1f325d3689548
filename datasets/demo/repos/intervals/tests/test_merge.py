from intervals import Interval, gaps, merge, total_length


def test_merge_empty():
    assert merge([]) == []


def test_merge_single():
    assert merge([Interval(1, 2)]) == [Interval(1, 2)]


def test_merge_overlapping():
    assert merge([Interval(1, 3), Interval(2, 6)]) == [Interval(1, 6)]


def test_merge_sorts_input():
    assert merge([Interval(5, 8), Interval(1, 3), Interval(2, 4)]) == [
        Interval(1, 4),
        Interval(5, 8),
    ]


def test_merge_nested():
    assert merge([Interval(0, 10), Interval(2, 3), Interval(4, 12)]) == [Interval(0, 12)]


def test_merge_keeps_disjoint_intervals_apart():
    assert merge([Interval(1, 2), Interval(4, 5)]) == [Interval(1, 2), Interval(4, 5)]


def test_merge_does_not_modify_input():
    intervals = [Interval(3, 4), Interval(1, 2)]
    merge(intervals)
    assert intervals == [Interval(3, 4), Interval(1, 2)]


def test_gaps_between_disjoint_intervals():
    assert gaps([Interval(0, 2), Interval(5, 6), Interval(8, 9)]) == [
        Interval(2, 5),
        Interval(6, 8),
    ]


def test_gaps_of_overlapping_intervals():
    assert gaps([Interval(0, 4), Interval(2, 6)]) == []


def test_total_length_counts_overlap_once():
    assert total_length([Interval(0, 2), Interval(1, 4)]) == 4
