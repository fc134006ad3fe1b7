// Log levels: Logfire's level names and the OpenTelemetry severity numbers Logfire stores in
// `records.level`. One table; every other shape (the list of names, name → number, number → name) is
// derived from it. Shared by the schema, the extractors, the rules, the store and the webviews.

/** Each level with its severity number, lowest first. */
export const LEVEL_TABLE = [
  ['trace', 1],
  ['debug', 5],
  ['info', 9],
  ['notice', 10],
  ['warn', 13],
  ['error', 17],
  ['fatal', 21],
] as const;

export type LevelName = (typeof LEVEL_TABLE)[number][0];

/** The level names, lowest first. */
export const LEVEL_NAMES: readonly LevelName[] = LEVEL_TABLE.map(([name]) => name);

/** Level name → severity number (`warn` → 13). */
export const LEVEL_NUMBERS: Readonly<Record<LevelName, number>> = Object.fromEntries(LEVEL_TABLE) as Record<LevelName, number>;

/** Other spellings of a level that SDKs and people write (`logging.WARNING`, structlog `critical`, …). */
export const LEVEL_ALIASES: Readonly<Record<string, LevelName>> = { warning: 'warn', critical: 'fatal', exception: 'error', err: 'error' };

/** Severity number → level name (`13` → `warn`); numbers between levels round down, below 1 is `trace`. */
export function levelName(level: number): LevelName {
  for (let i = LEVEL_TABLE.length - 1; i > 0; i--) if (level >= LEVEL_TABLE[i][1]) return LEVEL_TABLE[i][0];
  return 'trace';
}
