// Renders the extension's webview pages in headless Chromium exactly as VS Code would serve them:
// the page comes from the same HTML builder (with its CSP and nonce), scripts and styles from the
// built dist/media and media/ over loopback, and messages are posted the way the extension posts them.
// Only `acquireVsCodeApi` (the webview host's API, absent outside VS Code) is provided by the page.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml, makeNonce, type WebviewHtmlOptions } from '../../client/webview/html';
import { packageRoot } from '../../server/paths';

export const root = packageRoot();
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Why the browser tests cannot run here (no Chromium outside CI), or false. CI always runs them. */
export function skipReason(): string | false {
  if (fs.existsSync(chromiumPath)) return false;
  if (process.env.CI && process.env.CI !== 'false') return false;
  return `no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH); CI runs these tests`;
}
export const artifacts = path.join(root, 'test-artifacts');

export function fixture<T>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(root, 'test/fixtures/webview', name), 'utf8')) as T;
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.map': 'application/json', '.ttf': 'font/ttf' };

/** VS Code "Dark Modern" / "Light Modern" values of the variables the pages use. */
export const THEMES = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      '--vscode-font-family': 'system-ui, "Segoe UI", Ubuntu, sans-serif', '--vscode-font-size': '13px',
      '--vscode-editor-font-family': '"Droid Sans Mono", monospace', '--vscode-editor-font-size': '12px',
      '--vscode-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d', '--vscode-errorForeground': '#f85149',
      '--vscode-editor-background': '#1f1f1f', '--vscode-sideBar-background': '#181818', '--vscode-editorWidget-background': '#202020',
      '--vscode-widget-border': '#313131', '--vscode-focusBorder': '#0078d4', '--vscode-textLink-foreground': '#4daafc',
      '--vscode-button-background': '#0078d4', '--vscode-button-foreground': '#ffffff', '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-secondaryBackground': '#313131', '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-dropdown-background': '#313131', '--vscode-dropdown-foreground': '#cccccc', '--vscode-dropdown-border': '#3c3c3c',
      '--vscode-badge-background': '#616161', '--vscode-badge-foreground': '#f8f8f8', '--vscode-textCodeBlock-background': '#2b2b2b',
      '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-list-activeSelectionBackground': '#04395e', '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-testing-iconPassed': '#73c991', '--vscode-testing-iconFailed': '#f14c4c', '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-charts-foreground': '#cccccc', '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)', '--vscode-charts-red': '#f14c4c',
      '--vscode-charts-blue': '#3794ff', '--vscode-charts-yellow': '#cca700', '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      '--vscode-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171', '--vscode-editor-background': '#ffffff',
      '--vscode-sideBar-background': '#f8f8f8', '--vscode-editorWidget-background': '#f8f8f8', '--vscode-widget-border': '#e5e5e5',
      '--vscode-charts-foreground': '#616161', '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)', '--vscode-charts-red': '#e51400',
      '--vscode-charts-blue': '#1a85ff', '--vscode-charts-yellow': '#bf8803', '--vscode-charts-orange': '#d18616',
      '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90',
    },
  },
} as const;

