// TL015 unknown-method: a level method the logging library does not have.
//
// Each library names its levels its own way: Logfire (Python and JS) has `fatal` but no `critical`,
// the JS SDK has `warning` but no `warn`, loguru has `warning` and `critical` but no `warn`, `fatal`
// or `notice`. Habits carried over from another library (`logger.critical(...)` from stdlib logging,
// `console.warn` in JS) produce calls that fail when the line runs: Python raises AttributeError, JS
// a TypeError (`logfire.warn is not a function`), and the event is never recorded — typically on an
// error path, where the failure replaces the error being reported.
//
// The extractor describes such a call as the method most likely meant (so the other rules check it
// as that call) and records the method written in `call.unknownMethod`.
import type { Rule } from '../lint/types';
import type { TelemetryCall } from '../model/calls';

const LIBRARY: Record<TelemetryCall['library'], string> = {
  logfire: 'Logfire',
  loguru: 'loguru',
  structlog: 'structlog',
  stdlib: 'logging',
  otel: 'OpenTelemetry',
  wrapper: 'wrapper',
};

/** What happens at runtime when the method is missing. */
function failure(call: TelemetryCall, name: string): string {
  if (call.language === 'python') return `Python raises AttributeError ('${name}')`;
  return `it throws TypeError (${name} is not a function)`;
}

export const rule: Rule = {
  meta: {
    code: 'TL015',
    name: 'unknown-method',
    severity: 'error',
    fixable: 'always',
    summary: 'Level method the library does not have (`logfire.critical`, loguru `logger.warn`, JS `logfire.warn`): the call fails at runtime',
  },
  checkCall(ctx, report) {
    const { call } = ctx;
    const u = call.unknownMethod;
    if (!u) return;
    const lib = LIBRARY[call.library];
    const languageNote = call.library === 'logfire' && call.language !== 'python' ? ' JS' : '';
    report({
      message: `\`${u.name}\` is not a ${lib}${languageNote} method: ${failure(call, u.name)} and nothing is recorded; use \`${u.suggestion}\``,
      range: u.range,
      fixes: [{ title: `Use \`${u.suggestion}\``, edits: [{ range: u.range, newText: u.suggestion }], isPreferred: true }],
    });
  },
};

export default rule;
