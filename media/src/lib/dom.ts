// Small DOM helpers for the webview scripts: the VS Code webview API, typed messaging and an
// element builder that only ever sets text (never innerHTML), so data cannot inject markup.

interface WebviewApi<S> {
  postMessage(message: unknown): void;
  getState(): S | undefined;
  setState(state: S): void;
}
declare function acquireVsCodeApi<S = unknown>(): WebviewApi<S>;

let api: WebviewApi<unknown> | undefined;
function vscodeApi(): WebviewApi<unknown> {
  return (api ??= acquireVsCodeApi());
}

/** Send a typed message to the extension. */
export function post<M extends { type: string }>(message: M): void {
  vscodeApi().postMessage(message);
}

/** Listen for typed messages from the extension. */
export function onMessage<M extends { type: string }>(handler: (m: M) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const data = e.data as unknown;
    if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') handler(data as M);
  });
}

export function getState<S>(): S | undefined {
  return vscodeApi().getState() as S | undefined;
}
export function setState<S>(s: S): void {
  vscodeApi().setState(s);
}

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | EventListener>;

/**
 * `h('div', { class: 'card', onclick: fn }, 'text', child)`: attributes starting with `on` become
 * listeners, `true` sets a boolean attribute, false/null/undefined omit it; children are nodes or text.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v as EventListener);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replace the app root's content and clear its busy flag. */
export function mount(...children: Child[]): HTMLElement {
  const app = document.getElementById('app')!;
  app.replaceChildren();
  append(app, children);
  app.setAttribute('aria-busy', 'false');
  return app;
}

/** Value of a VS Code theme CSS variable (`--vscode-…`), or `fallback`. */
export function themeVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Call `fn` when VS Code switches theme (it swaps the body's vscode-light/-dark/-high-contrast class). */
export function onThemeChange(fn: () => void): void {
  new MutationObserver(fn).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

/**
 * Roving focus for a list of rows: ArrowUp/Down, Home/End, PageUp/Down move focus; Enter/Space call
 * `activate`. Exactly one row is in the tab order.
 */
export function rovingFocus(container: HTMLElement, rowSelector: string, activate: (row: HTMLElement, e: KeyboardEvent) => void): void {
  const rows = (): HTMLElement[] => Array.from(container.querySelectorAll<HTMLElement>(rowSelector));
  const all = rows();
  all.forEach((r, i) => (r.tabIndex = i === 0 ? 0 : -1));
  container.addEventListener('focusin', (e) => {
    const t = (e.target as HTMLElement).closest<HTMLElement>(rowSelector);
    if (!t) return;
    for (const r of rows()) r.tabIndex = r === t ? 0 : -1;
  });
  container.addEventListener('keydown', (e: KeyboardEvent) => {
    const cur = (e.target as HTMLElement).closest<HTMLElement>(rowSelector);
    if (!cur) return;
    const list = rows();
    const i = list.indexOf(cur);
    let next = -1;
    if (e.key === 'ArrowDown') next = Math.min(list.length - 1, i + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, i - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = list.length - 1;
    else if (e.key === 'PageDown') next = Math.min(list.length - 1, i + 10);
    else if (e.key === 'PageUp') next = Math.max(0, i - 10);
    else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      activate(cur, e);
      return;
    } else return;
    e.preventDefault();
    list[next]?.focus();
  });
}
