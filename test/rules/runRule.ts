// Runs one rule over a source text for the rule tables, through the real lint engine (pre-filter,
// tree-sitter extraction, event matching, severities, suppressions) with only that rule enabled.
import assert from 'node:assert/strict';
import { lintSource } from '../../server/lint/linter';
import type { Finding, ProjectStyle, Rule } from '../../server/lint/types';
import type { SourceLanguage } from '../../server/model/calls';
import type { Schema } from '../../server/schema/model';

export interface RunInput {
  source: string;
  language: SourceLanguage;
  filePath: string;
  schema: Schema;
  project?: ProjectStyle;
}

export async function lintWithRule(rule: Rule, input: RunInput): Promise<Finding[]> {
  // A rule that is 'off' by default would never run: force its own severity table entry on.
  const settings = {
    ...(rule.meta.severity === 'off' ? { rules: { [rule.meta.code]: 'warning' } } : {}),
    ...(input.project ? { projectStyle: input.project } : {}),
  };
  const { project: _project, ...rest } = input;
  const result = await lintSource({ ...rest, rules: [rule], settings });
  assert.deepEqual(result.ruleErrors, [], `${rule.meta.code} threw while linting`);
  return result.findings;
}
