const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/**
 * The small page a browser sees when a sign-in cannot complete (a replayed or forged code or state,
 * an outage). It names what happened and offers a way forward; it never shows request content.
 */
export function problemPage(title: string, message: string, action: { href: string; label: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f6f7fb;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1c2033}
main{background:#fff;max-width:420px;margin:24px;padding:32px;border-radius:14px;box-shadow:0 8px 30px rgba(28,32,51,.08)}
h1{font-size:20px;margin:0 0 8px}p{margin:0 0 24px;color:#4a4f66}
a{display:inline-block;background:#4f46e5;color:#fff;text-decoration:none;padding:10px 18px;border-radius:8px;font-weight:600}
</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><a href="${escapeHtml(action.href)}">${escapeHtml(action.label)}</a></main></body></html>`;
}
