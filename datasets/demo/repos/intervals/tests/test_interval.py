import pytest

from intervals import Interval


def test_length():
    assert Interval(2, 7).length == 5


def test_rejects_end_before_start():
    with pytest.raises(ValueError, match="before its start"):
        Interval(3, 1)


def test_degenerate_interval_is_allowed():
    assert Interval(4, 4).length == 0


@pytest.mark.parametrize("value", [1, 2.5, 4])
def test_contains_includes_endpoints(value):
    assert value in Interval(1, 4)


def test_does_not_contain_outside_points():
    assert 0 not in Interval(1, 4)
    assert 4.01 not in Interval(1, 4)


def test_overlaps_is_symmetric():
    a, b = Interval(0, 5), Interval(3, 9)
    assert a.overlaps(b) and b.overlaps(a)


def test_touching_intervals_overlap():
    assert Interval(1, 3).overlaps(Interval(3, 5))


def test_disjoint_intervals_do_not_overlap():
    assert not Interval(1, 2).overlaps(Interval(3, 4))


def test_intersection():
    assert Interval(0, 5).intersection(Interval(3, 9)) == Interval(3, 5)
    assert Interval(0, 1).intersection(Interval(2, 3)) is None


def test_str():
    assert str(Interval(1, 2.5)) == "[1, 2.5]"
