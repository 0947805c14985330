"""Accounts (argon2, make staff-user) and the hash-chained history."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from assistant.console import accounts, history
from assistant.settings import override


def test_a_password_is_stored_only_as_an_argon2_hash(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    accounts.save_account("nina", "editor", "a long enough secret", url)
    with accounts.engine(url).connect() as connection:
        stored = connection.execute(sa.select(accounts.accounts_table.c.password_hash)).scalar()
    assert stored.startswith("$argon2id$") and "a long enough secret" not in stored
    assert accounts.verify("nina", "a long enough secret", url) == accounts.Account("nina", "editor")
    assert accounts.verify("nina", "a wrong one entirely", url) is None
    assert accounts.verify("nobody", "a long enough secret", url) is None


def test_saving_again_resets_role_and_password(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    accounts.save_account("nina", "editor", "the first password", url)
    accounts.save_account("nina", "clinical reviewer", "the second password", url)
    assert accounts.verify("nina", "the first password", url) is None
    assert accounts.verify("nina", "the second password", url) == accounts.Account("nina", "clinical reviewer")
    assert [a.username for a in accounts.listing(url)] == ["nina"]


@pytest.mark.parametrize(
    "username, role, password", [("nina", "boss", "long enough pass"), ("two words", "editor", "long enough pass")]
)
def test_a_bad_account_is_refused_in_plain_words(tmp_path, username, role, password):
    with pytest.raises(accounts.AccountError):
        accounts.save_account(username, role, password, f"sqlite:///{tmp_path / 'a.db'}")


def test_make_staff_user_reads_the_password_from_standard_input(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setattr("sys.stdin", io.StringIO("read from stdin ok\n"))
    with override(content_db_url=url):
        assert accounts.main(["rita", "clinical", "reviewer"]) == 0
        assert accounts.verify("rita", "read from stdin ok") == accounts.Account("rita", "clinical reviewer")
        monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
        assert accounts.main(["rita", "editor"]) == 1
    assert "at least 12 characters" in capsys.readouterr().err


def test_the_history_chain_shows_an_entry_changed_afterwards(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    first = history.append("edna", "editor", history.SAVE, "cart/what_is", {"text": "a"}, {"text": "b"}, url)
    second = history.append("rita", "clinical reviewer", history.SIGN_OFF, "cart/what_is", {}, {}, url)
    history.append("edna", "editor", history.SAVE, "cart/what_is", {"text": "b"}, {"text": "c"}, url)
    assert second.previous_hash == first.hash
    assert history.verify_chain(url) is None
    with history.engine(url).begin() as connection:
        connection.execute(
            history.history_table.update().where(history.history_table.c.id == second.id).values(username="edna")
        )
    assert history.verify_chain(url) == second.id


def test_the_authors_since_the_last_sign_off_are_the_ones_who_may_not_sign(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    history.append("eric", "editor", history.SAVE, "k", {}, {}, url)
    history.append("rita", "clinical reviewer", history.SIGN_OFF, "k", {}, {}, url)
    history.append("edna", "editor", history.SAVE, "k", {}, {}, url)
    history.append("rob", "clinical reviewer", history.RESTORE, "k", {}, {}, url)
    history.append("ada", "admin", history.SAVE, "other", {}, {}, url)
    assert history.authors_since_sign_off("k", url) == ["rob", "edna"]


def test_two_rows_cannot_follow_the_same_row(tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    first = history.append("edna", "editor", history.SAVE, "k", {}, {}, url)
    with pytest.raises(sa.exc.IntegrityError), history.engine(url).begin() as connection:
        connection.execute(
            history.history_table.insert().values(
                at=0.0,
                username="x",
                role="editor",
                action="save",
                text_key="k",
                before="{}",
                after="{}",
                previous_hash=first.previous_hash,
                hash="f" * 64,
            )
        )
    assert history.append("eric", "editor", history.SAVE, "k", {}, {}, url).previous_hash == first.hash
