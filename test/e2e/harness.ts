// Drives the packaged extension inside a real VS Code: code-server (VS Code 1.139 in the browser)
// installed by scripts/e2e-setup.mjs, the VSIX built by scripts/package.mjs, and headless Chromium
// through playwright-core. Everything is observed through the workbench DOM, never through test hooks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { packageRoot } from '../../server/paths';

export const root = packageRoot();
export const artifacts = path.join(root, 'test-artifacts');

export interface Tools {
  node: string;
  nodeBinDir: string;
  codeServerEntry: string;
  chromium: string | null;
  installMs: number;
  setupMs: number;
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

export function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(
    (p): p is string => !!p && fs.existsSync(p),
  );
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Node 24 + code-server in .cache/, installed beforehand by `scripts/e2e-setup.mjs` (`npm test` runs it
 * before the tests): this only checks they are there, so no download ever runs inside a test's time limit.
 */
export function setupTools(): Tools {
  const logFile = path.join(artifacts, 'e2e-setup.log');
  const fd = fs.openSync(logFile, 'w');
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'e2e-setup.mjs'), '--check'], { cwd: root, stdio: ['ignore', 'pipe', fd], encoding: 'utf8', timeout: 60_000 });
  fs.closeSync(fd);
  if (r.status !== 0) throw new Error(`the end-to-end test tools are not ready (scripts/e2e-setup.mjs --check exited ${r.status}):\n${tail(logFile)}`);
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Tools;
}

/** A fresh production VSIX for this platform, built exactly as `npm run package` builds it. */
export function packageVsix(out: string): { vsix: string; ms: number } {
  const logFile = path.join(artifacts, 'e2e-package.log');
  const fd = fs.openSync(logFile, 'w');
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'package.mjs'), '--out', out], { cwd: root, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`scripts/package.mjs failed (exit ${r.status}); log ${logFile}:\n${tail(logFile)}`);
  return { vsix: out, ms: Date.now() - started };
}

