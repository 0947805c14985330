"""Editing a text: what is written to the YAML, the preview and check, two savers, four eyes, restore, publish."""

from __future__ import annotations

import difflib
import html

from assistant.console import history
from assistant.console.texts import SIGNED_TEXT
from assistant.content import publications
from assistant.content.versions import (
    APPROVED,
    AWAITING_SIGN_OFF,
    CHANGED_SINCE_SIGN_OFF,
    SIGNED_VERSION,
    sign_off_status,
    text_version,
)
from tests.assistant.console.conftest import signed_in

KEY = "cart/what_is"
NEW_WORDING = "CAR-T cell therapy is a treatment made from your own immune cells.\n\nCall {hotline_phone} if unwell."


def save(person, workspace, key=KEY, wording=NEW_WORDING, version=None, **extra):
    text = workspace.text(key)
    person.get(f"/edit?key={key}")
    data = {
        "key": key,
        "version": version or text.version,
        "base_text": text.text,
        "text": wording,
        "source": text.sources,
        "action": "save",
        **{f"button_title_{i}": b["title"] for i, b in enumerate(text.buttons)},
        **{f"button_payload_{i}": b["payload"] for i, b in enumerate(text.buttons)},
        **extra,
    }
    return person.post("/edit", data)


def test_the_list_shows_every_kind_of_text_with_its_status(console, workspace):
    page = signed_in(console, "edna").get("/").text
    for key in ("cart/what_is", "urgent_routes", "utter_urgent_help", "widget:greeting", "other_language:pl"):
        assert f"{key}" in page, key
    assert "urgent_help:pl" in page  # the translated urgent help too
    assert "Awaiting sign-off" in page
    found = signed_in(console, "edna").get("/?q=chimeric").text
    assert "cart/car_meaning" in found and "cart/what_is" not in found
    urgent = signed_in(console, "edna").get("/?kind=urgent").text
    assert "utter_urgent_help" in urgent and "cart/what_is" not in urgent


def test_the_review_due_view_lists_texts_due_within_30_days(console, workspace):
    path = workspace.text(KEY).path
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('review_by: "2027-05-05"', 'review_by: "2026-12-20"', 1), encoding="utf-8")
    page = signed_in(console, "rita").get("/?view=review-due").text
    assert KEY in page and "Review due" in page
    assert "cart/how_it_works" not in page


def test_saving_changes_only_the_text_line_and_keeps_comments(console, workspace):
    path = workspace.text(KEY).path
    before = path.read_text(encoding="utf-8")
    response = save(signed_in(console, "edna"), workspace)
    assert response.status == 200, response.text
    after = path.read_text(encoding="utf-8")
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [
        next(line for line in ("-" + x for x in before.splitlines()) if "CAR-T cell therapy is a type" in line),
        '+  - text: "CAR-T cell therapy is a treatment made from your own immune cells.\\n\\nCall {hotline_phone} '
        'if unwell."',
    ]
    assert (
        before.splitlines()[0].startswith("# Retrieval responses") and after.splitlines()[0] == before.splitlines()[0]
    )
    assert workspace.text(KEY).text == NEW_WORDING


def test_the_preview_fills_contacts_and_shows_provenance_and_the_check(console, workspace):
    edna = signed_in(console, "edna")
    text = workspace.text(KEY)
    edna.get(f"/edit?key={KEY}")
    page = edna.post(
        "/edit",
        {
            "key": KEY,
            "version": text.version,
            "text": "Call {hotline_phone}. We guarantee a cure, see http://example.com",
            "source": text.sources,
            "action": "preview",
        },
    ).text
    assert "{hotline_phone}" not in page.split("Preview</h2>")[1].split("Content check")[0]
    assert "Awaiting clinical sign-off." in page  # the widget's own provenance words
    assert "Source:" in page
    assert "links to http://example.com, which is not on the list of approved web sites" in html.unescape(page)
    assert workspace.text(KEY).text == text.text  # a preview saves nothing


