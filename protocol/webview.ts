// Messages between the extension and its webviews (Health view, trace waterfall, query results).
// Each direction is a discriminated union on `type`; both sides import these types only.
import type { Backend } from './settings';
import type { ChartData, HealthReport, QueryResult, ReceiverStatus, RunComparison, TraceDetail } from './protocol';

/** Time ranges offered by the Health view's selector. */
export const TIME_RANGES = ['15m', '1h', '6h', '12h', '24h', '7d', '30d'] as const;

// ---------- Health view ----------

export type HealthToWebview =
  /** Current backend/range selection and whether a Logfire token is stored. */
  /** `restricted`: the workspace is not trusted (Restricted Mode), the view says what is off and why. */
  | { type: 'settings'; backend: Backend; timeRange: string; hasToken: boolean; refreshSeconds: number; restricted?: boolean }
  | { type: 'loading' }
  /** Checks and chart data; `receiver` is present for the local backend. */
  | { type: 'report'; report: HealthReport; charts: ChartData | null; receiver?: ReceiverStatus }
  /** Nothing to show yet: explain how to send data. */
  | { type: 'empty'; receiver?: ReceiverStatus }
  /** Logfire backend selected without a read token. */
  | { type: 'needsToken' }
  | { type: 'error'; message: string };

export type HealthFromWebview =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'setBackend'; backend: Backend }
  | { type: 'setTimeRange'; timeRange: string }
  | { type: 'runDemo' }
  | { type: 'setToken' }
  | { type: 'startReceiver' }
  /** Open VS Code's Workspace Trust editor. */
  | { type: 'manageTrust' }
  /** Open the rows behind a check in the query results table. */
  | { type: 'showCheck'; checkId: string };

// ---------- Trace waterfall ----------

export type WaterfallToWebview = { type: 'trace'; trace: TraceDetail; selectedSpanId?: string } | { type: 'notFound'; traceId: string };

export type WaterfallFromWebview =
  | { type: 'ready' }
  | { type: 'selectSpan'; spanId: string }
  | { type: 'openSource'; filepath: string; lineno?: number }
  | { type: 'copy'; text: string };

// ---------- Query results ----------

export type QueryToWebview =
  | { type: 'running'; sql: string }
  | { type: 'result'; sql: string; result: QueryResult; title?: string }
  | { type: 'error'; sql: string; message: string }
  | { type: 'cancelled'; sql: string };

export type QueryFromWebview =
  | { type: 'ready' }
  | { type: 'copy'; text: string }
  /** Export the result; `order` lists row indices in the displayed (sorted) order. */
  | { type: 'export'; format: 'csv' | 'json'; order: number[] }
  | { type: 'rerun' };

// ---------- Run comparison ----------

export type CompareToWebview = { type: 'comparison'; comparison: RunComparison } | { type: 'error'; message: string };
export type CompareFromWebview = { type: 'ready' } | { type: 'copy'; text: string };

export type AnyFromWebview = HealthFromWebview | WaterfallFromWebview | QueryFromWebview | CompareFromWebview;