/** File names inside a VSIX (a zip), via the system's unzip or Python's zipfile as a fallback. */
export function vsixEntries(vsix: string): string[] {
  let r = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) {
    r = spawnSync('python3', ['-c', 'import sys,zipfile;print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', vsix], { encoding: 'utf8' });
  }
  if (r.status !== 0) throw new Error(`cannot list ${vsix}: ${r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Poll until `probe` returns a truthy value; the error names what was awaited and the last state seen. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 30_000, describe?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let delay = 100; ; delay = Math.min(delay * 1.5, 1000)) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const state = describe ? await describe().catch((e: unknown) => `(state unavailable: ${String(e)})`) : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}${state ? `\n--- state ---\n${state}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

export interface CodeServerOptions {
  tools: Tools;
  vsix: string;
  /** Folder copied into a temporary directory and opened as the workspace. */
  workspaceFixture: string;
  /** User settings (settings.json) for the VS Code profile. */
  userSettings: Record<string, unknown>;
  env?: Record<string, string>;
  /** Leave VS Code's Workspace Trust on (default off: `--disable-workspace-trust`). */
  workspaceTrust?: boolean;
  /** Prefix of the log file and log folder in test-artifacts/ (default `e2e`), so two runs do not mix. */
  artifactPrefix?: string;
}

export class CodeServer {
  readonly base: string;
  readonly workspace: string;
  readonly extensionsDir: string;
  readonly userDataDir: string;
  readonly logFile: string;
  port = 0;
  private proc: ChildProcess | undefined;

  constructor(private readonly opts: CodeServerOptions) {
    this.base = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2e-'));
    this.workspace = path.join(this.base, 'workspace');
    this.extensionsDir = path.join(this.base, 'extensions');
    this.userDataDir = path.join(this.base, 'user-data');
    this.logFile = path.join(artifacts, `${opts.artifactPrefix ?? 'e2e'}-code-server.log`);
    fs.cpSync(opts.workspaceFixture, this.workspace, { recursive: true });
    fs.mkdirSync(path.join(this.userDataDir, 'User'), { recursive: true });
    fs.writeFileSync(path.join(this.userDataDir, 'User', 'settings.json'), JSON.stringify(opts.userSettings, null, 2));
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      ...this.opts.env,
      // Keep code-server's own config and state out of the user's home directory.
      XDG_CONFIG_HOME: path.join(this.base, 'config'),
      XDG_DATA_HOME: path.join(this.base, 'data'),
      // No marketplace: gallery queries go to a closed loopback port instead of the internet.
      EXTENSIONS_GALLERY: JSON.stringify({
        serviceUrl: 'http://127.0.0.1:9/gallery',
        itemUrl: 'http://127.0.0.1:9/item',
        resourceUrlTemplate: 'http://127.0.0.1:9/resource/{publisher}/{name}/{version}/{path}',
      }),
      PATH: `${this.opts.tools.nodeBinDir}${path.delimiter}${process.env.PATH ?? ''}`,
    };
  }

  private common(): string[] {
    return ['--extensions-dir', this.extensionsDir, '--user-data-dir', this.userDataDir];
  }

  /** `code-server --install-extension x.vsix`: the same path a user takes with a downloaded VSIX. */
  installExtension(): string {
    const { tools, vsix } = this.opts;
    const r = spawnSync(tools.node, [tools.codeServerEntry, ...this.common(), '--install-extension', vsix], { env: this.env(), encoding: 'utf8', timeout: 120_000 });
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`--install-extension failed (exit ${r.status}):\n${out}`);
    return out;
  }

  /** Extension folders installed in the extensions dir, e.g. telemetry-lens.telemetry-lens-0.1.0-linux-x64. */
  installedExtensions(): string[] {
    return fs.existsSync(this.extensionsDir) ? fs.readdirSync(this.extensionsDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json') : [];
  }

  async start(): Promise<void> {
    const { tools } = this.opts;
    this.port = await freePort();
    const log = fs.openSync(this.logFile, 'w');
    this.proc = spawn(
      tools.node,
      [
        tools.codeServerEntry,
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${this.port}`,
        '--disable-telemetry',
        '--disable-update-check',
        ...(this.opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
        ...this.common(),
        this.workspace,
      ],
      { env: this.env(), stdio: ['ignore', log, log], detached: true },
    );
    fs.closeSync(log);
    const exited = new Promise<string>((resolve) => this.proc?.once('exit', (code, sig) => resolve(`code-server exited (${code ?? sig})`)));
    await Promise.race([
      waitFor('code-server /healthz', () => httpOk(`http://127.0.0.1:${this.port}/healthz`), 60_000, async () => tail(this.logFile)),
      exited.then((msg) => {
        throw new Error(`${msg}:\n${tail(this.logFile)}`);
      }),
    ]);
  }

  url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  /** Files under the user-data dir's logs (extension host, server, output channels). */
  logs(): string[] {
    const dir = path.join(this.userDataDir, 'logs');
    const out: string[] = [];
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(p);
      }
    };
    walk(dir);
    return out;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (p?.pid && p.exitCode === null) {
      const gone = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      try {
        process.kill(-p.pid, 'SIGTERM'); // the whole process group: server, extension host, language server
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-(p.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
      }, 5000);
      await gone;
      clearTimeout(timer);
    }
    this.copyLogs();
    fs.rmSync(this.base, { recursive: true, force: true });
  }

  /** Keep the extension host and output-channel logs next to the screenshots. */
  private copyLogs(): void {
    const dest = path.join(artifacts, `${this.opts.artifactPrefix ?? 'e2e'}-logs`);
    fs.rmSync(dest, { recursive: true, force: true });
    for (const f of this.logs()) {
      if (!/exthost|Telemetry Lens|telemetry-lens|remoteagent|output/i.test(f)) continue;
      const rel = path.relative(path.join(this.userDataDir, 'logs'), f);
      fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
      fs.copyFileSync(f, path.join(dest, rel));
    }
  }
}

