// The HTML shell of every Telemetry Lens webview. A pure function (no `vscode` import) so the
// browser tests render exactly the page the extension serves.

export interface WebviewHtmlOptions {
  /** Document title (also the landmark label). */
  title: string;
  /** `webview.cspSource` in VS Code; the test server's origin in the browser tests. */
  cspSource: string;
  /** Per-render nonce from `makeNonce()`. */
  nonce: string;
  /** URI of the bundled page script (dist/media/<page>.js) as the webview sees it. */
  scriptUri: string;
  /** URIs of the style sheets (media/*.css). */
  styleUris: string[];
  /** Page id, set as `data-page` on <body> for page-specific styles. */
  page: 'health' | 'waterfall' | 'query' | 'compare';
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A fresh 128-bit nonce (base64url) for one render. */
export function makeNonce(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Content-Security-Policy: nothing by default; styles, images and fonts only from the extension's
 * own resources; scripts only with this render's nonce; no network access at all.
 */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(nonce)) throw new Error(`invalid nonce ${JSON.stringify(nonce)}`);
  // Host sources, plus the 'self' keyword that code-server (VS Code in the browser) puts in cspSource.
  const sources = cspSource.trim().split(/\s+/);
  if (!cspSource.trim() || !sources.every((t) => t === "'self'" || /^[^;,'"\s]+$/.test(t))) throw new Error(`invalid CSP source ${JSON.stringify(cspSource)}`);
  return [
    `default-src 'none'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `connect-src 'none'`,
    `base-uri 'none'`,
    `form-action 'none'`,
  ].join('; ');
}

/** The complete page. The script builds the UI from messages; the body holds only the mount point. */
export function buildWebviewHtml(o: WebviewHtmlOptions): string {
  const csp = contentSecurityPolicy(o.cspSource, o.nonce);
  const styles = o.styleUris.map((u) => `  <link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${escapeHtml(o.title)}</title>
${styles}
</head>
<body data-page="${escapeHtml(o.page)}">
  <main id="app" aria-label="${escapeHtml(o.title)}" aria-busy="true"><p class="muted">Loading…</p></main>
  <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
</body>
</html>
`;
}
