"""Secondary suppression (`exports.suppression`), worked by hand on small tables a reader could check.

Every table is given as its count columns; a reader sees each row's options add up to its total (the
last column) and, when there is a total row, the groups add up to it column by column. "<5" is a small
count, ".." a count hidden only so that a small one cannot be worked out by subtraction.
"""

from __future__ import annotations

import numpy as np
import pytest

from exports.aggregate import ChoiceTable, Group
from exports.protected import choice_cells
from exports.suppression import PROTECTING, Audit, Line, Suppression, protect, table_lines
from forms.model import Choice

HIDE = Suppression(5)


def shown(cells) -> list[list]:
    """The table as a reader sees it, row by row."""
    return [list(row) for row in zip(*(cells.column(j) for j in range(cells.values.shape[1])))]


def single_hidden_lines(cells, row_lines, summed) -> list[Line]:
    """The sums a reader could solve for a hidden cell: those with exactly one hidden cell."""
    hidden = cells.hidden.ravel()
    return [line for line in table_lines(cells.values.shape, row_lines, summed)
            if sum(hidden[c] for c in line.members) == 1]


def nothing_told(cells, row_lines, summed) -> bool:
    """Whether no hidden cell can be worked out exactly from the shown cells and the table's sums."""
    values = np.asarray(cells.values, dtype=float)
    audit = Audit(values.ravel(), cells.primary.ravel(), table_lines(values.shape, row_lines, summed),
                  HIDE.min_count - 1, HIDE.small_groups(values, row_lines))
    return not audit.told(cells.hidden.ravel(), cells.primary.ravel()).any()


def by_rows(*rows):
    """Count columns from rows written as a reader reads them."""
    return [np.array(column) for column in zip(*rows)]


def test_a_row_of_3_6_and_8_of_17_hides_the_3_and_the_6_that_would_tell_it():
    cells = HIDE.table(by_rows([3, 6, 8, 17]), [(range(3), 3)])
    assert shown(cells) == [["<5", PROTECTING, 8, 17]]  # 17 - 6 - 8 = 3 without the ".."


def test_two_small_counts_whose_sum_can_only_be_4_and_4_get_a_third_hidden_beside_them():
    """An outside tester's case: Sydskåne 4, 16, 34, 4 of 58. Shown as "<5 16 34 <5 58" the two small
    counts must add up to 8, and each is at most 4: both are 4. A third hidden cell leaves them open."""
    cells = HIDE.table(by_rows([4, 16, 34, 4, 58]), [(range(4), 4)])
    assert shown(cells) == [["<5", "..", 34, "<5", 58]]  # 4 + 16 + 4 = 24: 1..4, 16..22, 1..4


def test_the_outside_testers_solved_cells_are_no_longer_solvable():
    """Two tables an outside tester solved from the demo workbooks: options, substantive answers, "Vet ej",
    "Ej tillämplig", "Ej besvarad" per group, then the total row.

    NAD's yes/no by hub: Sydskåne's two "<5" had to add up to 8 (4 and 4; its non-answers are 0 and its
    size is in every table). One of them is now shown "..", which says nothing of its size: 8 = "<5" + "..".
    The contact log's Kronoberg had 3 contacts in three roles, each "<5", so each 1: a group smaller than
    5 now shows every count "<5", its zeros too.
    """
    lines = [(range(2), 2), (range(2, 6), None)]
    nad = HIDE.table(by_rows([6, 7, 13, 0, 0, 0], [4, 4, 8, 0, 0, 0], [10, 11, 21, 0, 0, 0]), lines, summed=2)
    assert shown(nad)[1] == ["..", "<5", 8, 0, 0, 0]
    assert nothing_told(nad, lines, 2)
    lines = [(range(4), 4), (range(4, 8), None)]
    log = HIDE.table(by_rows([10, 5, 6, 2, 23, 1, 0, 0], [1, 1, 1, 0, 3, 0, 0, 0], [8, 7, 9, 4, 28, 0, 0, 1],
                             [19, 13, 16, 6, 54, 1, 0, 1]), lines, summed=3)
    assert shown(log)[1] == ["<5"] * 8
    assert nothing_told(log, lines, 3)


