// Health view: one card per health check plus four charts (chart.js), themed from VS Code's
// CSS variables. Everything it shows arrives as HealthToWebview messages.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { HealthCheckResult, HealthReport, ChartData, ReceiverStatus } from '../../protocol/protocol';
import { TIME_RANGES, type HealthFromWebview, type HealthToWebview } from '../../protocol/webview';
import type { Backend } from '../../protocol/settings';
import { formatCount, formatDuration, formatNumber, formatPercent, plural, relativeTime } from '../../protocol/format';
import { semanticColors, seriesColors, themeKindOf } from './lib/palette';
import { getState, h, mount, onMessage, onThemeChange, post, setState, themeVar } from './lib/dom';

Chart.register(
  ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, Tooltip,
);

const send = (m: HealthFromWebview): void => post(m);

interface Saved {
  settings?: Extract<HealthToWebview, { type: 'settings' }>;
  last?: HealthToWebview;
}
const saved: Saved = getState<Saved>() ?? {};
let settings = saved.settings ?? { type: 'settings' as const, backend: 'local' as Backend, timeRange: '24h', hasToken: false, refreshSeconds: 60 };
let last: HealthToWebview | undefined = saved.last;
let loading = false;
const charts: Chart[] = [];

// Codicons (VS Code's icon font, shipped with the extension) render where no emoji font is installed.
const VERDICT_ICON: Record<string, string> = { pass: 'pass', warn: 'warning', fail: 'error', error: 'circle-slash', 'no-data': 'circle-large-outline' };
/** `4 passed · 2 warnings · 1 failed · 1 error · 1 no data` */
const verdictCount = (v: string, n: number): string =>
  v === 'pass' ? `${n} passed` : v === 'fail' ? `${n} failed` : v === 'warn' ? plural(n, 'warning') : v === 'no-data' ? `${n} no data` : plural(n, 'error');
const VERDICT_TEXT: Record<string, string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail', error: 'Error', 'no-data': 'No data' };

function palette(): string[] {
  return seriesColors(themeKindOf(document.body.className));
}
function meaning(): ReturnType<typeof semanticColors> {
  return semanticColors(themeKindOf(document.body.className));
}

/** Text with the ✅ / ❌ / ⚠ marks of the checks' criteria shown as codicons (with the same words for screen readers). */
function withIcons(text: string): (Node | string)[] {
  const icons: Record<string, [string, string]> = { '✅': ['pass', 'Good:'], '❌': ['error', 'Bad:'], '⚠️': ['warning', 'Warning:'], '⚠': ['warning', 'Warning:'] };
  const out: (Node | string)[] = [];
  for (const part of text.split(/(✅|❌|⚠️|⚠)/u)) {
    const icon = icons[part];
    if (icon) out.push(h('span', { class: `codicon codicon-${icon[0]} codicon-inline`, role: 'img', 'aria-label': icon[1] }));
    else if (part) out.push(part);
  }
  return out;
}

const LEGEND = { position: 'bottom' as const, labels: { boxWidth: 10, boxHeight: 10, padding: 8 } };

/** `hf:moonshotai/Kimi-K2.5` → `Kimi-K2.5` for axis labels (tooltips keep the full name). */
function shortModel(m: string): string {
  const tail = m.slice(m.lastIndexOf('/') + 1);
  return tail.length > 24 ? `${tail.slice(0, 23)}…` : tail || m;
}

function applyChartDefaults(): void {
  Chart.defaults.color = themeVar('--vscode-charts-foreground', themeVar('--vscode-foreground', '#cccccc'));
  Chart.defaults.borderColor = themeVar('--vscode-charts-lines', themeVar('--vscode-widget-border', 'rgba(128,128,128,0.35)'));
  Chart.defaults.font.family = themeVar('--vscode-font-family', 'sans-serif');
  const size = parseFloat(themeVar('--vscode-font-size', '12'));
  Chart.defaults.font.size = Number.isFinite(size) ? size : 12;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
}

