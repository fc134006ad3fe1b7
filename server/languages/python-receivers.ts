// Python receivers: what a name can hold (a Logfire instance, a structlog logger, an OTel tracer …),
// the telemetry method names of each library, and the tables that map imports and attributes of the
// telemetry libraries to receivers.
import type { SyntaxNode as Node } from './nodes';
import { cachedRegExp, escapeRegExp, needleAlternation } from './common';

/** What a name or expression holds. */
export type Receiver =
  | { kind: 'logfire' }
  | { kind: 'logfire-fn'; method: string }
  | { kind: 'logfire-class' }
  | { kind: 'logfire-span'; message?: Node }
  | { kind: 'structlog-mod' }
  | { kind: 'structlog-factory' }
  | { kind: 'structlog'; bound: string[] }
  | { kind: 'loguru-mod' }
  | { kind: 'loguru'; bound: string[]; record?: boolean }
  | { kind: 'logging-mod' }
  | { kind: 'logging-factory' }
  | { kind: 'stdlib' }
  | { kind: 'otel-root' }
  | { kind: 'otel-trace' }
  | { kind: 'otel-get-tracer' }
  | { kind: 'otel-get-span' }
  | { kind: 'otel-tracer' }
  | { kind: 'otel-span'; message?: Node }
  /** A project function that returns a receiver (`def get_logger(): return structlog.get_logger()`). */
  | { kind: 'factory'; returns: Receiver }
  /** A project module (`from app import obs`): its telemetry handles by name. */
  | { kind: 'module'; exports: Record<string, Receiver> };

