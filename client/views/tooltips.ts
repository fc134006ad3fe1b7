// Markdown of the tree views' tooltips. Span names, run labels, exception text, file paths and schema
// templates come from received telemetry or the workspace: they are escaped so they show as text, never
// as links, images or emphasis. The tree views render these with `isTrusted` false (no command links),
// without HTML and without theme icons. No `vscode` import: unit-tested on its own.
import type { AgentRun, EventSummary, SpanDetail } from '../../protocol/protocol';
import { levelName, plural } from '../../protocol/format';

const MAX_TEXT = 500;

/**
 * `text` as literal Markdown text: every ASCII punctuation character backslash-escaped (CommonMark lets
 * any of them be escaped, which also stops autolinks, HTML and `$(icon)` syntax), line breaks as spaces,
 * cut at `max` characters.
 */
export function escapeMarkdown(text: string, max = MAX_TEXT): string {
  const flat = text.replace(/\s*[\r\n]+\s*/g, ' ');
  const cut = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  return cut.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** A fenced code block that `text` cannot close early: the fence is longer than any backtick run in it. */
export function codeBlock(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `\n${fence}text\n${text}\n${fence}\n`;
}

export function runTooltip(r: AgentRun): string {
  return (
    `**${escapeMarkdown(r.label || r.runId)}**\n\nrun ${escapeMarkdown(r.runId)}\n\n` +
    `started ${escapeMarkdown(r.startedAt)}${r.endedAt ? `, ended ${escapeMarkdown(r.endedAt)}` : ' (live)'}\n\n` +
    `${plural(r.errorCount, 'error')} · ${plural(r.violationCount, 'schema violation')}`
  );
}

/** Plain characters rather than `$(icon)` syntax: the tooltip is rendered without theme icons. */
export function spanTooltip(s: SpanDetail): string {
  let md = `**${escapeMarkdown(s.name)}** · ${levelName(s.level)}${s.statusCode ? ` · ${escapeMarkdown(s.statusCode)}` : ''}\n\n`;
  if (s.codeFilepath) md += `${escapeMarkdown(s.codeFilepath)}${s.codeLineno ? `:${Number(s.codeLineno)}` : ''}\n\n`;
  if (s.violations.length) md += `⚠ schema violations: ${escapeMarkdown(s.violations.join(', '))}\n\n`;
  if (s.exception) md += `✗ ${escapeMarkdown(s.exception.type ?? 'exception')}: ${escapeMarkdown(s.exception.message ?? '')}`;
  return md;
}

export function eventTooltip(e: EventSummary): string {
  let md = `**${escapeMarkdown(e.id)}**${e.level ? ` · ${escapeMarkdown(e.level)}` : ''}\n\n`;
  if (e.template) md += codeBlock(e.template);
  md += `\n${e.callSites} call sites · ${e.runtimeCount} records${e.lastSeen ? ` · last seen ${escapeMarkdown(e.lastSeen)}` : ''}`;
  return md;
}
