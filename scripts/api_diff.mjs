// Breaking-change guard: compare the committed OpenAPI documents at a git ref with the
// working tree. Usage: node scripts/api_diff.mjs <base-ref> [file ...]
// Exit 1 when a breaking change is found in a path that keeps its major version.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.resolve("clients/typescript/package.json"));
const { apiCompare } = require("api-smart-diff");

const [base, ...wanted] = process.argv.slice(2);
if (!base) {
  console.error("usage: api_diff.mjs <base-ref> [openapi/file.json ...]");
  process.exit(2);
}
const files = wanted.length
  ? wanted
  : readdirSync("openapi").filter((f) => f.endsWith(".json")).map((f) => `openapi/${f}`);

function atRef(ref, file) {
  try {
    return JSON.parse(execFileSync("git", ["show", `${ref}:${file}`], { encoding: "utf8", maxBuffer: 64 << 20 }));
  } catch {
    return null; // file is new since the base: nothing can break
  }
}

let breaking = 0;
for (const file of files) {
  const before = atRef(base, file);
  if (!before) {
    console.log(`${file}: new since ${base}`);
    continue;
  }
  const after = JSON.parse(readFileSync(file, "utf8"));
  const { diffs } = apiCompare(before, after);
  const counts = {};
  for (const diff of diffs) counts[diff.type] = (counts[diff.type] ?? 0) + 1;
  console.log(`${file}: ${diffs.length} change(s) ${JSON.stringify(counts)}`);
  for (const diff of diffs.filter((d) => d.type === "breaking")) {
    breaking += 1;
    console.log(`  BREAKING ${diff.action} ${diff.path.join(" > ")}${diff.description ? ` — ${diff.description}` : ""}`);
  }
}
if (breaking) {
  console.log(`\n${breaking} breaking change(s). Keep the old behaviour or publish it under a new major path (/api/v2).`);
  process.exit(1);
}
console.log("\nno breaking changes");