export class Workbench {
  private constructor(
    readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(executablePath: string, url: string): Promise<Workbench> {
    const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const consoleLog = path.join(artifacts, 'e2e-browser-console.log');
    fs.writeFileSync(consoleLog, '');
    page.on('console', (m) => fs.appendFileSync(consoleLog, `[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => fs.appendFileSync(consoleLog, `[pageerror] ${e.message}\n`));
    const wb = new Workbench(browser, page);
    try {
      // A loaded machine can take well over playwright's default 30 s to serve the workbench.
      await page.goto(url, { timeout: 120_000 });
      await waitFor('the workbench', () => page.locator('.monaco-workbench .part.statusbar').isVisible(), 90_000);
    } catch (e) {
      // Without this the browser process keeps the test file alive until the runner's timeout.
      await browser.close().catch(() => undefined);
      throw e;
    }
    return wb;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, name);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Visible text of the quick input's rows. */
  async quickPickRows(): Promise<string[]> {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').allInnerTexts();
  }

  private async quickInputVisible(): Promise<boolean> {
    return this.page.locator('.quick-input-widget').isVisible();
  }

  /** Pick the quick-pick row whose label matches (first label-name match wins), then wait for the picker to change. */
  async pickRow(match: (label: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const index = await waitFor(
      `quick pick row ${what}`,
      async () => {
        const labels = await rows.evaluateAll((els) =>
          els.map((el) => (el.querySelector('.label-name')?.textContent ?? el.textContent ?? '').replace(/\s+/g, ' ').trim()),
        );
        const i = labels.findIndex(match);
        return i >= 0 ? i + 1 : undefined;
      },
      timeoutMs,
      async () => (await this.quickPickRows()).join('\n'),
    );
    const row = rows.nth(index - 1);
    const label = (await row.innerText()).trim();
    await row.click();
    return label;
  }

  /** Run a command from the palette (F1) by its exact title, e.g. "Telemetry Lens: Run Demo Traffic". */
  async runCommand(title: string, timeoutMs = 15_000): Promise<void> {
    const page = this.page;
    if (await this.quickInputVisible()) await page.keyboard.press('Escape');
    await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 }, force: true }).catch(() => undefined);
    await page.keyboard.press('F1');
    await waitFor('the command palette', () => this.quickInputVisible(), 10_000);
    await page.keyboard.type(title, { delay: 5 });
    const norm = (s: string): string => s.replace(/\s+/g, ' ').replace(/…$/, '').trim().toLowerCase();
    await this.pickRow((l) => norm(l) === norm(title), `"${title}"`, timeoutMs);
  }

  /** Quick Open (Ctrl+P) a workspace file by name and wait for its editor tab. */
  async openFile(name: string): Promise<void> {
    const page = this.page;
    await page.keyboard.press('Control+P');
    await waitFor('quick open', () => this.quickInputVisible(), 10_000);
    await page.keyboard.type(name, { delay: 5 });
    // File search indexes the folder first; on a loaded machine that can take a while.
    await this.pickRow((l) => l === name, `"${name}"`, 60_000);
    await waitFor(`editor tab ${name}`, () => page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().isVisible(), 15_000);
  }

  /** Inner text of the Problems panel (opened via its command). */
  async problemsText(): Promise<string> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible().catch(() => false))) return '';
    return panel.innerText();
  }

  /**
   * Problems panel entries in display order: each marker row with the file group it sits under,
   * its text (message, source, code) and its line.
   */
  async problems(): Promise<{ file: string; text: string; line: number }[]> {
    const rows = await this.page.locator('.markers-panel .monaco-list-row').evaluateAll((els) =>
      els.map((el) => ({
        text: ((el as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim(),
        name: el.querySelector('.label-name')?.textContent?.trim() ?? '',
      })),
    );
    const out: { file: string; text: string; line: number }[] = [];
    let file = '';
    for (const r of rows) {
      const ln = /\[Ln (\d+), Col \d+\]/.exec(r.text);
      if (ln) out.push({ file, text: r.text, line: Number(ln[1]) });
      else file = r.name || r.text.split(' ')[0] || '';
    }
    return out;
  }

  async showProblems(): Promise<void> {
    await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)').catch(async () => {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+Shift+M');
    });
    await waitFor('the Problems panel', () => this.page.locator('.markers-panel').isVisible(), 15_000);
  }

  /** Drag the primary side bar's edge to `width` pixels (for readable screenshots of the views). */
  async setSidebarWidth(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** Expand or collapse a view pane by its title. */
  async setPaneExpanded(title: string, expanded: boolean): Promise<void> {
    const header = this.page.locator(`.pane-header[aria-label^="${title}"]`).first();
    if (!(await header.isVisible().catch(() => false))) return;
    if (((await header.getAttribute('aria-expanded')) === 'true') !== expanded) await header.click();
  }

  /** Text of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** All frames whose document matches `selector` (webview content lives two iframes deep). */
  async framesWith(selector: string): Promise<Frame[]> {
    const out: Frame[] = [];
    for (const f of this.page.frames()) {
      if (f === this.page.mainFrame()) continue;
      try {
        if ((await f.locator(selector).count()) > 0) out.push(f);
      } catch {
        // frame navigated away while we looked
      }
    }
    return out;
  }

  /** The first row of a tree view pane whose text matches `re` (a locator; waits for it). */
  async treeRow(paneTitle: string, re: RegExp, timeoutMs = 30_000): Promise<Locator> {
    const pane = this.page.locator('.pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${paneTitle}"]`) });
    const rows = pane.locator('.monaco-list-row');
    const i = await waitFor(`a ${paneTitle} row matching ${re}`, async () => {
      const texts = await rows.allInnerTexts();
      const k = texts.findIndex((t) => re.test(t));
      return k >= 0 ? k + 1 : undefined;
    }, timeoutMs, async () => (await rows.allInnerTexts()).join('\n'));
    return rows.nth(i - 1);
  }

  /** The rows of a tree view pane (by its title), e.g. "Agent Runs". */
  async treeRows(paneTitle: string): Promise<string[]> {
    const pane = this.page.locator('.pane').filter({ has: this.page.locator(`.pane-header[aria-label^="${paneTitle}"]`) });
    return pane.locator('.monaco-list-row').allInnerTexts();
  }
}
