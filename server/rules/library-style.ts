// How each logging library wants values passed, for the advice and fixes of TL008 and TL016.
//
// - Logfire formats the message template from keyword attributes (`'user {uid}', uid=uid`).
// - loguru formats `{x}` fields from the call's keyword arguments (`'user {uid}', uid=uid`).
// - structlog never formats the event: it is logged as written, and values travel as key-value pairs
//   (`log.info('user_logged_in', uid=uid)`); a `{placeholder}` in the event stays literal braces.
// - stdlib logging formats `%s` fields lazily from positional arguments (`'user %s', uid`), and
//   takes structured fields through `extra=`.
// - OpenTelemetry never formats a span name: it should be a constant (or built from low-cardinality
//   parts, such as `GET /users/{id}`), with the values as span attributes.
import type { CallContext, Fix } from '../lint/types';
import type { TelemetryCall } from '../model/calls';
import { argumentEnd, offsetAt, toSnakeCase, type InterpolatedString } from './helpers';

/** What to do instead of building the message from values, in the call's library's own terms. */
export function libraryAdvice(call: Pick<TelemetryCall, 'library' | 'language' | 'kind'>): string {
  switch (call.library) {
    case 'structlog':
      return 'keep the event constant and pass the values as key-value pairs (structlog logs the event as written, so a `{placeholder}` would show literal braces)';
    case 'loguru':
      return 'use a `"… {x}"` template with the values as keyword arguments (`x=…`)';
    case 'stdlib':
      return 'use `%s` placeholders with the values as arguments (formatted only when the record is emitted), or `extra=`';
    case 'otel':
      return 'use a constant span name (or one built from low-cardinality parts, such as the HTTP method and route) and set the values as span attributes';
    default:
      return call.language === 'python' ? 'use a `{placeholder}` template with keyword attributes' : 'use a `{placeholder}` template with an attributes object';
  }
}

/** `%` is literal in a `%`-format string only when doubled. */
function escapePercent(s: string): string {
  return s.replace(/%/g, '%%');
}

/**
 * An f-string as stdlib logging wants it: `f'took {t:.2f}s for {name!r}'` →
 * `'took %.2fs for %r', t, name`. Undefined when a field cannot be written as a `%` directive.
 */
export function fstringToPercent(text: string, parsed: InterpolatedString): string | undefined {
  let body = '';
  let at = parsed.bodyStart;
  const args: string[] = [];
  for (const p of parsed.parts) {
    body += escapePercent(text.slice(at, p.start)).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
    let directive = p.conversion === 'r' ? '%r' : '%s';
    if (p.spec !== undefined && p.spec !== '') {
      const m = /^([-+ 0#]*)(\d*)(?:\.(\d+))?([dfeEgGxXo%s]?)$/.exec(p.spec);
      if (!m || p.conversion || m[4] === '%' || (m[4] === 's' && m[3] !== undefined)) return undefined;
      directive = `%${m[1]}${m[2]}${m[3] !== undefined ? `.${m[3]}` : ''}${m[4] || 's'}`;
    }
    if (p.selfDoc) body += `${p.expr}=`;
    body += directive;
    args.push(p.expr.trim());
    at = p.end;
  }
  body += escapePercent(text.slice(at, parsed.bodyEnd)).replace(/\{\{/g, '{').replace(/\}\}/g, '}');
  const prefix = parsed.prefix.replace(/[fF]/g, '');
  return `${prefix}${parsed.quote}${body}${parsed.quote}, ${args.join(', ')}`;
}

/**
 * The constant part of an f-string event, for structlog: the fields dropped, the words kept
 * (`f'user {uid} logged in'` → `'user logged in'`). Undefined when nothing readable is left.
 */
export function constantEvent(text: string, parsed: InterpolatedString): string | undefined {
  let body = '';
  let at = parsed.bodyStart;
  for (const p of parsed.parts) {
    body += `${text.slice(at, p.start)} `;
    at = p.end;
  }
  body += text.slice(at, parsed.bodyEnd);
  body = body
    .replace(/\{\{/g, '{')
    .replace(/\}\}/g, '}')
    .replace(/(['"])\s*\1|\(\s*\)|\[\s*\]/g, ' ')
    .replace(/\s*[:=]\s*(?=\s|,|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/[\s:=,;-]+$/, '')
    .trim();
  if (!/[A-Za-z]{2}/.test(body) || body.includes(parsed.quote) || body.includes('\\')) return undefined;
  const prefix = parsed.prefix.replace(/[fF]/g, '');
  return `${prefix}${parsed.quote}${body}${parsed.quote}`;
}

/** No positional argument follows the message (stdlib takes `%s` values there). */
export function noPositionalAfterMessage(ctx: CallContext): boolean {
  const { call, source } = ctx;
  const start = offsetAt(source, call.message!.range.end);
  const end = offsetAt(source, call.range.end);
  const rest = source.slice(start, end).replace(/\)\s*$/, '').replace(/^\s*,?\s*/, '');
  return rest === '' || /^[A-Za-z_]\w*\s*=(?!=)/.test(rest);
}

/** stdlib: `'user %s' % uid` / `'%s of %s' % (a, b)` → `'user %s', uid` (formatted only when emitted). */
export function fixFromPercent(ctx: CallContext): Fix | undefined {
  const { call } = ctx;
  if (!ctx.source || call.library !== 'stdlib' || call.language !== 'python' || !noPositionalAfterMessage(ctx)) return undefined;
  const m = /^([rRuU]?(?:"[^"\\\n]*"|'[^'\\\n]*'))\s*%\s*([\s\S]+)$/.exec(call.message!.text);
  if (!m || /%\(/.test(m[1])) return undefined;
  let args = m[2].trim();
  if (args.startsWith('(') && args.endsWith(')') && argumentEnd(args, 1) < args.length - 1) args = args.slice(1, -1).trim().replace(/,$/, '');
  else if (args.startsWith('{') || args.startsWith('(')) return undefined;
  return { title: 'Use `%s` arguments', edits: [{ range: call.message!.range, newText: `${m[1]}, ${args}` }], isPreferred: true, unsafe: true };
}

/**
 * Span-name parts OTel's naming guidance builds names from: HTTP method and route, database
 * operation/name/table, RPC service/method, messaging destination, and code identifiers.
 */
const LOW_CARDINALITY =
  /^(?:(?:http_)?(?:request_)?method|verb|route|http_route|path_template|url_template|operation|op|operation_name|db_?name|database|db_system|system|namespace|collection|collection_name|table|table_name|service|service_name|rpc_service|rpc_method|handler|handler_name|destination|destination_name|queue|queue_name|topic|topic_name|span_kind|kind|tool_name|function_name|func_name|class_name|qualname)$/;

/** Does every interpolated part of an OTel span name look like a low-cardinality value? */
export function lowCardinalityName(parts: readonly { expr: string }[]): boolean {
  return parts.length > 0 && parts.every((p) => {
    const e = p.expr.trim().replace(/\.upper\(\)$|\.lower\(\)$|\.toUpperCase\(\)$|\.toLowerCase\(\)$/, '');
    if (/(?:^|\.)__(?:name|qualname)__$|^type\([\w.]+\)\.__name__$|\.constructor\.name$/.test(e)) return true;
    const last = e.slice(e.lastIndexOf('.') + 1);
    return /^[A-Za-z_$][\w$]*$/.test(last) && LOW_CARDINALITY.test(toSnakeCase(last));
  });
}
