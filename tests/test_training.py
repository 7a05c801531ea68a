"""The model is retrained exactly when something it is built from changed, the safety lexicon included."""
import shutil

import pytest

from bot.training import inputs_fingerprint


@pytest.fixture()
def project_copy(tmp_path):
    for name in ("config.yml", "domain.yml"):
        shutil.copy(name, tmp_path / name)
    for folder in ("data/nlu", "data/safety/lexicon"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "data/nlu/greetings.yml").write_text("nlu: []\n", encoding="utf-8")
    (tmp_path / "data/safety/lexicon/suicide.yml").write_text("entries: []\n", encoding="utf-8")
    (tmp_path / "data/safety/evaluation").mkdir(parents=True)
    return tmp_path


def test_fingerprint_is_stable_when_nothing_changed(project_copy):
    assert inputs_fingerprint(project_copy) == inputs_fingerprint(project_copy)


@pytest.mark.parametrize("changed", ["data/safety/lexicon/suicide.yml", "data/nlu/greetings.yml", "config.yml"])
def test_editing_any_training_input_makes_the_model_stale(project_copy, changed):
    before = inputs_fingerprint(project_copy)
    with open(project_copy / changed, "a", encoding="utf-8") as file:
        file.write("\n# edited\n")
    assert inputs_fingerprint(project_copy) != before


def test_editing_the_evaluation_set_does_not_retrain(project_copy):
    before = inputs_fingerprint(project_copy)
    (project_copy / "data/safety/evaluation/dev_set.yml").write_text("messages: []\n", encoding="utf-8")
    assert inputs_fingerprint(project_copy) == before


def test_editing_an_evaluation_tool_does_not_retrain_but_editing_a_component_does(project_copy):
    (project_copy / "bot/safety").mkdir(parents=True)
    (project_copy / "bot/safety/evaluate.py").write_text("# report figures\n", encoding="utf-8")
    (project_copy / "bot/safety/lexicon.py").write_text("# match phrases\n", encoding="utf-8")
    before = inputs_fingerprint(project_copy)
    (project_copy / "bot/safety/evaluate.py").write_text("# report more figures\n", encoding="utf-8")
    assert inputs_fingerprint(project_copy) == before
    (project_copy / "bot/safety/lexicon.py").write_text("# match more phrases\n", encoding="utf-8")
    assert inputs_fingerprint(project_copy) != before
