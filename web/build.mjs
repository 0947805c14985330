// Builds web/dist/: the files the demo site and the widget serve, all from this folder and npm
// packages, so nothing is fetched from a CDN at run time.
//
// Why a build step: nhsuk-frontend is Sass. Compiling it here lets the widget use the design
// system's tokens and mixins while switching off the Frutiger @font-face (served only from
// assets.nhs.uk), and keeps the widget's styles scoped to its own shadow root.
//
//   dist/index.html, dist/privacy.html   the demo pages (site/)
//   dist/site.css                        NHS.UK frontend for the demo pages
//   dist/cart-chat.js, cart-chat.css     the widget (widget/)
//   dist/vendor/socket.io.min.js         the official socket.io client
//   dist/assets/images/                  NHS.UK icons and favicon
//
// Every text the widget and the demo pages show comes rendered from Python, in one JSON file that this
// script only reads (WEB_TEXTS, default web/texts.json): `python -m assistant.content.web_texts` renders
// content/widget_texts.yml, the contacts (confirmed ones only, or their fallback), the urgent routes and the
// settings the texts mention with the assistant's own code, and puts each page of site/ into the shared frame
// (site/_layout.html). scripts/web.sh runs it first; CHAT_SERVER_URL (the Rasa server the demo pages' widget
// talks to, default http://127.0.0.1:5005) is given to it there.
// Environment: WEB_DIST (where to build, default web/dist; the browser tests build a copy pointing at their
// own server) and WEB_TEXTS.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.WEB_DIST || join(here, "dist");
const textsFile = process.env.WEB_TEXTS || join(here, "texts.json");
const modules = join(here, "node_modules");

/** The rendered texts: {widget: {texts, max_characters}, pages: {"index.html": "<!DOCTYPE html>…"}}. */
function readTexts() {
  let built;
  try {
    built = JSON.parse(readFileSync(textsFile, "utf8"));
  } catch (error) {
    throw new Error(`${textsFile}: ${error.message}. scripts/web.sh renders it (python -m assistant.content.web_texts)`);
  }
  if (!built.widget || !built.widget.texts || !built.pages) throw new Error(`${textsFile}: not rendered by assistant.content.web_texts`);
  return built;
}

/** The widget with its texts and settings built in, in the one place its source leaves for them. */
function buildWidget(widget) {
  const source = readFileSync(join(here, "widget", "cart-chat.js"), "utf8");
  const slot = "{/* built in by web/build.mjs */}";
  if (source.split(slot).length !== 2) throw new Error(`widget/cart-chat.js must hold ${slot} exactly once`);
  return source.replace(slot, () => JSON.stringify(widget));
}

function compile(source, target) {
  const result = sass.compile(join(here, source), {
    loadPaths: [modules],
    style: "compressed",
    quietDeps: true,
    silenceDeprecations: ["import", "global-builtin"],
  });
  writeFileSync(join(dist, target), result.css);
}

const built = readTexts();  // before anything is removed: a missing file leaves the last build as it was
rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "vendor"), { recursive: true });
for (const [name, page] of Object.entries(built.pages)) writeFileSync(join(dist, name), page);
writeFileSync(join(dist, "cart-chat.js"), buildWidget(built.widget));
cpSync(join(modules, "nhsuk-frontend", "dist", "nhsuk", "assets", "images"), join(dist, "assets", "images"), { recursive: true });
cpSync(join(modules, "socket.io-client", "dist", "socket.io.min.js"), join(dist, "vendor", "socket.io.min.js"));
compile("site/site.scss", "site.css");
compile("widget/cart-chat.scss", "cart-chat.css");
console.log(`web: built ${dist}`);
