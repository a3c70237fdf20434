// Builds static/build/ from static/src/ and GOV.UK Frontend: the stylesheet (Sass, with our
// branding), the scripts, and the favicon. Run by `make assets`.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "build");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "static", "src", "voice.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "voice.css"), css.css);
copyFileSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
copyFileSync(join(root, "static", "src", "voice.mjs"), join(out, "voice.mjs"));
copyFileSync(join(root, "static", "src", "favicon.svg"), join(out, "favicon.svg"));
console.log(`assets built in ${out}`);