def test_realistic_tables_leave_no_hidden_cell_to_be_worked_out():
    """County tables as the exports make them (21 groups of 5 to 60 submissions, 2 to 7 options, some
    "Vet ej" and unanswered), 100 of them, random but fixed: no hidden cell can be worked out exactly."""
    rng = np.random.default_rng(2026)
    for _ in range(100):
        groups, k = int(rng.integers(3, 22)), int(rng.integers(2, 8))
        size = rng.integers(5, 60, size=groups)
        shares = rng.dirichlet(np.ones(k + 2), size=groups)
        counts = np.array([rng.multinomial(n, p) for n, p in zip(size, shares)])
        options, dont_know, missing = counts[:, :k], counts[:, k], counts[:, k + 1]
        rows = np.column_stack([options, options.sum(axis=1), dont_know, np.zeros(groups, int), missing])
        rows = np.vstack([rows, rows.sum(axis=0)])
        lines = [(range(k), k), (range(k, k + 4), None)]
        cells = HIDE.table([rows[:, j] for j in range(rows.shape[1])], lines, summed=groups)
        assert nothing_told(cells, lines, groups), rows


def test_two_hidden_counts_that_must_both_be_1_get_a_third_beside_them():
    cells = HIDE.table(by_rows([1, 1, 9, 11]), [(range(3), 3)])
    assert shown(cells) == [["<5", "<5", "..", 11]]  # 11 - 9 = 2 could only be 1 and 1
    cells = HIDE.table(by_rows([2, 3, 9, 14]), [(range(3), 3)])
    assert shown(cells) == [["<5", "<5", 9, 14]]  # 5 = 1 + 4, 2 + 3, 3 + 2 or 4 + 1: nothing told


def test_a_county_table_with_its_total_row_leaves_no_sum_with_one_hidden_cell():
    # A: 3 + 6 + 8 = 17; B: 7 + 5 + 9 = 21; total: 10 + 11 + 17 = 38.
    # A's 3 is small; its row gives away the 6 (hidden); the columns then give away B's 7 and 5.
    rows = ([3, 6, 8, 17], [7, 5, 9, 21], [10, 11, 17, 38])
    lines = [(range(3), 3)]
    cells = HIDE.table(by_rows(*rows), lines, summed=2)
    assert shown(cells) == [["<5", "..", 8, 17], ["..", "..", 9, 21], [10, 11, 17, 38]]
    assert single_hidden_lines(cells, lines, summed=2) == []
    # what a reader can still say: A's first count is 1 to 4, and B's two hidden counts add up to 12
    assert cells.primary.sum() == 1 and cells.secondary.sum() == 3


def test_a_column_where_one_county_has_2_is_not_told_by_the_total_row():
    # multiple choice: a respondent may tick several options, so only the columns are sums
    rows = ([2, 7], [6, 8], [8, 15])
    cells = HIDE.table(by_rows(*rows), summed=2)
    assert shown(cells) == [["<5", 7], ["..", 8], [8, 15]]  # 8 - 6 = 2 without the ".."


def test_a_zero_is_never_hidden_and_the_total_is_when_nothing_else_is_left():
    # A: 3 + 6 = 9; B answered nothing; total 3 + 6 = 9. A's 6 protects its 3; in the second column
    # only the total's 6 is left to protect A's (B's 0 would stay 0 to anyone)
    rows = ([3, 6, 9], [0, 0, 0], [3, 6, 9])
    cells = HIDE.table(by_rows(*rows), [(range(2), 2)], summed=2)
    assert shown(cells) == [["<5", "..", 9], [0, 0, 0], ["<5", "..", 9]]


def test_the_smallest_positive_cell_is_the_one_hidden_beside_a_small_count():
    cells = HIDE.table(by_rows([2, 0, 30, 12, 44]), [(range(4), 4)])
    assert shown(cells) == [["<5", 0, 30, "..", 44]]


def test_a_small_groups_row_shows_every_count_as_small_zeros_too():
    # options, the substantive answers, "Vet ej", "Ej besvarad": each group's submissions are shown in
    # every other table. A: 5 + 1 = 6; B: 0 + 2 = 2 (a group of 2); total 5 + 3 = 8.
    # B's row shows "<5" everywhere, its 0s too: which of its counts are 0 would tell the rest. A's 5 is
    # hidden beside A's 1 (6 - 5), and the total's row beside B's, whose counts a reader now cannot place.
    rows = ([5, 1, 6, 0, 0], [0, 2, 2, 0, 0], [5, 3, 8, 0, 0])
    lines = [(range(2), 2), (range(2, 5), None)]
    cells = HIDE.table(by_rows(*rows), lines, summed=2)
    assert shown(cells) == [["..", "<5", 6, 0, 0], ["<5"] * 5, ["..", "<5", "..", "..", ".."]]
    assert nothing_told(cells, lines, summed=2)


