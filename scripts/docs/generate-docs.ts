// npm run docs:generate: writes the reference pages of docs/ that are generated from the code
// (tools/docs/reference-pages.ts). tools/docs/reference-pages.test.ts fails while one is stale.
import fs from "node:fs";
import { parseCliArgs } from "../../lib/core/cli-args";
import { REFERENCE_PAGES } from "../../tools/docs/reference-pages";

const HELP = `Usage: npm run docs:generate [-- --check]

Writes the reference pages generated from the code: ${REFERENCE_PAGES.map((p) => p.path).join(", ")}.
  --check   write nothing; exit 1 and name the pages that differ from what the code renders now
`;

const { values } = parseCliArgs(
  { options: { check: { type: "boolean" }, help: { type: "boolean", short: "h" } } },
  { script: "docs:generate", usage: HELP },
);
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

let stale = 0;
for (const page of REFERENCE_PAGES) {
  const text = page.render();
  const old = fs.existsSync(page.path) ? fs.readFileSync(page.path, "utf8") : null;
  if (old === text) {
    console.log(`${page.path}: up to date`);
    continue;
  }
  stale++;
  if (values.check) {
    console.log(`${page.path}: stale`);
    continue;
  }
  fs.writeFileSync(page.path, text);
  console.log(`${page.path}: written`);
}
if (values.check && stale > 0) {
  console.error(`${stale} page(s) differ from the code: run npm run docs:generate`);
  process.exit(1);
}
