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
// The demo pages share one frame (site/_layout.html: header, footer, the widget's script tag).
// The demo pages' contact details come from content/contacts.yml ({{hotline_phone}}-style placeholders).
// Environment: CHAT_SERVER_URL (the Rasa server the demo page's widget talks to, default
// http://127.0.0.1:5005) and WEB_DIST (where to build, default web/dist; the browser tests build
// a copy pointing at their own server).
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";
import { parse as parseYaml } from "yaml";

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.env.WEB_DIST || join(here, "dist");
const chatServer = process.env.CHAT_SERVER_URL || "http://127.0.0.1:5005";
const modules = join(here, "node_modules");

/** {{hotline_phone}}, {{hotline_tel}}, {{hotline_name}}… from content/contacts.yml (the one place for numbers). */
function contactPlaceholders() {
  const { contacts } = parseYaml(readFileSync(join(here, "..", "content", "contacts.yml"), "utf8"));
  const values = { CHAT_SERVER_URL: chatServer };
  const html = {};  // for {urgent_routes}: names as text, numbers as tappable links
  for (const [key, contact] of Object.entries(contacts)) {
    // An unconfirmed contact is never shown: the demo pages use only confirmed ones.
    const phone = contact.confirmed ? contact.phone : "";
    values[`${key}_name`] = contact.name;
    values[`${key}_phone`] = phone;
    values[`${key}_tel`] = phone ? `tel:${phone.replaceAll(" ", "")}` : "";
    html[`${key}_name`] = contact.name;
    html[`${key}_phone`] = phone ? `<a href="${values[`${key}_tel`]}">${phone}</a>` : "";
  }
  // {{urgent_routes}}: the one approved text on where to get urgent help (content/system_messages.yml).
  const { responses } = parseYaml(readFileSync(join(here, "..", "content", "system_messages.yml"), "utf8"));
  values.urgent_routes = responses.urgent_routes[0].text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in html)) throw new Error(`urgent_routes: unknown placeholder ${whole}`);
    return html[name];
  });
  // {{max_characters}}: the longest message the assistant reads (the LengthGuard in config.yml, its one home).
  const { pipeline } = parseYaml(readFileSync(join(here, "..", "config.yml"), "utf8"));
  const guard = pipeline.find((component) => component.name.endsWith(".LengthGuard"));
  if (!guard || !guard.max_characters) throw new Error("config.yml: the LengthGuard needs max_characters");
  values.max_characters = String(guard.max_characters);
  return values;
}

function fillPlaceholders(text, values) {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, name) => {
    if (!(name in values)) throw new Error(`unknown placeholder ${whole}`);
    return values[name];
  });
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

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "vendor"), { recursive: true });

/** A page of site/: its first line names its title and breadcrumb, the rest is its own content. */
function readPage(name) {
  const source = readFileSync(join(here, "site", name), "utf8");
  const header = source.match(/^<!-- page: (\{.*\}) -->\n/);
  if (!header) throw new Error(`site/${name}: the first line must be <!-- page: {"title": …, "breadcrumb": …} -->`);
  const { title, breadcrumb } = JSON.parse(header[1]);
  return { page_title: title, page_breadcrumb: breadcrumb, page_content: source.slice(header[0].length).trimEnd() };
}

const placeholders = contactPlaceholders();
// The layout opens with a comment for whoever edits it; the pages start at <!DOCTYPE html>.
const layout = readFileSync(join(here, "site", "_layout.html"), "utf8").replace(/^<!--[\s\S]*?-->\n/, "");
for (const name of readdirSync(join(here, "site"))) {
  if (!name.endsWith(".html") || name.startsWith("_")) continue;
  const values = { ...placeholders, ...readPage(name) };
  const page = fillPlaceholders(fillPlaceholders(layout, values), values);  // twice: the content has placeholders too
  writeFileSync(join(dist, name), page);
}
cpSync(join(here, "widget", "cart-chat.js"), join(dist, "cart-chat.js"));
cpSync(join(modules, "nhsuk-frontend", "dist", "nhsuk", "assets", "images"), join(dist, "assets", "images"), { recursive: true });
cpSync(join(modules, "socket.io-client", "dist", "socket.io.min.js"), join(dist, "vendor", "socket.io.min.js"));
compile("site/site.scss", "site.css");
compile("widget/cart-chat.scss", "cart-chat.css");
console.log(`web: built ${dist}`);