def test_two_people_saving_the_same_text_the_second_is_told_and_nothing_is_lost(console, workspace):
    edna, eric = signed_in(console, "edna"), signed_in(console, "eric")
    opened = workspace.text(KEY)
    assert save(edna, workspace, wording="Edna's wording of the answer.").status == 200
    clash = save(eric, workspace, wording="Eric's wording of the answer.", version=opened.version)
    assert clash.status == 409
    page = html.unescape(clash.text)
    assert "Someone else saved this text after you opened it" in page
    assert "Edna&#39;s" in clash.text or "Edna's" in page  # the other change is shown
    assert "Eric's wording of the answer." in page  # and the second saver's words are kept in the box
    assert workspace.text(KEY).text == "Edna's wording of the answer."
    again = eric.post(
        "/edit",
        {
            "key": KEY,
            "version": workspace.text(KEY).version,
            "text": "Eric's wording of the answer.",
            "source": opened.sources,
            "action": "save",
        },
    )
    assert again.status == 200
    assert workspace.text(KEY).text == "Eric's wording of the answer."
    saves = [e for e in history.entries(KEY, url=console.ctx.config.db_url) if e.action == history.SAVE]
    assert [e.username for e in saves] == ["eric", "edna"]


def test_four_eyes_the_author_cannot_sign_off_another_reviewer_can(console, workspace):
    url = console.ctx.config.db_url
    rob = signed_in(console, "rob")  # a reviewer who edits
    save(rob, workspace)
    text = workspace.text(KEY)
    assert sign_off_status(text.response) == AWAITING_SIGN_OFF
    rob.get(f"/sign-off?key={KEY}")
    refused = rob.post("/sign-off", {"key": KEY, "version": text.version})
    assert refused.status == 403 and "you cannot sign it off" in refused.text
    edna = signed_in(console, "edna")
    edna.get(f"/sign-off?key={KEY}")
    assert edna.post("/sign-off", {"key": KEY, "version": text.version}).status == 403  # editors never sign
    rita = signed_in(console, "rita")
    page = rita.get(f"/sign-off?key={KEY}").text
    assert "<ins>" in page and "<del>" in page  # the difference, before and after
    signed = rita.post("/sign-off", {"key": KEY, "version": text.version})
    assert signed.status == 200 and "Signed off." in signed.text
    metadata = workspace.text(KEY).metadata
    assert metadata["reviewer"] == "rita" and metadata["reviewer_role"] == "clinical reviewer"
    assert metadata["approved"] == "2026-12-07"
    assert metadata[SIGNED_VERSION] == text_version(workspace.text(KEY).response) == text.version
    assert metadata[SIGNED_TEXT] == NEW_WORDING
    assert sign_off_status(workspace.text(KEY).response) == APPROVED
    assert [e.action for e in history.entries(KEY, url=url)] == [history.SIGN_OFF, history.SAVE]
    # any later edit puts it back to "changed since sign-off", the last signed text kept
    save(edna, workspace, wording="A later change.")
    changed = workspace.text(KEY)
    assert sign_off_status(changed.response) == CHANGED_SINCE_SIGN_OFF
    assert changed.metadata["reviewer"] == "" and changed.metadata[SIGNED_TEXT] == NEW_WORDING


def test_a_reviewer_cannot_sign_off_a_version_other_than_the_one_shown(console, workspace):
    rita, edna = signed_in(console, "rita"), signed_in(console, "edna")
    shown = workspace.text(KEY).version
    save(edna, workspace)
    rita.get(f"/sign-off?key={KEY}")
    response = rita.post("/sign-off", {"key": KEY, "version": shown})
    assert response.status == 409
    assert sign_off_status(workspace.text(KEY).response) == AWAITING_SIGN_OFF


def test_restoring_an_earlier_version_needs_sign_off_again(console, workspace):
    url = console.ctx.config.db_url
    original = workspace.text(KEY).text
    edna, rita = signed_in(console, "edna"), signed_in(console, "rita")
    save(edna, workspace)
    rita.get(f"/sign-off?key={KEY}")
    rita.post("/sign-off", {"key": KEY, "version": workspace.text(KEY).version})
    assert sign_off_status(workspace.text(KEY).response) == APPROVED
    first_save = next(e for e in history.entries(KEY, url=url) if e.action == history.SAVE)
    edna.get(f"/history?key={KEY}")
    response = edna.post("/restore", {"entry": str(first_save.id), "which": "before"})
    assert response.status == 200 and "needs clinical sign-off again" in response.text
    restored = workspace.text(KEY)
    assert restored.text == original
    assert sign_off_status(restored.response) == CHANGED_SINCE_SIGN_OFF
    assert history.entries(KEY, url=url)[0].action == history.RESTORE
    assert history.authors_since_sign_off(KEY, url=url) == ["edna"]


