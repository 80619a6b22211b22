// Shared by the benchmark scripts: statistics, table printing, and the markdown section each writes
// to bench-results/<name>.md (scripts/bench.mjs collects them into docs/benchmarks.md).
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const root = resolve(fileURLToPath(import.meta.url), "../../..");
export const quick = process.env.BENCH_QUICK === "1";

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Prints the section and writes it to bench-results/<name>.md. */
export function writeSection(name, markdown) {
  console.log(`\n${markdown}\n`);
  const dir = process.env.BENCH_RESULTS_DIR ?? join(root, "bench-results");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.md`), `${markdown.trim()}\n`);
}

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