export interface Harness {
  browser: Browser;
  origin: string;
  /** `realClock: false` (default) pins the page clock to 2026-11-23T12:00:00Z so relative times are stable. */
  open(page: WebviewHtmlOptions['page'], opts?: { width?: number; height?: number; state?: unknown; realClock?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

/** Start the loopback server and Chromium. */
export async function startHarness(): Promise<Harness> {
  const served = [path.join(root, 'dist', 'media'), path.join(root, 'media')];
  const pages = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const html = pages.get(url.pathname);
    if (html !== undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    const file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
    if (!served.some((d) => file.startsWith(d + path.sep)) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  let n = 0;
  return {
    browser,
    origin,
    async open(kind, opts = {}) {
      const route = `/page/${kind}-${++n}.html`;
      pages.set(route, buildWebviewHtml({
        title: `Telemetry Lens ${kind}`,
        page: kind,
        cspSource: origin,
        nonce: makeNonce(),
        scriptUri: `${origin}/dist/media/${kind}.js`,
        styleUris: [`${origin}/dist/media/codicon.css`, `${origin}/media/webview.css`],
      }));
      const page = await browser.newPage({ viewport: { width: opts.width ?? 900, height: opts.height ?? 900 }, deviceScaleFactor: 1 });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.location().url.endsWith('/favicon.ico')) return;
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()} (${m.location().url})`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}${process.env.TL_DEBUG ? `\n${e.stack}` : ''}`));
      (page as Page & { problems: string[] }).problems = problems;
      if (!opts.realClock) await page.clock.setFixedTime(new Date('2026-11-23T12:00:00.000Z'));
      await page.addInitScript(({ theme, state }) => {
        const w = window as unknown as Record<string, unknown>;
        const posted: unknown[] = [];
        const csp: string[] = [];
        let saved: unknown = state ?? undefined;
        w.__posted = posted;
        w.__csp = csp;
        document.addEventListener('securitypolicyviolation', (e) => csp.push(`${e.violatedDirective} ${e.blockedURI}`));
        w.acquireVsCodeApi = () => ({
          postMessage: (m: unknown) => posted.push(JSON.parse(JSON.stringify(m))),
          getState: () => saved,
          setState: (s: unknown) => {
            saved = s;
          },
        });
        // Like VS Code, theme the document before the page script runs.
        const obs = new MutationObserver(() => {
          if (!document.body) return;
          obs.disconnect();
          for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(k, v);
          document.body.classList.add(theme.bodyClass);
        });
        obs.observe(document, { childList: true, subtree: true });
      }, { theme: THEMES.dark, state: opts.state });
      await page.goto(`${origin}${route}`);
      await page.waitForFunction(() => ((window as unknown as { __posted: { type: string }[] }).__posted).some((m) => m.type === 'ready'));
      return page;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Post a message to the page the way the extension's `webview.postMessage` delivers it. */
export async function send(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

/** Messages the page sent to the extension so far. */
export async function posted<T = { type: string }>(page: Page): Promise<T[]> {
  return page.evaluate(() => (window as unknown as { __posted: T[] }).__posted);
}

/** CSP violations and console errors/warnings the page produced. */
export async function problems(page: Page): Promise<string[]> {
  const csp = await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  return [...csp.map((c) => `csp: ${c}`), ...(page as Page & { problems: string[] }).problems];
}

/** Switch the page to another VS Code theme the way VS Code does (variables + body class). */
export async function setTheme(page: Page, name: keyof typeof THEMES): Promise<void> {
  await page.evaluate((t) => {
    for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty(k, v);
    document.body.classList.remove('vscode-dark', 'vscode-light');
    document.body.classList.add(t.bodyClass);
  }, THEMES[name]);
}

/** Pixels of a canvas that are not fully transparent, and how many exactly match `rgb` (if given). */
export async function canvasPixels(page: Page, selector: string, rgb?: [number, number, number]): Promise<{ painted: number; matching: number; total: number }> {
  return page.evaluate(({ selector, rgb }) => {
    const c = document.querySelector<HTMLCanvasElement>(selector);
    if (!c || !c.width || !c.height) return { painted: 0, matching: 0, total: 0 };
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let painted = 0;
    let matching = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0) painted++;
      if (rgb && d[i + 3] === 255 && d[i] === rgb[0] && d[i + 1] === rgb[1] && d[i + 2] === rgb[2]) matching++;
    }
    return { painted, matching, total: d.length / 4 };
  }, { selector, rgb });
}

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/**
 * Screenshot into test-artifacts/ and, when `docsName` is given and UPDATE_SCREENSHOTS=1, into docs/images/
 * (the README's pictures), so an ordinary test run leaves the work tree clean.
 */
export async function screenshot(page: Page, name: string, docsName?: string): Promise<void> {
  fs.mkdirSync(artifacts, { recursive: true });
  const buf = await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
  if (docsName) fs.writeFileSync(path.join(artifacts, docsName), buf);
  if (docsName && process.env.UPDATE_SCREENSHOTS === '1') {
    const dir = path.join(root, 'docs', 'images');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, docsName), buf);
  }
}