function toolbar(): HTMLElement {
  const backend = h(
    'select',
    { id: 'backend', 'aria-label': 'Backend', title: 'Where the checks run' },
    h('option', { value: 'local', selected: settings.backend === 'local' }, 'Local store'),
    h('option', { value: 'logfire', selected: settings.backend === 'logfire' }, 'Logfire'),
  );
  backend.addEventListener('change', () => send({ type: 'setBackend', backend: backend.value as Backend }));
  const ranges: string[] = [...TIME_RANGES];
  if (!ranges.includes(settings.timeRange)) ranges.push(settings.timeRange);
  const range = h(
    'select',
    { id: 'timeRange', 'aria-label': 'Time range', title: 'Time range of checks and charts' },
    ...ranges.map((r) => h('option', { value: r, selected: r === settings.timeRange }, `Last ${r}`)),
  );
  range.addEventListener('change', () => send({ type: 'setTimeRange', timeRange: range.value }));
  const refresh = h('button', { id: 'refresh', class: 'icon-button', 'aria-label': 'Refresh health checks', title: 'Refresh', onclick: () => send({ type: 'refresh' }) }, '⟳');
  return h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Health options' }, backend, range, refresh,
    h('span', { class: 'muted', id: 'status', role: 'status' }, loading ? 'Refreshing…' : ''));
}

function receiverLine(r: ReceiverStatus | undefined): HTMLElement | null {
  if (!r) return null;
  const text = r.running ? `Receiver on 127.0.0.1:${r.port} · ${formatCount(r.recordCount)} records` : `Receiver stopped · ${formatCount(r.recordCount)} records`;
  return h('p', { class: 'receiver muted', id: 'receiver' }, text, r.error ? h('span', { class: 'error-text' }, ` — ${r.error}`) : null);
}

/**
 * The check's own window when it is narrower than the panel's range (its SQL filters on, e.g., the last
 * 12 hours while the charts show 24): shown on the card so card and chart figures are not compared blindly.
 */
function windowPill(c: HealthCheckResult, range: string): HTMLElement | null {
  if (!c.window?.own || c.window.effective === range) return null;
  return h('span', {
    class: 'pill window', 'data-window': c.window.effective,
    title: `This check's SQL looks at the last ${c.window.own} only; the panel range (and the charts) cover ${range}.`,
  }, `last ${c.window.effective}`);
}

function card(c: HealthCheckResult, now: number, range: string): HTMLElement {
  const rows = c.result?.rowCount;
  const el = h(
    'article',
    {
      class: `card verdict-${c.verdict}`,
      tabindex: 0,
      'data-check': c.id,
      'aria-label': `${c.name}: ${VERDICT_TEXT[c.verdict] ?? c.verdict}${c.figure ? `. ${c.figure}` : ''}${c.window?.own && c.window.effective !== range ? `. Over the last ${c.window.effective}` : ''}`,
    },
    h('div', { class: 'card-head' },
      h('span', { class: `badge codicon codicon-${VERDICT_ICON[c.verdict] ?? 'question'} verdict-${c.verdict}`, 'aria-hidden': 'true' }),
      h('h3', { class: 'card-title' }, c.name),
      windowPill(c, range),
      h('span', { class: 'verdict-text' }, VERDICT_TEXT[c.verdict] ?? c.verdict)),
    c.figure ? h('p', { class: 'figure' }, c.figure) : null,
    c.error ? h('p', { class: 'error-text' }, c.error) : null,
    c.deadPattern ? h('p', { class: 'dead-pattern' }, `Pattern ${c.deadPattern} matches no schema event or call site`) : null,
    c.expectation ? h('p', { class: 'expectation muted' }, 'Expected: ', ...withIcons(c.expectation)) : null,
    h('p', { class: 'meta muted' },
      h('time', { datetime: c.ranAt, title: c.ranAt }, `ran ${relativeTime(c.ranAt, now)}`),
      ` · ${formatDuration(c.durationMs)}`,
      rows !== undefined ? ` · ${plural(rows, 'row')}` : '',
      c.window ? ` · last ${c.window.effective}` : ''),
  );
  el.title = [c.description, c.figure, c.error].filter(Boolean).join('\n');
  if (c.result) {
    const open = (): void => send({ type: 'showCheck', checkId: c.id });
    el.classList.add('clickable');
    el.addEventListener('click', open);
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
  }
  return el;
}

