// One-off scaffolding used to lay out packages/authio-* consistently. Kept so a new adapter starts the same way.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [name, description, platform = "neutral"] = process.argv.slice(2);
if (!name || !description) {
  console.error("usage: node scripts/new-package.mjs <x> <description> [neutral|node]");
  process.exit(2);
}
const dir = join("packages", `authio-${name}`);
mkdirSync(join(dir, "src"), { recursive: true });
const write = (file, text) => {
  const path = join(dir, file);
  if (!existsSync(path)) writeFileSync(path, text);
};
write(
  "package.json",
  `${JSON.stringify(
    {
      name: `@authio/${name}`,
      version: "0.0.0",
      description,
      license: "MIT",
      type: "module",
      sideEffects: false,
      engines: { node: ">=20.19" },
      repository: { type: "git", url: "git+https://github.com/authio/authio-node.git", directory: dir },
      main: "./dist/index.cjs",
      module: "./dist/index.mjs",
      types: "./dist/index.d.cts",
      exports: {
        ".": {
          import: { types: "./dist/index.d.mts", default: "./dist/index.mjs" },
          require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
        },
        "./package.json": "./package.json",
      },
      files: ["dist", "README.md"],
      scripts: { build: "tsdown", typecheck: "tsc --noEmit", test: "vitest run" },
      publishConfig: { access: "public" },
    },
    null,
    2,
  )}\n`,
);
write(
  "tsconfig.json",
  `${JSON.stringify({ extends: "../../tsconfig.base.json", compilerOptions: { noEmit: true }, include: ["src", "test", "*.ts"] }, null, 2)}\n`,
);
write(
  "tsdown.config.ts",
  `import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  platform: "${platform}",
  target: "node20.19",
});
`,
);
write("README.md", `# @authio/${name}\n\n${description}\n`);
