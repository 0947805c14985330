"""``make crossval``'s folds: even for every label, the same every run, and moved only where the data moved."""

from collections import Counter

from scripts.crossval import fold_numbers


def examples(counts):
    return [(label, f"{label} question {i}") for label, count in counts.items() for i in range(count)]


def test_every_label_is_split_evenly_over_the_folds():
    data = examples({"cart/what_is": 46, "cart/given_once": 27, "greet": 5})
    numbers = fold_numbers(data, 3)
    for label in ("cart/what_is", "cart/given_once", "greet"):
        sizes = Counter(n for (name, _), n in zip(data, numbers, strict=True) if name == label)
        assert set(sizes) == {0, 1, 2}
        assert max(sizes.values()) - min(sizes.values()) <= 1


def test_the_folds_do_not_depend_on_the_order_of_the_files():
    data = examples({"cart/what_is": 20, "greet": 10})
    folds = dict(zip(data, fold_numbers(data, 3), strict=True))
    shuffled = list(reversed(data))
    assert dict(zip(shuffled, fold_numbers(shuffled, 3), strict=True)) == folds


def test_an_example_added_to_one_label_moves_no_other_labels_folds():
    data = examples({"cart/what_is": 20, "cart/given_once": 12, "greet": 10})
    before = dict(zip(data, fold_numbers(data, 3), strict=True))
    grown = data + [("cart/given_once", "is car t given more than once")]
    after = dict(zip(grown, fold_numbers(grown, 3), strict=True))
    assert {e: n for e, n in after.items() if e[0] != "cart/given_once"} == {
        e: n for e, n in before.items() if e[0] != "cart/given_once"
    }