function summary(report: HealthReport): HTMLElement {
  const count = (v: string): number => report.checks.filter((c) => c.verdict === v).length;
  const parts = (['pass', 'warn', 'fail', 'error', 'no-data'] as const).filter((v) => count(v) > 0)
    .map((v) => h('span', { class: `count verdict-${v}` }, verdictCount(v, count(v))));
  return h('p', { class: 'summary', id: 'summary', role: 'status' }, ...parts.flatMap((p, i) => (i ? [' · ', p] : [p])));
}

function chartBox(id: string, title: string, label: string): { box: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': label });
  const box = h('figure', { class: 'chart', 'data-chart': id }, h('figcaption', null, title), h('div', { class: 'chart-area' }, canvas));
  return { box, canvas };
}

function drawCharts(data: ChartData): HTMLElement {
  for (const c of charts.splice(0)) c.destroy();
  applyChartDefaults();
  const colors = palette();
  const section = h('section', { class: 'charts', 'aria-label': 'Charts' });

  const sem = meaning();
  // Model routing per workload: one bar per (workload, model), labelled with both, coloured by workload
  // (a legend of one colour per model runs out of distinguishable colours with a dozen models).
  const workloads = [...new Set(data.routing.map((r) => r.workload))];
  const routeRows = workloads.flatMap((w) => {
    const rows = data.routing.filter((r) => r.workload === w).sort((x, y) => y.calls - x.calls || x.model.localeCompare(y.model));
    const total = rows.reduce((t, r) => t + r.calls, 0);
    return rows.map((r) => ({ ...r, share: total ? (100 * r.calls) / total : 0 }));
  });
  const routingLabel = workloads.map((w) => `${w}: ${routeRows.filter((r) => r.workload === w).map((r) => `${r.model} ${formatPercent(r.share)}`).join(', ')}`).join('; ');
  const routing = chartBox('chart-routing', 'Model routing per workload', `Model routing per workload. ${routingLabel || 'No data'}`);
  section.append(routing.box);
  const routingArea = routing.box.querySelector<HTMLElement>('.chart-area');
  if (routingArea && routeRows.length > 5) routingArea.style.height = `${Math.min(900, 60 + routeRows.length * 34)}px`;
  const workloadColor = (w: string): string => colors[workloads.indexOf(w) % colors.length];
  const routingCfg: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: routeRows.map((r) => [shortModel(r.model), r.workload]),
      datasets: [{
        label: 'calls',
        data: routeRows.map((r) => r.calls),
        backgroundColor: routeRows.map((r) => workloadColor(r.workload)),
      }],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'calls' } }, y: { ticks: { autoSkip: false } } },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            title: (items) => { const r = routeRows[items[0]?.dataIndex ?? 0]; return r ? `${r.workload} → ${r.model}` : ''; },
            label: (ctx) => { const r = routeRows[ctx.dataIndex]; return r ? `${plural(r.calls, 'call')} (${formatPercent(r.share)} of ${r.workload})` : ''; },
          },
        },
      },
    },
  };

  // Failovers vs recoveries vs rate limits per hour: counts, so grouped bars (no smoothing between hours).
  const hours = data.failoverTimeline.map((p) => {
    const d = new Date(p.hour);
    return Number.isNaN(d.getTime()) ? p.hour : `${String(d.getHours()).padStart(2, '0')}:00`;
  });
  const sum = (k: 'failovers' | 'recoveries' | 'rateLimits'): number => data.failoverTimeline.reduce((t, p) => t + p[k], 0);
  const timeline = chartBox('chart-failovers', 'Failovers, recoveries and rate limits per hour',
    `Per hour over ${plural(hours.length, 'hour')}: ${plural(sum('failovers'), 'failover')}, ${plural(sum('recoveries'), 'recovery', 'recoveries')}, ${plural(sum('rateLimits'), 'rate limit')}`);
  section.append(timeline.box);
  const series = (label: string, key: 'failovers' | 'recoveries' | 'rateLimits', color: string) => ({
    label, data: data.failoverTimeline.map((p) => p[key]), backgroundColor: color, borderColor: color, borderWidth: 0, barPercentage: 0.9, categoryPercentage: 0.8,
  });
  const timelineCfg: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: hours,
      datasets: [
        series('Rate limits', 'rateLimits', sem.warn),
        series('Failovers', 'failovers', sem.bad),
        series('Recoveries', 'recoveries', sem.good),
      ],
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'per hour' } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } } },
      plugins: { legend: LEGEND, tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${formatNumber(Number(ctx.raw ?? 0))}` } } },
      interaction: { mode: 'index', intersect: false },
    },
  };

  // Capacity max/avg % per model and provider.
  const capLabels = data.capacity.map((c) => [shortModel(c.model), c.provider]);
  const capacity = chartBox('chart-capacity', 'Capacity used per model and provider',
    `Capacity: ${data.capacity.map((c) => `${c.model} on ${c.provider} max ${formatPercent(c.maxPct)}, average ${formatPercent(c.avgPct)}`).join('; ') || 'No data'}`);
  section.append(capacity.box);
  // One row per model: grow the chart instead of skipping labels.
  const capArea = capacity.box.querySelector<HTMLElement>('.chart-area');
  if (capArea && data.capacity.length > 5) capArea.style.height = `${Math.min(900, 100 + data.capacity.length * 36)}px`;
  const capacityCfg: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: capLabels,
      datasets: [
        { label: 'Max %', data: data.capacity.map((c) => c.maxPct), backgroundColor: sem.bad },
        { label: 'Average %', data: data.capacity.map((c) => c.avgPct), backgroundColor: sem.accent },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { min: 0, max: 100, title: { display: true, text: '% of limit' } }, y: { ticks: { autoSkip: false } } },
      plugins: {
        legend: LEGEND,
        tooltip: {
          callbacks: {
            title: (items) => { const c = data.capacity[items[0]?.dataIndex ?? 0]; return c ? `${c.model} (${c.provider})` : ''; },
            label: (ctx) => `${String(ctx.dataset.label ?? '').replace(/ %$/, '')}: ${formatPercent(Number(ctx.raw ?? 0))}`,
          },
        },
      },
    },
  };

  // EAR loop outcomes.
  const outcomeColor = (o: string): string => {
    const k = o.toLowerCase();
    if (k.includes('complete') || k.includes('success')) return sem.good;
    if (k.includes('refus')) return sem.warn;
    if (k.includes('error') || k.includes('fail')) return sem.bad;
    return sem.neutral;
  };
  const ear = chartBox('chart-ear', 'EAR loop outcomes',
    `EAR outcomes: ${data.earOutcomes.map((o) => `${o.outcome} ${formatNumber(o.count)} (${formatPercent(o.pct)})`).join(', ') || 'No data'}`);
  section.append(ear.box);
  const earCfg: ChartConfiguration<'doughnut'> = {
    type: 'doughnut',
    data: {
      labels: data.earOutcomes.map((o) => o.outcome),
      datasets: [{
        data: data.earOutcomes.map((o) => o.count),
        backgroundColor: data.earOutcomes.map((o) => outcomeColor(o.outcome)),
        borderColor: themeVar('--vscode-sideBar-background', themeVar('--vscode-editor-background', '#1e1e1e')),
      }],
    },
    options: {
      plugins: {
        legend: LEGEND,
        tooltip: { callbacks: { label: (ctx) => { const o = data.earOutcomes[ctx.dataIndex]; return o ? `${o.outcome}: ${formatNumber(o.count)} (${formatPercent(o.pct)})` : ''; } } },
      },
    },
  };

  const pending: [HTMLCanvasElement, ChartConfiguration, boolean][] = [
    [routing.canvas, routingCfg as ChartConfiguration, data.routing.length > 0],
    [timeline.canvas, timelineCfg as ChartConfiguration, data.failoverTimeline.length > 0],
    [capacity.canvas, capacityCfg as ChartConfiguration, data.capacity.length > 0],
    [ear.canvas, earCfg as ChartConfiguration, data.earOutcomes.length > 0],
  ];
  // Charts need their canvases in the document to size themselves.
  queueMicrotask(() => {
    for (const [canvas, cfg, has] of pending) {
      if (!has) {
        canvas.closest('.chart-area')?.replaceWith(h('p', { class: 'muted no-data' }, 'No data in this range'));
        continue;
      }
      charts.push(new Chart(canvas, cfg));
    }
    document.body.dataset.chartsRendered = String(charts.length);
  });
  return section;
}

function emptyState(receiver: ReceiverStatus | undefined): HTMLElement {
  const port = receiver?.port ?? 4318;
  const endpoint = `http://127.0.0.1:${port}`;
  return h('section', { class: 'empty', id: 'empty', 'aria-labelledby': 'empty-title' },
    h('h2', { id: 'empty-title' }, 'No telemetry yet'),
    h('div', { class: 'actions' },
      receiver && !receiver.running ? h('button', { id: 'start-receiver', onclick: () => send({ type: 'startReceiver' }) }, 'Start receiver') : null,
      h('button', { id: 'run-demo', class: receiver && !receiver.running ? 'secondary' : '', onclick: () => send({ type: 'runDemo' }) }, 'Run demo traffic')),
    h('p', null, receiver?.running
      ? `The local OTLP receiver is listening on ${endpoint}. Point your app at it:`
      : 'The local OTLP receiver is stopped. Start it, then point your app at it:'),
    h('pre', { class: 'code', tabindex: 0, 'aria-label': 'Environment for your app' },
      `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\nLOGFIRE_SEND_TO_LOGFIRE=false`),
    h('p', null, 'Or run your agent with “Telemetry Lens: Trace Agent Run…”, which sets these for you.'),
    receiverLine(receiver));
}

