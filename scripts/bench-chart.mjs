// Draws docs/benchmarks-adapters.svg from the adapters section of a benchmark run: for each framework,
// requests/s relative to the same route unguarded — the Authio adapter (one repeated token, distinct
// tokens) beside the library a user would otherwise pick. Plain SVG, no dependency.

/** Rows of the first markdown table in `markdown` whose first cell is a framework name. */
function tableRows(markdown) {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---") && !line.startsWith("| framework"))
    .map((line) =>
      line
        .slice(2, -2)
        .split(" | ")
        .map((cell) => cell.trim()),
    );
}

const escapeXml = (s) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

export function adaptersChart(markdown) {
  const bars = [];
  for (const [framework, guard, tokens, , , ratio] of tableRows(markdown)) {
    if (guard === "unguarded" || guard?.startsWith("unguarded +")) continue;
    const value = Number.parseFloat(ratio ?? "");
    if (!Number.isFinite(value)) continue;
    bars.push({ label: `${framework} — ${guard}, ${tokens}`, value, ours: guard?.startsWith("@authio") });
  }
  if (bars.length === 0) return null;
  const width = 820;
  const left = 360;
  const barHeight = 18;
  const gap = 8;
  const top = 40;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const scale = (width - left - 70) / max;
  const height = top + bars.length * (barHeight + gap) + 30;
  const target = left + 0.85 * scale;
  const rows = bars
    .map((b, i) => {
      const y = top + i * (barHeight + gap);
      return `<text x="${left - 8}" y="${y + 13}" text-anchor="end">${escapeXml(b.label)}</text>
<rect x="${left}" y="${y}" width="${Math.max(1, b.value * scale).toFixed(1)}" height="${barHeight}" fill="${b.ours ? "#4f46e5" : "#9ca3af"}"/>
<text x="${(left + b.value * scale + 6).toFixed(1)}" y="${y + 13}">${b.value.toFixed(2)}×</text>`;
    })
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12" fill="#1c2033">
<title>Guarded vs unguarded requests/s per adapter, beside the alternatives</title>
<rect width="100%" height="100%" fill="#fff"/>
<text x="12" y="22" font-size="14" font-weight="600">Guarded requests/s relative to the same route unguarded (higher is better)</text>
${rows}
<line x1="${target.toFixed(1)}" y1="${top - 6}" x2="${target.toFixed(1)}" y2="${height - 24}" stroke="#dc2626" stroke-dasharray="4 3"/>
<text x="${target.toFixed(1)}" y="${height - 10}" fill="#dc2626" text-anchor="middle">0.85× target</text>
</svg>
`;
}
