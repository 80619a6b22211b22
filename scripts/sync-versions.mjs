#!/usr/bin/env node
// Run by `pnpm version-packages` right after `changeset version`: writes each package's new version
// into the constant its code reports (the User-Agent of @authio/node). A constant, not a runtime read
// of package.json: edge runtimes have no file system, and a JSON import breaks one of the two builds.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(fileURLToPath(import.meta.url), "../..");
const targets = [
  { pkg: "packages/authio-node", file: "src/management/version.ts", pattern: /SDK_VERSION = "[^"]*"/ },
];

for (const { pkg, file, pattern } of targets) {
  const { version } = JSON.parse(readFileSync(join(root, pkg, "package.json"), "utf8"));
  const path = join(root, pkg, file);
  const text = readFileSync(path, "utf8");
  if (!pattern.test(text)) throw new Error(`${pkg}/${file}: no version constant found`);
  writeFileSync(path, text.replace(pattern, `SDK_VERSION = "${version}"`));
  console.log(`${pkg}: ${version}`);
}
