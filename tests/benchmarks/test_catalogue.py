"""The grown catalogue copy has the right number of distinct made-up answers and leaves the real data alone."""

from pathlib import Path

from ruamel.yaml import YAML

from benchmarks.catalogue import count_answers, grown_project, synthetic_answers

ROOT = Path(__file__).resolve().parents[2]


def test_synthetic_answers_are_distinct_and_reproducible():
    nlu, responses = synthetic_answers(5)
    parsed = YAML(typ="safe").load(nlu)["nlu"]
    assert [item["intent"] for item in parsed] == [f"cart/bench_{n:04d}" for n in range(5)]
    assert len(YAML(typ="safe").load(responses)["responses"]) == 5
    assert synthetic_answers(5) == (nlu, responses)


def test_a_catalogue_grown_four_times_has_four_times_the_answers(tmp_path):
    real = count_answers(ROOT / "data" / "responses")
    project = grown_project(ROOT, tmp_path / "x4", 4)
    assert count_answers(project / "data" / "responses") == 4 * real
    assert (project / "config.yml").read_text() == (ROOT / "config.yml").read_text()
    assert count_answers(ROOT / "data" / "responses") == real
    assert not (ROOT / "data" / "nlu" / "bench_synthetic.yml").exists()