def test_a_hidden_answer_outside_the_shares_is_protected_by_the_groups_size():
    # 10 + 20 = 30 substantive answers and 2 "Vet ej" of the group's 32 submissions (shown in every other
    # table): the 30 is hidden so the 2 is not 32 - 30, then the 10 so the 30 is not 10 + 20
    lines = [(range(2), 2), (range(2, 5), None)]
    cells = HIDE.table(by_rows([10, 20, 30, 2, 0]), lines)
    assert shown(cells) == [["..", 20, "..", "<5", 0]]
    assert nothing_told(cells, lines, None)


def test_a_table_with_nothing_small_stays_as_it_is():
    rows = ([5, 0, 12, 17], [9, 6, 0, 15], [14, 6, 12, 32])
    cells = HIDE.table(by_rows(*rows), [(range(3), 3)], summed=2)
    assert shown(cells) == [list(row) for row in rows]
    assert not cells.hidden.any()
    small = ([1, 2, 3], [1, 2, 3])
    assert shown(Suppression(0).table(by_rows(*small), [(range(2), 2)], summed=1)) == [[1, 2, 3], [1, 2, 3]]


def test_the_whole_countrys_row_is_in_no_column_sum_but_hides_what_an_equal_total_hides():
    # county A and B, their total, then the whole country: A's 3 is protected within A's row and
    # column; the country's own row has nothing small and stays as it is
    rows = ([3, 6, 9], [5, 5, 10], [8, 11, 19], [40, 60, 100])
    cells = HIDE.table(by_rows(*rows), [(range(2), 2)], summed=2)
    assert shown(cells)[3] == [40, 60, 100]
    assert shown(cells)[:3] == [["<5", "..", 9], ["..", "..", 10], [8, 11, 19]]
    # one county answered: the country's row is its total's, and hides the same
    rows = ([3, 6, 9], [3, 6, 9], [3, 6, 9])
    assert shown(HIDE.table(by_rows(*rows), [(range(2), 2)], summed=1)) == [["<5", "..", 9]] * 3


def test_shares_resting_on_a_protecting_cell_are_dashes():
    cells = HIDE.table(by_rows([3, 6, 8, 17]), [(range(3), 3)])
    shares = [3 / 17, 6 / 17, 8 / 17]
    assert [cells.figures([shares[i]], i, 3)[0] for i in range(3)] == ["–", "–", pytest.approx(8 / 17)]


def test_protect_works_on_any_lines_given():
    # a 2 x 2 table whose four cells and the one grand total 20 a reader knows: one hidden cell needs another
    values = np.array([[2, 8], [4, 6]])
    hidden = protect(values, values < 3, [Line((0, 1, 2, 3))])
    assert hidden.tolist() == [[True, False], [True, False]]


def choice(kind: str, counts, base, special=None):
    """A choice table of two groups and a total, options A and B, one special answer."""
    counts = np.array(counts)
    rows = len(counts)
    special = np.array(special if special is not None else [[0]] * rows)
    zeros = np.zeros(rows, dtype=np.int64)
    return ChoiceTable("q", None, kind, [Choice("a", {}), Choice("b", {})], [Choice("vet_ej", {})],
                       [Group("1", "A"), Group("2", "B"), Group(None, "Totalt")][:rows], counts, special,
                       zeros, zeros, np.array(base))


def test_a_single_choice_tables_options_add_up_to_its_substantive_answers():
    table = choice("choice", [[3, 6], [5, 5], [8, 11]], [9, 10, 19])
    cells = choice_cells(table, HIDE, summed=2)
    assert [cells.column(j) for j in range(2)] == [["<5", "..", 8], ["..", "..", 11]]
    assert cells.column(cells.base) == [9, 10, 19]


def test_a_multiple_choice_tables_options_are_only_summed_down_the_columns():
    # A ticked "a" 3 times and "b" 6 times among 7 respondents: 3 + 6 is not 7, nothing to tell there
    table = choice("multi", [[3, 6], [5, 5], [8, 11]], [7, 8, 15])
    cells = choice_cells(table, HIDE, summed=2)
    assert [cells.column(j) for j in range(2)] == [["<5", "..", 8], [6, 5, 11]]  # B's 5 protects A's 3
