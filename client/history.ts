// Query history kept in globalState: pure list logic (no `vscode`), unit-tested.

export const HISTORY_MAX = 30;

/** Most recent first, without duplicates (whitespace-insensitive), at most `max` entries. */
export function pushHistory(history: readonly string[], sql: string, max = HISTORY_MAX): string[] {
  const norm = (s: string): string => s.trim().replace(/\s+/g, ' ');
  const key = norm(sql);
  if (!key) return history.slice(0, max);
  return [sql.trim(), ...history.filter((h) => norm(h) !== key)].slice(0, max);
}
