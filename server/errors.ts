// The message of a thrown value, for logs and user-facing errors (an Error's message, anything else as text).
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
