// Runs one rule over a source text for the rule tables.
import type { Finding, Rule, SourceLanguage } from '../../server/lint/types';
import type { Schema } from '../../server/schema/model';
import { extractCalls } from '../../server/languages';

export interface RunInput {
  source: string;
  language: SourceLanguage;
  filePath: string;
  schema: Schema;
}

export async function lintWithRule(rule: Rule, input: RunInput): Promise<Finding[]> {
  const calls = await extractCalls(input.source, input.language, input.filePath, { wrappers: input.schema.conventions.wrappers });
  const out: Finding[] = [];
  const sev = rule.meta.severity === 'off' ? 'warning' : rule.meta.severity;
  const report = (f: Omit<Finding, 'code' | 'rule' | 'severity'> & { severity?: Finding['severity'] }) =>
    out.push({ ...f, code: rule.meta.code, rule: rule.meta.name, severity: f.severity ?? sev });
  const file = { filePath: input.filePath, language: input.language, source: input.source, schema: input.schema, calls };
  rule.checkFile?.(file, report);
  for (const call of calls) {
    const match = { event: input.schema.events.find((e) => (e.name && call.message?.value === e.name) || (e.template && call.message?.value === e.template)), candidates: [] };
    rule.checkCall?.({ ...file, call, match }, report);
  }
  return out;
}
