// The rule registry: every rule, sorted by code. Codes are stable and never reused.
import type { Rule } from '../lint/types';

export const RULES: readonly Rule[] = [];

export function ruleByCodeOrName(key: string): Rule | undefined {
  return RULES.find((r) => r.meta.code === key || r.meta.name === key);
}
