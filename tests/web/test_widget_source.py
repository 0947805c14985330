"""The widget's source holds no text a patient reads or hears: every word comes from the governed texts.

web/widget/cart-chat.js is parsed with acorn (a real JavaScript parser, from web/node_modules) and every string
literal is looked at, wherever it is: a literal a person would read (a capitalised word, words separated by
spaces) is refused. What is left is code: tags, attributes, class names, events, storage keys, addresses.
Error messages (never shown) and regular expressions are not looked at. And the widget reads exactly the texts
of content/widget_texts.yml (:data:`WIDGET_TEXTS`), each by name: none missing, none unused.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from typing import Any, Dict, List

import pytest

from assistant.content.web_texts import WIDGET_TEXTS
from tests.conftest import PROJECT_ROOT

WIDGET = PROJECT_ROOT / "web" / "widget" / "cart-chat.js"
ACORN = PROJECT_ROOT / "web" / "node_modules" / "acorn"
SLOT = "{/* built in by web/build.mjs */}"

# Every string literal of the script with where it is, and every use of TEXTS, in JSON.
LIST_LITERALS = r"""
const [acornPath, file] = process.argv.slice(1);
const acorn = require(acornPath);
const ast = acorn.parse(require("fs").readFileSync(file, "utf8"), { ecmaVersion: "latest", locations: true });
const found = { literals: [], texts: [], computed: [] };
const calleeName = (node) => node.callee && node.callee.type === "Identifier" ? node.callee.name : "";
function context(node, parents) {
  const parent = parents[parents.length - 1];
  if (parent.type === "ExpressionStatement" && parent.directive) return "directive";
  if (parent.type === "Property" && parent.key === node && !parent.computed) return "key";
  for (const above of parents) {
    if (/^(New|Call)Expression$/.test(above.type) && ["Error", "RegExp"].includes(calleeName(above))) return calleeName(above);
  }
  return "code";
}
function walk(node, parents) {
  if (node.type === "Literal" && typeof node.value === "string") {
    found.literals.push({ value: node.value, line: node.loc.start.line, context: context(node, parents) });
  }
  if (node.type === "TemplateLiteral") {
    node.quasis.forEach((q) => found.literals.push({ value: q.value.cooked, line: q.loc.start.line, context: context(node, parents) }));
  }
  if (node.type === "MemberExpression" && node.object.type === "Identifier" && node.object.name === "TEXTS") {
    if (node.computed) found.computed.push(node.loc.start.line); else found.texts.push(node.property.name);
  }
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child.type === "string" && child !== node.loc) walk(child, [...parents, node]);
    }
  }
}
walk(ast, []);
console.log(JSON.stringify(found));
"""

# Names the web platform gives, which are code although they start with a capital.
WEB_PLATFORM_NAMES = {"DOMContentLoaded", "Escape", "Content-Type", "en-GB"}
REL_TOKENS = {"noopener", "noreferrer"}
CODE_TOKEN = re.compile(r"^[a-z0-9.#/_\[][\w\-.:/#\[\]=^*]*$")  # tags, attributes, classes, events, keys, paths
CAPS_TOKEN = re.compile(r"^[A-Z0-9][A-Z0-9_\-:.]*$")  # POST, SHA-256, T12:00:00


def is_words(literal: str) -> bool:
    """True when a person would read the literal: a capitalised word, or words with spaces between or around
    them (" on ") that are not class names. Punctuation alone ("; ", " (") is not words."""
    tokens = literal.split()
    if not any(re.search(r"[A-Za-z]", token) for token in tokens):
        return False
    if len(tokens) == 1 and literal == tokens[0]:
        token = tokens[0]
        return not (CODE_TOKEN.match(token) or CAPS_TOKEN.match(token) or token in WEB_PLATFORM_NAMES)
    return not all("-" in token or token in REL_TOKENS for token in tokens)


@pytest.fixture(scope="module")
def source() -> Dict[str, Any]:
    node = shutil.which("node")
    if not node or not ACORN.exists():
        pytest.fail("this test parses the widget with Node.js and web/node_modules/acorn: run `make web` first")
    result = subprocess.run([node, "-e", LIST_LITERALS, str(ACORN), str(WIDGET)], capture_output=True, text=True,
                            timeout=60, check=True)
    return json.loads(result.stdout)


def test_the_rule_tells_words_from_code():
    assert all(is_words(w) for w in ["Send", "Cancel", "Type your question", "(opens in a new tab)", "Checked ",
                                     "Connecting\u2026", "sorry, the chat could not start", " on ", " above."])
    assert not any(is_words(c) for c in ["nhsuk-button nhsuk-button--small cc-send", "aria-label", "cartChat.secret",
                                         "noopener noreferrer", "/webhooks/rest/erase", "POST", "Escape", "; ",
                                         "\u00d7", "", "tel:", ".cc-msg__waiting", "T12:00:00"])


def test_the_widget_source_holds_no_text_a_patient_reads_or_hears(source):
    literals: List[Dict[str, Any]] = source["literals"]
    assert len(literals) > 100  # the parser saw the whole script
    words = [f"line {item['line']}: {item['value']!r}" for item in literals
             if item["context"] in ("code", "key") and is_words(item["value"])]
    assert words == [], "texts belong in content/widget_texts.yml (read as TEXTS.<name>): " + "; ".join(words)


def test_the_widget_reads_every_governed_text_by_name_and_no_other(source):
    assert source["computed"] == [], f"TEXTS[...] on lines {source['computed']}: name each text (TEXTS.<name>)"
    assert set(source["texts"]) == set(WIDGET_TEXTS)


def test_the_source_leaves_one_slot_for_the_built_texts():
    assert WIDGET.read_text(encoding="utf-8").count(SLOT) == 1
