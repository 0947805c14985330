"""An answer's example questions: list, add (with the near-twin warning), move, remove, and try a question.

:func:`add_example` is the one way the console adds an example (here and from the unanswered questions page):
the near-twin check, the refusal of personal details, the file written, the history record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.console import examples, history, try_client
from assistant.console.texts import Text
from assistant.console.ui import Pages


@dataclass
class Added:
    """What adding an example came to: ``status``, and the notice or error key of ``messages.yml``."""

    status: int
    notice: str = ""
    error: str = ""
    near: List[examples.Near] = field(default_factory=list)
    refused: bool = False  # the same question is another answer's example: not added, no way to insist
    pending: str = ""  # close to other answers' examples: added only if confirmed


def add_example(ui: Pages, request: Request, key: str, example: str, confirmed: bool) -> Added:
    """Add ``example`` under the answer ``key`` after the near-twin check; ``ExampleError`` when it is refused
    (invalid, personal details, already there)."""
    near = examples.near_others(example, key, ui.workspace.catalogue())
    if any(n.identical for n in near):
        return Added(409, error="example_same", near=near, refused=True)
    if near and not confirmed:
        return Added(409, error="example_near", near=near, pending=example)
    before, after = examples.add(ui.workspace.nlu_dir, key, example)
    ui.record(request, history.SAVE, f"examples:{key}", before, after)
    return Added(200, notice="example_added")


def register(app: Sanic, ui: Pages) -> None:
    # -- example questions ----------------------------------------------------------------------------
    def examples_page(request: Request, text: Text, status: int = 200, **context: Any) -> HTTPResponse:
        others = sorted(t.key for t in ui.workspace.texts().values() if t.kind == "answer" and t.key != text.key)
        return ui.page(
            request,
            "examples.html",
            status,
            text=text,
            examples=examples.examples_of(ui.workspace.nlu_dir, text.key),
            others=others,
            **context,
        )

    @app.get("/examples")
    async def examples_view(request: Request) -> HTTPResponse:
        text = ui.find_text(str(request.args.get("key") or ""))
        if text is None or text.kind != "answer":
            return ui.notice(request, "not_found", 404)
        return examples_page(request, text)

    @app.post("/examples")
    async def examples_post(request: Request) -> HTTPResponse:
        text = ui.find_text(ui.form(request, "key"))
        if text is None or text.kind != "answer":
            return ui.notice(request, "not_found", 404)
        action, example = ui.form(request, "action"), examples.clean(ui.form(request, "example"))
        history_key = f"examples:{text.key}"
        try:
            if action == "try":
                try:
                    tried = await try_client.try_question(example, ui.config.rasa_url, ui.config.staff_token)
                except try_client.TryError as error:
                    return examples_page(request, text, 502, error=ui.notices[error.reason], tried_text=example)
                return examples_page(request, text, tried=tried, tried_text=example)
            if action == "add":
                added = add_example(ui, request, text.key, example, ui.form(request, "confirm") == "yes")
                if added.status != 200:
                    return examples_page(
                        request,
                        text,
                        added.status,
                        error=ui.notices[added.error],
                        near=added.near,
                        refused=added.refused,
                        pending=added.pending,
                    )
                return examples_page(request, text, notice=ui.notices[added.notice])
            if action == "remove":
                before, after = examples.remove(ui.workspace.nlu_dir, text.key, ui.form(request, "example"))
                ui.record(request, history.SAVE, history_key, before, after)
                return examples_page(request, text, notice=ui.notices["example_removed"])
            if action == "move":
                target = ui.find_text(ui.form(request, "to"))
                if target is None or target.kind != "answer" or target.key == text.key:
                    return ui.notice(request, "not_found", 404)
                moved = ui.form(request, "example")
                before, after = examples.remove(ui.workspace.nlu_dir, text.key, moved)
                ui.record(request, history.SAVE, history_key, before, after)
                before, after = examples.add(ui.workspace.nlu_dir, target.key, moved)
                ui.record(request, history.SAVE, f"examples:{target.key}", before, after)
                return examples_page(request, text, notice=ui.notices["example_moved"])
        except examples.ExampleError as error:
            return examples_page(request, text, 400, error=ui.notices[str(error)])
        return ui.notice(request, "not_found", 404)