def test_the_history_page_shows_changes_and_that_the_chain_is_intact(console, workspace):
    save(signed_in(console, "edna"), workspace)
    page = signed_in(console, "rita").get("/history").text
    assert "The history is intact" in page and KEY in page and "edna" in page


def test_publish_needs_a_reviewer_or_admin_and_stores_a_publication(console, workspace):
    url = console.ctx.config.db_url
    edna = signed_in(console, "edna")
    edna.get("/publish")
    assert edna.post("/publish", {"note": "try"}).status == 403
    assert publications.latest_number(url) == 0
    ada = signed_in(console, "ada")
    ada.get("/publish")
    response = ada.post("/publish", {"note": "first"})
    assert response.status == 200, response.text
    assert publications.latest_number(url) == 1
    published = publications.load(1, url)
    assert published is not None and published.published_by == "ada"
    assert published.files["data/responses/cart.yml"] == workspace.text(KEY).path.read_text(encoding="utf-8")
    assert history.entries(url=url)[0].action == history.PUBLISH


def test_every_kind_of_text_opens_for_editing_and_sign_off(console, workspace):
    edna = signed_in(console, "edna")
    kinds = {}
    for text in workspace.texts().values():
        kinds.setdefault((text.kind, text.urgent), text.key)
    assert len(kinds) >= 6
    for key in kinds.values():
        for path in (f"/edit?key={key}", f"/sign-off?key={key}", f"/history?key={key}"):
            assert edna.get(path.replace("+", "%2B")).status == 200, path
    assert edna.get("/edit?key=no/such_answer").status == 404


def test_a_translation_is_saved_in_its_own_place(console, workspace):
    key = "urgent_help:pl"
    text, notice = workspace.text(key), workspace.text("other_language:pl").text
    path = text.path
    before = path.read_text(encoding="utf-8")
    edna = signed_in(console, "edna")
    response = save(edna, workspace, key=key, wording=text.text + " Dziękujemy.")
    assert response.status == 200, response.text
    assert workspace.text(key).text.endswith(" Dziękujemy.")
    assert workspace.text("other_language:pl").text == notice  # the notice beside it is untouched
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [b for a, b in zip(before.splitlines(), after, strict=True) if a != b]
    assert (
        len(changed) == 1 and changed[0].startswith('      text: "**Prosimy') and changed[0].endswith(' Dziękujemy."')
    )


def test_a_new_source_is_added_to_the_sources_list_and_ticked(console, workspace):
    edna = signed_in(console, "edna")
    text = workspace.text(KEY)
    edna.get(f"/edit?key={KEY}")
    data = {"key": KEY, "version": text.version, "text": text.text, "source": text.sources, "action": "add_source"}
    new = {
        "new_source_url": "https://www.nhs.uk/conditions/car-t/",
        "new_source_title": "CAR-T",
        "new_source_publisher": "NHS",
    }
    response = edna.post("/edit", {**data, **new})
    assert response.status == 200 and "Source added" in response.text
    assert 'value="https://www.nhs.uk/conditions/car-t/" checked' in response.text
    listed = workspace.sources_path.read_text(encoding="utf-8")
    assert listed.endswith(
        '- url: "https://www.nhs.uk/conditions/car-t/"\n  title: "CAR-T"\n  publisher: "NHS"\n'
        '  published: ""\n  checked: "2026-12-07"\n'
    )
    assert edna.post("/edit", {**data, **new}).status == 400  # listed already
    assert edna.post("/edit", {**data, **new, "new_source_url": "http://insecure.example"}).status == 400
    assert workspace.text(KEY).sources == text.sources  # the text itself changes only when saved
    history_page = edna.get("/history").text
    assert "sources" in history_page and 'name="entry"' not in history_page  # a list, not a text to restore
