"""Statistics against known values, and the rule that refuses to conclude on too few answers."""

from __future__ import annotations

import math

import pytest
from scipy import stats as scipy_stats

from community import i18n
from community.reports import MIN_TO_CONCLUDE, Stat, compare


def stat_of(values: list[int]) -> Stat:
    histogram = tuple(values.count(v) for v in range(1, 6))
    return Stat(len(values), sum(values), sum(v * v for v in values), histogram)


def test_mean_sd_and_interval_from_running_totals():
    values = [2, 4, 4, 4, 5, 5, 5, 3, 3, 4]
    stat = stat_of(values)
    mean = sum(values) / len(values)
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (len(values) - 1))
    assert stat.mean == pytest.approx(mean)
    assert stat.sd == pytest.approx(sd)
    half = scipy_stats.t.ppf(0.975, len(values) - 1) * sd / math.sqrt(len(values))
    assert stat.ci95 == pytest.approx((mean - half, mean + half))


def test_welch_from_totals_matches_the_formulas_and_the_raw_data_test():
    # Two groups with unequal variances: computed from the running totals, from Welch's
    # formulas written out, and by scipy from the raw answers, the results agree.
    a = [3, 4, 4, 3, 2, 3, 4, 3, 2, 3, 4, 3, 3, 2, 4, 3, 3, 4, 2, 3, 3, 4]
    b = [4, 5, 5, 3, 5, 4, 5, 4, 5, 5, 3, 4, 5, 5, 4, 5, 4, 5, 3, 5, 5, 4, 5, 4]
    result = compare(stat_of(a), stat_of(b))
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1) / len(a)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1) / len(b)
    t = (mb - ma) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    p = 2 * scipy_stats.t.sf(abs(t), df)
    assert result.difference == pytest.approx(mb - ma)
    assert result.p_value == pytest.approx(p)
    assert result.p_value == pytest.approx(scipy_stats.ttest_ind(b, a, equal_var=False).pvalue)
    half = scipy_stats.t.ppf(0.975, df) * math.sqrt(va + vb)
    assert result.difference_ci == pytest.approx((mb - ma - half, mb - ma + half))
    assert result.direction == "up"


def test_a_welch_value_worked_by_hand():
    # Means 20 and 22, standard deviations 2 and 4, twenty answers each:
    # t = 2 / sqrt(4/20 + 16/20) = 2.0; df = 1 / ((0.2² + 0.8²) / 19) = 27.94; p = 0.0553.
    # The sum of squares is n × mean² + (n − 1) × variance.
    before = Stat(20, 400, 20 * 20**2 + 19 * 4, (0, 0, 0, 0, 0))
    after = Stat(20, 440, 20 * 22**2 + 19 * 16, (0, 0, 0, 0, 0))
    assert before.sd == pytest.approx(2.0)
    assert after.sd == pytest.approx(4.0)
    result = compare(before, after)
    assert result.p_value == pytest.approx(2 * scipy_stats.t.sf(2.0, 27.94), rel=1e-3)
    assert result.p_value == pytest.approx(0.0553, abs=5e-4)
    assert result.direction == "same"  # p above 0.05: no difference shown


def test_too_few_answers_to_conclude():
    few = stat_of([5] * (MIN_TO_CONCLUDE - 1))
    many = stat_of([1, 2] * MIN_TO_CONCLUDE)
    for before, after in ((few, many), (many, few), (None, many), (many, None)):
        result = compare(before, after)
        assert result.direction == "too_few"
        assert result.p_value is None and result.difference is None


def test_identical_answers_need_no_test():
    same = stat_of([4] * 30)
    assert compare(same, same).direction == "same"
    assert compare(same, stat_of([5] * 30)).direction == "up"


def test_intervals_are_never_drawn_outside_the_scale():
    few_and_high = stat_of([5, 5, 4])  # Student's t on 2 degrees of freedom reaches past 6
    assert few_and_high.ci95[0] >= 1 and few_and_high.ci95[1] == 5
    assert stat_of([1, 1, 2]).ci95[0] == 1
    before = stat_of([1] * 19 + [5])
    after = stat_of([5] * MIN_TO_CONCLUDE)
    comparison = compare(before, after)
    assert comparison.difference_ci is not None
    assert comparison.difference_ci[1] == 4  # two means of 1 to 5 differ by 4 at most


@pytest.mark.parametrize("value", [-0.04, -0.0, 0.0, 0.04])
def test_a_difference_that_rounds_to_zero_shows_no_sign(value):
    i18n.set_locale("fr")
    assert i18n.show_number(value) == "0,0"
    assert i18n.show_signed(value) == "0,0"
    assert i18n.show_signed(-0.4) == "−0,4" and i18n.show_signed(0.6) == "+0,6"