export const LOGFIRE_LOG = new Set(['trace', 'debug', 'info', 'notice', 'warn', 'warning', 'error', 'fatal', 'exception']);
export const LOGFIRE_FNS = new Set([...LOGFIRE_LOG, 'log', 'span', 'instrument']);
export const STRUCTLOG_LOG = new Set(['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'fatal', 'msg', 'log']);
export const LOGURU_LOG = new Set(['trace', 'debug', 'info', 'success', 'warning', 'error', 'critical', 'exception', 'log']);
/** Level methods other libraries have and these do not (AttributeError at runtime) → the method meant. */
export const LOGFIRE_MISTAKES: Record<string, string> = { critical: 'fatal', success: 'info' };
export const LOGURU_MISTAKES: Record<string, string> = { warn: 'warning', fatal: 'critical', notice: 'info' };
export const STDLIB_LOG = new Set(['debug', 'info', 'warning', 'warn', 'error', 'exception', 'critical', 'fatal', 'log']);
/** Every method name that can make a call telemetry (the cheap first test in classify). */
export const PY_METHODS = new Set([
  ...LOGFIRE_FNS,
  ...STRUCTLOG_LOG,
  ...[...STRUCTLOG_LOG].map((m) => `a${m}`),
  ...LOGURU_LOG,
  ...STDLIB_LOG,
  'set_attribute',
  'set_attributes',
  'add_event',
  'start_span',
  'start_as_current_span',
]);
/** PY_METHODS as a regular-expression alternation (built once). */
export const PY_METHODS_RE = [...PY_METHODS].map(escapeRegExp).join('|');
/** structlog/stdlib keywords that are options, not event attributes. */
export const LOG_OPTIONS = new Set(['exc_info', 'stack_info', 'stacklevel']);

export const LOGFIRE_MODULES = new Set(['logfire', 'logfire_api']);

/** Names whose presence on an assignment's right side can bind a telemetry receiver. */
export const BINDING_NEEDLES = [
  'logfire',
  'logfire_api',
  'Logfire',
  'with_tags',
  'with_settings',
  'span',
  'structlog',
  'get_logger',
  'getLogger',
  'wrap_logger',
  'bind',
  'new',
  'opt',
  'patch',
  'getChild',
  'loguru',
  'logger',
  'logging',
  'trace',
  'get_tracer',
  'get_current_span',
  'start_span',
  'start_as_current_span',
];
export function moduleReceiver(mod: string): Receiver | undefined {
  if (LOGFIRE_MODULES.has(mod)) return { kind: 'logfire' };
  switch (mod) {
    case 'structlog':
      return { kind: 'structlog-mod' };
    case 'loguru':
      return { kind: 'loguru-mod' };
    case 'logging':
      return { kind: 'logging-mod' };
    case 'opentelemetry.trace':
      return { kind: 'otel-trace' };
    case 'opentelemetry':
      return { kind: 'otel-root' };
    default:
      return undefined;
  }
}

export function fromImportReceiver(mod: string, name: string): Receiver | undefined {
  if (LOGFIRE_MODULES.has(mod)) {
    if (name === 'Logfire') return { kind: 'logfire-class' };
    if (LOGFIRE_FNS.has(name)) return { kind: 'logfire-fn', method: name };
    return undefined;
  }
  switch (mod) {
    case 'structlog':
    case 'structlog.stdlib':
      return name === 'get_logger' || name === 'getLogger' || name === 'wrap_logger' ? { kind: 'structlog-factory' } : name === 'stdlib' ? { kind: 'structlog-mod' } : undefined;
    case 'loguru':
      return name === 'logger' ? { kind: 'loguru', bound: [] } : undefined;
    case 'logging':
      return name === 'getLogger' ? { kind: 'logging-factory' } : undefined;
    case 'opentelemetry':
      return name === 'trace' ? { kind: 'otel-trace' } : undefined;
    case 'opentelemetry.trace':
      return name === 'get_tracer' ? { kind: 'otel-get-tracer' } : name === 'get_current_span' ? { kind: 'otel-get-span' } : undefined;
    default:
      return undefined;
  }
}

export function memberReceiver(recv: Receiver, attr: string): Receiver | undefined {
  switch (recv.kind) {
    case 'module':
      return Object.hasOwn(recv.exports, attr) ? recv.exports[attr] : undefined;
    case 'logfire':
      return attr === 'Logfire' ? { kind: 'logfire-class' } : undefined;
    case 'structlog-mod':
      if (attr === 'get_logger' || attr === 'getLogger' || attr === 'wrap_logger') return { kind: 'structlog-factory' };
      return attr === 'stdlib' ? recv : undefined;
    case 'loguru-mod':
      return attr === 'logger' ? { kind: 'loguru', bound: [] } : undefined;
    case 'logging-mod':
      return attr === 'getLogger' ? { kind: 'logging-factory' } : undefined;
    case 'otel-root':
      return attr === 'trace' ? { kind: 'otel-trace' } : undefined;
    case 'otel-trace':
      return attr === 'get_tracer' ? { kind: 'otel-get-tracer' } : attr === 'get_current_span' ? { kind: 'otel-get-span' } : undefined;
    default:
      return undefined;
  }
}

/**
 * Could `text` (whole lines) hold a statement the extractor reads bindings from: an import, an
 * assignment mentioning a telemetry name or one of `names` (names bound already), a `… as x`? The
 * same text tests the extractor uses to find them; false means the text binds nothing.
 */
export function pythonMayBind(text: string, names: Iterable<string>): boolean {
  if (/^[ \t]*(import|from)\b/m.test(text)) return true;
  if (/\bas[ \t]+[A-Za-z_]/.test(text)) return true;
  return cachedRegExp(`^[ \\t]*[\\w.]+[ \\t]*(?::[^=\\n]*)?=(?!=)[^\\n]*?\\b(${needleAlternation(BINDING_NEEDLES, names)})\\b`, 'm').test(text);
}

/** What the receiver tables read from a call's arguments (a tree node's or a text's). */
export interface CallArgs {
  /** Names of the keyword arguments, in order. */
  keywordNames(): string[];
  /** The text of a keyword argument's value. */
  keywordText(name: string): string | undefined;
  /** The first positional argument (else the keyword `keyword`): a span's message. */
  message(keyword?: string): Node | undefined;
}

/** What calling a receiver returns (`structlog.get_logger()`, `Logfire()`, a project factory). */
export function callResult(callee: Receiver, args: CallArgs): Receiver | undefined {
  switch (callee.kind) {
    case 'logfire-class':
      return { kind: 'logfire' };
    case 'structlog-factory':
      return { kind: 'structlog', bound: [] };
    case 'logging-factory':
      return { kind: 'stdlib' };
    case 'otel-get-tracer':
      return { kind: 'otel-tracer' };
    case 'otel-get-span':
      return { kind: 'otel-span' };
    case 'factory':
      return callee.returns;
    case 'logfire-fn':
      return callee.method === 'span' ? { kind: 'logfire-span', message: args.message() } : undefined;
    default:
      return undefined;
  }
}

/** What `recv.method(…)` returns when it is a receiver (`logger.bind(…)`, `logfire.with_tags(…)`, `tracer.start_span(…)`). */
export function methodResult(recv: Receiver, method: string, args: CallArgs): Receiver | undefined {
  switch (recv.kind) {
    case 'logfire':
      if (method === 'with_tags' || method === 'with_settings') return recv;
      if (method === 'span') return { kind: 'logfire-span', message: args.message() };
      return undefined;
    case 'structlog':
      if (method === 'bind' || method === 'new') return { kind: 'structlog', bound: [...(method === 'bind' ? recv.bound : []), ...args.keywordNames()] };
      if (method === 'unbind' || method === 'try_unbind') return recv;
      return undefined;
    case 'loguru':
      if (method === 'bind') return { ...recv, bound: [...recv.bound, ...args.keywordNames()] };
      // `opt(record=True)` hands the record to the message's format: `{record[level]}`.
      if (method === 'opt') return args.keywordText('record') === 'True' ? { ...recv, record: true } : recv;
      if (method === 'patch') return recv;
      return undefined;
    case 'stdlib':
      return method === 'getChild' ? recv : undefined;
    case 'otel-tracer':
      return method === 'start_span' || method === 'start_as_current_span' ? { kind: 'otel-span', message: args.message('name') } : undefined;
    default:
      return undefined;
  }
}
