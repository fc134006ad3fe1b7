// TL012 too-many-attributes: a record carrying more attributes than the schema allows.
//
// Events are capped at fewer than 50 attributes by default: wide records cost storage and money, and a
// call that passes dozens of keys usually dumps an object field by field (or a whole dict) instead
// of choosing what a query needs. The limit is `conventions.maxAttributes` (default 50).
import type { Rule } from '../lint/types';

/** Calls that produce a record of their own (a `set_attribute` adds to a span created elsewhere). */
const RECORD_KINDS = new Set(['log', 'span', 'event', 'instrument']);

export const rule: Rule = {
  meta: {
    code: 'TL012',
    name: 'too-many-attributes',
    severity: 'warning',
    fixable: 'never',
    summary: 'More attributes on one event than `conventions.maxAttributes` (default 50)',
  },
  checkCall(ctx, report) {
    const { call, schema } = ctx;
    if (!RECORD_KINDS.has(call.kind)) return;
    const max = schema.conventions.maxAttributes;
    if (!Number.isFinite(max) || max <= 0) return;
    // Distinct keys are at most all keys: most calls are far below the limit.
    if (call.attributes.length + (call.boundKeys?.length ?? 0) <= max) return;
    const keys = new Set(call.attributes.map((a) => a.key));
    // Context bound earlier (structlog/loguru `.bind()`) lands on the same record.
    for (const k of call.boundKeys ?? []) keys.add(k);
    if (keys.size <= max) return;
    const atLeast = call.hasSplat ? 'at least ' : '';
    const bound = (call.boundKeys ?? []).filter((k) => !call.attributes.some((a) => a.key === k)).length;
    const boundNote = bound > 0 ? ` (${bound} bound with \`.bind()\`)` : '';
    report({
      message: `Too many attributes: ${atLeast}${keys.size}${boundNote}, more than the limit of ${max}; keep the ones queries need and log large objects as one JSON attribute`,
      range: call.calleeRange,
      fixes: [],
    });
  },
};

export default rule;
