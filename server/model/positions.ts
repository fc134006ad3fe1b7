// Positions, ranges and text edits: the coordinates every layer (extraction, lint, rules, schema,
// language server, CLI) speaks. Plain data, no imports.

/** 0-based line, 0-based column in UTF-16 code units (the LSP convention). CLI output adds 1. */
export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface TextEdit {
  range: Range;
  newText: string;
}
