"""Sign-in, session cookie, CSRF, the wrong-password limit and the idle timeout."""

from __future__ import annotations

from assistant.console.app import Config, create_app
from assistant.console.security import IDLE_SECONDS, MAX_FAILURES
from tests.assistant.console.conftest import PASSWORD, Browser, signed_in


def test_the_sign_in_form_has_labelled_fields_and_a_sign_in_button(browser):
    page = browser.get("/sign-in").text
    assert '<label class="nhsuk-label" for="username">Username</label>' in page
    assert '<label class="nhsuk-label" for="password">Password</label>' in page
    assert '<button class="nhsuk-button" type="submit">Sign in</button>' in page


def test_every_page_but_sign_in_needs_a_session(browser):
    for path in ("/", "/edit?key=cart/what_is", "/history", "/publish", "/examples?key=cart/what_is"):
        response = browser.get(path)
        assert response.status == 302 and response.headers["location"] == "/sign-in", path


def test_the_session_cookie_is_http_only_and_same_site_strict(browser):
    response = browser.sign_in("edna")
    assert response.status == 302
    cookie = response.headers["set-cookie"]
    assert "console_session=" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" not in cookie
    assert browser.get("/").status == 200


def test_the_cookie_is_secure_behind_https(workspace, db_url):
    app = create_app(Config(workspace, db_url=db_url, secure_cookies=True))
    assert "Secure" in Browser(app).sign_in("edna").headers["set-cookie"]


def test_a_wrong_password_does_not_sign_in(browser):
    response = browser.sign_in("edna", "not the password")
    assert response.status == 401
    assert "The username or password is not right." in response.text
    assert browser.get("/").status == 302


def test_a_form_without_the_session_csrf_token_is_refused(console, workspace):
    edna = signed_in(console, "edna")
    edna.get("/edit?key=cart/what_is")
    before = workspace.text("cart/what_is")
    for token in ("", "forged"):
        response = edna.post(
            "/edit", {"key": "cart/what_is", "version": before.version, "text": "Changed.", "action": "save"}, token
        )
        assert response.status == 403
        assert "This form has expired" in response.text
    assert workspace.text("cart/what_is").text == before.text


def test_the_sign_in_form_needs_its_own_csrf_token(browser):
    browser.get("/sign-in")
    assert browser.post("/sign-in", {"username": "edna", "password": PASSWORD}, csrf="forged").status == 403


def test_wrong_passwords_are_limited_per_username(browser):
    for _ in range(MAX_FAILURES):
        browser.sign_in("edna", "wrong password")
    refused = browser.sign_in("edna")  # even the right password, for a while
    assert refused.status == 429 and "Too many wrong attempts" in refused.text


def test_wrong_passwords_are_limited_per_address(console, clock):
    guesser = Browser(console)
    for number in range(MAX_FAILURES):
        guesser.sign_in(f"name{number}", "wrong password")
    assert guesser.sign_in("rita").status == 429
    clock.now += 16 * 60  # the window has passed
    assert guesser.sign_in("rita").status == 302


def test_a_session_ends_after_30_minutes_idle(console, clock):
    edna = signed_in(console, "edna")
    clock.now += IDLE_SECONDS - 60
    assert edna.get("/").status == 200  # activity renews it
    clock.now += IDLE_SECONDS - 60
    assert edna.get("/").status == 200
    clock.now += IDLE_SECONDS + 1
    response = edna.get("/")
    assert response.status == 302 and response.headers["location"] == "/sign-in?notice=idle"
    assert "signed out after 30 minutes" in edna.get("/sign-in?notice=idle").text
    assert edna.get("/").status == 302  # the session is gone, not only refused once


def test_signing_out_ends_the_session(console):
    edna = signed_in(console, "edna")
    edna.get("/")
    assert edna.post("/sign-out", {}).status == 302
    assert edna.get("/").status == 302


def test_pages_say_no_scripts_and_no_framing(browser):
    headers = browser.get("/sign-in").headers
    assert "script-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
