"""The value-class rule on known distributions (analytics.value_classes, pure Python): where the
Pareto cuts fall, ties at a cut, restricted and potential customers, and the concentration figures."""

from decimal import Decimal

import pytest

from analytics.value_classes import (
    MAJOR,
    ORDINARY,
    POTENTIAL,
    PREMIUM,
    RESTRICTED,
    Figures,
    Rules,
    classify,
    concentration,
    seats,
)

D = Decimal


def fifty(**changes):
    """Customers 1..50 contributing 500, 490, ... 10: one order each."""
    people = [Figures(user_id=n, contribution=D((51 - n) * 10), orders=1, paid=D(1000)) for n in range(1, 51)]
    for user_id, contribution in changes.items():
        people[int(user_id[1:]) - 1] = Figures(user_id=int(user_id[1:]), contribution=D(contribution), orders=1)
    return people


def classes(verdicts):
    return {v.user_id: v.value_class for v in verdicts}


def test_fifty_customers_at_4_and_20_percent_make_two_premium_eight_major_and_forty_ordinary():
    got = classes(classify(fifty(), Rules()))

    assert [n for n, c in got.items() if c == PREMIUM] == [1, 2]
    assert [n for n, c in got.items() if c == MAJOR] == list(range(3, 11))
    assert [n for n, c in got.items() if c == ORDINARY] == list(range(11, 51))


def test_the_staff_cut_moves_the_boundaries():
    got = classes(classify(fifty(), Rules(premium_percent=D(10), major_percent=D(50))))

    assert sum(c == PREMIUM for c in got.values()) == 5
    assert sum(c == MAJOR for c in got.values()) == 20
    assert got[5] == PREMIUM and got[6] == MAJOR and got[25] == MAJOR and got[26] == ORDINARY


@pytest.mark.parametrize(("count", "percent", "expected"), [(50, 4, 2), (50, 20, 10), (30, 4, 2), (10, 4, 1),
                                                            (1, 20, 1), (0, 20, 0), (7, 100, 7)])  # fmt: skip
def test_seats_are_the_customers_with_fewer_than_the_share_ranked_above_them(count, percent, expected):
    assert seats(count, D(percent)) == expected


def test_a_tie_at_the_premium_cut_goes_up_whole():
    # The second and third both contributed 490: the third is premium with the second.
    got = classes(classify(fifty(c3="490"), Rules()))

    assert [n for n, c in got.items() if c == PREMIUM] == [1, 2, 3]
    assert [n for n, c in got.items() if c == MAJOR] == list(range(4, 11))


def test_a_tie_at_the_major_cut_goes_up_whole_and_the_user_ids_never_decide():
    # The tenth, eleventh and twelfth all contributed 410.
    people = fifty(c11="410", c12="410")
    forward = classes(classify(people, Rules()))
    backward = classes(classify(list(reversed(people)), Rules()))

    assert forward[10] == forward[11] == forward[12] == MAJOR and forward[13] == ORDINARY
    assert forward == backward


def test_who_contributed_nothing_is_never_in_the_top():
    people = [Figures(user_id=n, contribution=D(0), orders=1) for n in range(1, 11)]

    assert set(classes(classify(people, Rules())).values()) == {ORDINARY}


def test_negative_contribution_is_restricted_with_its_reason_whatever_the_orders():
    verdict = classify([Figures(user_id=1, contribution=D("-12.50"), orders=1)], Rules())[0]

    assert verdict.value_class == RESTRICTED
    assert verdict.reason == "contributed -12.50 in 12 months"


def test_a_high_refund_rate_restricts_from_the_minimum_orders_on():
    heavy = {"contribution": D(300), "paid": D(1000), "refunds": D(600)}
    verdicts = classify(
        [Figures(user_id=1, orders=2, **heavy), Figures(user_id=2, orders=1, **heavy), *fifty()[2:]], Rules()
    )

    assert verdicts[0].value_class == RESTRICTED and "refunds 60.0% of revenue" in verdicts[0].reason
    assert verdicts[1].value_class != RESTRICTED  # one order: the limit waits


def test_a_refund_rate_at_the_limit_is_not_over_it():
    at_limit = Figures(user_id=1, contribution=D(100), orders=4, paid=D(1000), refunds=D(500))

    assert classify([at_limit], Rules())[0].value_class == PREMIUM


def test_a_high_complaint_rate_restricts():
    complaining = Figures(user_id=1, contribution=D(500), orders=3, paid=D(900), complaints=2)
    fine = Figures(user_id=2, contribution=D(400), orders=4, paid=D(900), complaints=2)  # 50 per 100: at the limit
    verdicts = classify([complaining, fine], Rules())

    assert verdicts[0].value_class == RESTRICTED
    assert verdicts[0].reason == "2 complaint(s) in 3 orders, 66.7 per 100 (limit 50)"
    assert verdicts[1].value_class == PREMIUM


def test_the_abuse_minimum_is_the_staffs():
    complaining = Figures(user_id=1, contribution=D(500), orders=3, paid=D(900), complaints=3)

    assert classify([complaining], Rules(abuse_min_orders=4))[0].value_class == PREMIUM
    assert classify([complaining], Rules(abuse_min_orders=3))[0].value_class == RESTRICTED


def test_restricted_customers_take_no_seat():
    people = fifty(c1="-5")
    got = classes(classify(people, Rules()))

    # 49 ranked: two premium seats (ceil 1.96), ten major (ceil 9.8).
    assert got[1] == RESTRICTED
    assert [n for n, c in got.items() if c == PREMIUM] == [2, 3]
    assert [n for n, c in got.items() if c == MAJOR] == list(range(4, 12))


def test_never_bought_is_potential_and_bought_only_before_the_year_is_ordinary():
    verdicts = classify(
        [Figures(user_id=1), Figures(user_id=2, bought_before=True), Figures(user_id=3, contribution=D(5), orders=1)],
        Rules(),
    )

    assert [(v.value_class, v.reason) for v in verdicts] == [
        (POTENTIAL, "never bought"),
        (ORDINARY, "no order in 12 months"),
        (PREMIUM, ""),
    ]


def test_the_concentration_of_a_known_distribution():
    # 50 customers: two bring 400 each, eight 50 each, forty 2.50 each: total 1,300.
    amounts = [D(400)] * 2 + [D(50)] * 8 + [D("2.50")] * 40
    figures = concentration(amounts)

    assert figures.customers == 50 and figures.total == D(1300)
    assert figures.top_4_share == D("0.6154")  # 800 / 1300
    assert figures.top_20_share == D("0.9231")  # 1200 / 1300
    assert figures.curve[0] == (0.0, 0.0) and figures.curve[-1] == (1.0, 1.0)
    assert figures.curve[1] == (0.02, pytest.approx(400 / 1300))


def test_customers_who_cost_more_than_they_bring_push_the_top_share_past_the_whole():
    figures = concentration([D(100), D(10), D(-60)] + [D(0)] * 7)

    assert figures.top_20_share == D("2.2000")  # the top two make 110 of a total of 50


def test_no_share_without_a_positive_total():
    figures = concentration([D(-5), D(0)])

    assert figures.top_20_share is None and figures.curve == []


def test_a_long_curve_is_thinned_to_its_points():
    figures = concentration([D(1)] * 1000, points=100)

    assert len(figures.curve) == 101 and figures.curve[-1] == (1.0, 1.0)