/** Restricted Mode: what is off and how to turn it on. */
function restrictedNotice(): HTMLElement {
  return h('section', { class: 'notice', id: 'restricted', role: 'note' },
    h('p', null,
      'Restricted Mode: this workspace is not trusted, so its schema’s health checks do not run (the bundled default checks run instead), ',
      'its backend, Logfire base URL and store path settings are ignored, and Trace Agent Run is off. Linting works as usual.'),
    h('button', { id: 'manage-trust', onclick: () => send({ type: 'manageTrust' }) }, 'Manage Workspace Trust'));
}

function render(): void {
  const m = last;
  const now = Date.now();
  const parts: (HTMLElement | null)[] = [toolbar()];
  if (settings.restricted) parts.push(restrictedNotice());
  if (!m || m.type === 'loading') {
    parts.push(h('p', { class: 'muted' }, 'Running health checks…'));
  } else if (m.type === 'needsToken') {
    parts.push(h('section', { class: 'notice', id: 'needs-token' },
      h('p', null, 'The Logfire backend needs a read token. It is kept in VS Code’s secret storage only.'),
      h('button', { id: 'set-token', onclick: () => send({ type: 'setToken' }) }, 'Set Logfire read token')));
  } else if (m.type === 'error') {
    parts.push(h('section', { class: 'notice error', id: 'error', role: 'alert' },
      h('p', { class: 'error-text' }, m.message),
      h('button', { onclick: () => send({ type: 'refresh' }) }, 'Retry')));
  } else if (m.type === 'empty') {
    parts.push(emptyState(m.receiver));
  } else if (m.type === 'report') {
    parts.push(receiverLine(m.receiver));
    parts.push(summary(m.report));
    parts.push(h('section', { class: 'cards', id: 'cards', 'aria-label': 'Health checks' }, ...m.report.checks.map((c) => card(c, now, m.report.timeRange))));
    if (m.charts) parts.push(drawCharts(m.charts));
    parts.push(h('p', { class: 'muted footer' }, `${m.report.backend === 'logfire' ? 'Logfire' : 'Local store'} · last ${m.report.timeRange} · updated `,
      h('time', { datetime: m.report.ranAt, title: m.report.ranAt }, relativeTime(m.report.ranAt, now))));
  }
  mount(...parts);
  if (m?.type === 'loading' || loading) document.getElementById('app')!.setAttribute('aria-busy', 'true');
}

onMessage<HealthToWebview>((m) => {
  switch (m.type) {
    case 'settings':
      settings = m;
      setState<Saved>({ settings, last });
      render();
      return;
    case 'loading':
      loading = true;
      if (last?.type === 'report') {
        // Keep the last report on screen while refreshing; just flag it.
        document.getElementById('status')!.textContent = 'Refreshing…';
        document.getElementById('app')!.setAttribute('aria-busy', 'true');
        return;
      }
      last = m;
      render();
      return;
    default:
      loading = false;
      last = m;
      setState<Saved>({ settings, last });
      render();
  }
});

onThemeChange(() => {
  if (last?.type === 'report') render();
});
render();
send({ type: 'ready' });
