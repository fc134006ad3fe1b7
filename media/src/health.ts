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
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import type { HealthCheckResult, HealthReport, ChartData, ReceiverStatus } from '../../protocol/protocol';
import { TIME_RANGES, type HealthFromWebview, type HealthToWebview } from '../../protocol/webview';
import type { Backend } from '../../protocol/settings';
import { formatCount, formatDuration, relativeTime } from '../../client/webview/format';
import { getState, h, mount, onMessage, onThemeChange, post, setState, themeVar } from './lib/dom';

Chart.register(
  ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale,
  LineController, LineElement, PointElement, Tooltip,
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

const VERDICT_ICON: Record<string, string> = { pass: '✓', warn: '!', fail: '✗', error: '⚠', 'no-data': '∅' };
const VERDICT_TEXT: Record<string, string> = { pass: 'Pass', warn: 'Warning', fail: 'Fail', error: 'Error', 'no-data': 'No data' };

function palette(): string[] {
  return [
    themeVar('--vscode-charts-blue', '#3794ff'),
    themeVar('--vscode-charts-orange', '#d18616'),
    themeVar('--vscode-charts-green', '#89d185'),
    themeVar('--vscode-charts-purple', '#b180d7'),
    themeVar('--vscode-charts-yellow', '#cca700'),
    themeVar('--vscode-charts-red', '#f14c4c'),
  ];
}

/** `#rrggbb` with an alpha channel (other colour syntaxes are returned unchanged). */
function withAlpha(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
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

function card(c: HealthCheckResult, now: number): HTMLElement {
  const rows = c.result?.rowCount;
  const el = h(
    'article',
    {
      class: `card verdict-${c.verdict}`,
      tabindex: 0,
      'data-check': c.id,
      'aria-label': `${c.name}: ${VERDICT_TEXT[c.verdict] ?? c.verdict}${c.figure ? `. ${c.figure}` : ''}`,
    },
    h('div', { class: 'card-head' },
      h('span', { class: `badge verdict-${c.verdict}`, 'aria-hidden': 'true' }, VERDICT_ICON[c.verdict] ?? '?'),
      h('h3', { class: 'card-title' }, c.name),
      h('span', { class: 'verdict-text' }, VERDICT_TEXT[c.verdict] ?? c.verdict)),
    c.figure ? h('p', { class: 'figure' }, c.figure) : null,
    c.error ? h('p', { class: 'error-text' }, c.error) : null,
    c.deadPattern ? h('p', { class: 'dead-pattern' }, `Pattern ${c.deadPattern} matches no schema event or call site`) : null,
    c.expectation ? h('p', { class: 'expectation muted' }, `Expected: ${c.expectation}`) : null,
    h('p', { class: 'meta muted' },
      h('time', { datetime: c.ranAt, title: c.ranAt }, `ran ${relativeTime(c.ranAt, now)}`),
      ` · ${formatDuration(c.durationMs)}`,
      rows !== undefined ? ` · ${rows} row${rows === 1 ? '' : 's'}` : ''),
  );
  if (c.description) el.title = c.description;
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
    .map((v) => h('span', { class: `count verdict-${v}` }, `${count(v)} ${v === 'no-data' ? 'no data' : v}`));
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

  // Model routing per workload: stacked bars, one dataset per model.
  const workloads = [...new Set(data.routing.map((r) => r.workload))];
  const models = [...new Set(data.routing.map((r) => r.model))];
  const routingLabel = workloads.map((w) => {
    const rows = data.routing.filter((r) => r.workload === w).sort((a, b) => b.calls - a.calls);
    const total = rows.reduce((s, r) => s + r.calls, 0);
    return `${w}: ${rows.map((r) => `${r.model} ${total ? Math.round((100 * r.calls) / total) : 0}%`).join(', ')}`;
  }).join('; ');
  const routing = chartBox('chart-routing', 'Model routing per workload', `Model routing per workload. ${routingLabel || 'No data'}`);
  section.append(routing.box);
  const routingCfg: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: workloads,
      datasets: models.map((m, i) => ({
        label: shortModel(m),
        data: workloads.map((w) => data.routing.find((r) => r.workload === w && r.model === m)?.calls ?? 0),
        backgroundColor: i < colors.length ? colors[i] : withAlpha(colors[i % colors.length], 0.55),
      })),
    },
    options: {
      indexAxis: 'y',
      scales: { y: { stacked: true }, x: { stacked: true, beginAtZero: true, title: { display: true, text: 'calls' } } },
      plugins: {
        legend: LEGEND,
        tooltip: {
          callbacks: {
            label: (ctx) => {
              const total = ctx.chart.data.datasets.reduce((s, d) => s + Number(d.data[ctx.dataIndex] ?? 0), 0);
              const v = Number(ctx.raw ?? 0);
              return `${models[ctx.datasetIndex] ?? ctx.dataset.label}: ${v} (${total ? Math.round((100 * v) / total) : 0}%)`;
            },
          },
        },
      },
    },
  };

  // Failovers vs recoveries vs rate limits per hour.
  const hours = data.failoverTimeline.map((p) => {
    const d = new Date(p.hour);
    return Number.isNaN(d.getTime()) ? p.hour : `${String(d.getHours()).padStart(2, '0')}:00`;
  });
  const sum = (k: 'failovers' | 'recoveries' | 'rateLimits'): number => data.failoverTimeline.reduce((s, p) => s + p[k], 0);
  const timeline = chartBox('chart-failovers', 'Failovers, recoveries and rate limits per hour',
    `Per hour over ${hours.length} hours: ${sum('failovers')} failovers, ${sum('recoveries')} recoveries, ${sum('rateLimits')} rate limits`);
  section.append(timeline.box);
  const line = (label: string, key: 'failovers' | 'recoveries' | 'rateLimits', color: string) => ({
    label, data: data.failoverTimeline.map((p) => p[key]), borderColor: color, backgroundColor: color, pointRadius: 2, cubicInterpolationMode: 'monotone' as const,
  });
  const timelineCfg: ChartConfiguration<'line'> = {
    type: 'line',
    data: {
      labels: hours,
      datasets: [
        line('Failovers', 'failovers', themeVar('--vscode-charts-orange', '#d18616')),
        line('Recoveries', 'recoveries', themeVar('--vscode-charts-green', '#89d185')),
        line('Rate limits', 'rateLimits', themeVar('--vscode-charts-red', '#f14c4c')),
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxRotation: 0, autoSkipPadding: 8 } } }, plugins: { legend: LEGEND }, interaction: { mode: 'index', intersect: false } },
  };

  // Capacity max/avg % per model and provider.
  const capLabels = data.capacity.map((c) => [shortModel(c.model), c.provider]);
  const capacity = chartBox('chart-capacity', 'Capacity used per model and provider',
    `Capacity: ${data.capacity.map((c) => `${c.model} on ${c.provider} max ${Math.round(c.maxPct)}%, average ${Math.round(c.avgPct)}%`).join('; ') || 'No data'}`);
  section.append(capacity.box);
  // One row per model: grow the chart instead of skipping labels.
  const capArea = capacity.box.querySelector<HTMLElement>('.chart-area');
  if (capArea && data.capacity.length > 5) capArea.style.height = `${Math.min(900, 100 + data.capacity.length * 36)}px`;
  const capacityCfg: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: {
      labels: capLabels,
      datasets: [
        { label: 'Max %', data: data.capacity.map((c) => c.maxPct), backgroundColor: themeVar('--vscode-charts-red', '#f14c4c') },
        { label: 'Average %', data: data.capacity.map((c) => c.avgPct), backgroundColor: themeVar('--vscode-charts-blue', '#3794ff') },
      ],
    },
    options: {
      indexAxis: 'y',
      scales: { x: { min: 0, max: 100, title: { display: true, text: '% of limit' } }, y: { ticks: { autoSkip: false } } },
      plugins: { legend: LEGEND, tooltip: { callbacks: { title: (items) => { const c = data.capacity[items[0]?.dataIndex ?? 0]; return c ? `${c.model} (${c.provider})` : ''; } } } },
    },
  };

  // EAR loop outcomes.
  const outcomeColor = (o: string): string => {
    const k = o.toLowerCase();
    if (k.includes('complete') || k.includes('success')) return themeVar('--vscode-charts-green', '#89d185');
    if (k.includes('refus')) return themeVar('--vscode-charts-yellow', '#cca700');
    if (k.includes('error') || k.includes('fail')) return themeVar('--vscode-charts-red', '#f14c4c');
    return themeVar('--vscode-charts-purple', '#b180d7');
  };
  const ear = chartBox('chart-ear', 'EAR loop outcomes',
    `EAR outcomes: ${data.earOutcomes.map((o) => `${o.outcome} ${o.count} (${Math.round(o.pct)}%)`).join(', ') || 'No data'}`);
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
    options: { plugins: { legend: LEGEND } },
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
    h('p', null, receiver?.running
      ? `The local OTLP receiver is listening on ${endpoint}. Point your app at it:`
      : 'The local OTLP receiver is stopped. Start it, then point your app at it:'),
    h('pre', { class: 'code', tabindex: 0, 'aria-label': 'Environment for your app' },
      `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}\nOTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf\nLOGFIRE_SEND_TO_LOGFIRE=false`),
    h('p', null, 'Or run your agent with “Telemetry Lens: Trace Agent Run…”, which sets these for you.'),
    h('div', { class: 'actions' },
      receiver && !receiver.running ? h('button', { id: 'start-receiver', onclick: () => send({ type: 'startReceiver' }) }, 'Start receiver') : null,
      h('button', { id: 'run-demo', class: receiver && !receiver.running ? 'secondary' : '', onclick: () => send({ type: 'runDemo' }) }, 'Run demo traffic')),
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
    parts.push(h('section', { class: 'cards', id: 'cards', 'aria-label': 'Health checks' }, ...m.report.checks.map((c) => card(c, now))));
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
