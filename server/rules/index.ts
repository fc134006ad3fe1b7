// The rule registry: every rule, sorted by code. Codes are stable and never reused.
// One import and one entry per rule, both kept in code order (test/unit/consistency.test.ts checks).
import type { Rule } from '../lint/types';
import { rule as TL001 } from './TL001';
import { rule as TL002 } from './TL002';
import { rule as TL003 } from './TL003';
import { rule as TL004 } from './TL004';
import { rule as TL005 } from './TL005';
import { rule as TL006 } from './TL006';
import { rule as TL007 } from './TL007';
import { rule as TL008 } from './TL008';
import { rule as TL009 } from './TL009';
import { rule as TL010 } from './TL010';
import { rule as TL011 } from './TL011';
import { rule as TL012 } from './TL012';
import { rule as TL013 } from './TL013';
import { rule as TL014 } from './TL014';
import { rule as TL015 } from './TL015';
import { rule as TL016 } from './TL016';
import { rule as TL017 } from './TL017';

export const RULES: readonly Rule[] = [
  TL001,
  TL002,
  TL003,
  TL004,
  TL005,
  TL006,
  TL007,
  TL008,
  TL009,
  TL010,
  TL011,
  TL012,
  TL013,
  TL014,
  TL015,
  TL016,
  TL017,
];

export function ruleByCodeOrName(key: string): Rule | undefined {
  return RULES.find((r) => r.meta.code === key || r.meta.name === key);
}
