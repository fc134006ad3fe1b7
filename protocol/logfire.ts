// Where the Logfire read token may be sent. Shared by the client (which asks the user before a new
// host) and the server's Logfire client (which refuses any other host on its own: defence in depth).
//
// Logfire's query API lives at https://logfire-us.pydantic.dev and https://logfire-eu.pydantic.dev
// (per region), and at https://logfire-api.pydantic.dev in older documentation
// (https://logfire.pydantic.dev/docs/how-to-guides/query-api/). Any other base URL (a self-hosted
// Logfire, a local stand-in) must come from the user's own settings and be confirmed by the user.

/** Logfire's own API hosts: the token goes there over https without asking. */
export const LOGFIRE_API_HOSTS: readonly string[] = ['logfire-us.pydantic.dev', 'logfire-eu.pydantic.dev', 'logfire-api.pydantic.dev'];

export type TokenDestination =
  /** https to one of Logfire's API hosts on the default port. */
  | { kind: 'logfire'; origin: string }
  /** A host the user must have configured and confirmed (https anywhere, or http on loopback). */
  | { kind: 'needsApproval'; origin: string }
  /** Never: not http(s), credentials in the URL, or plain http off this machine. */
  | { kind: 'refused'; origin?: string; reason: string };

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Classifies a Logfire base URL (or any request URL under it) as a destination for the read token. */
export function classifyTokenDestination(url: string): TokenDestination {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return { kind: 'refused', reason: `'${url}' is not a valid URL` };
  }
  const origin = u.origin;
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { kind: 'refused', origin, reason: `${u.protocol} is not http or https` };
  if (u.username || u.password) return { kind: 'refused', origin, reason: 'the URL carries a user name or password' };
  if (u.protocol === 'http:') {
    return isLoopback(u.hostname)
      ? { kind: 'needsApproval', origin }
      : { kind: 'refused', origin, reason: 'plain http would send the token unencrypted (http is only allowed to this machine, 127.0.0.1 or localhost)' };
  }
  if (!u.port && LOGFIRE_API_HOSTS.includes(u.hostname.toLowerCase())) return { kind: 'logfire', origin };
  return { kind: 'needsApproval', origin };
}

/**
 * Null when the token may go to `url`; otherwise why not. `approvedOrigin` is the origin of a base URL
 * the user configured in their own settings and confirmed.
 */
export function tokenDestinationProblem(url: string, approvedOrigin?: string): string | null {
  const d = classifyTokenDestination(url);
  if (d.kind === 'logfire') return null;
  if (d.kind === 'refused') return `Refusing to send the Logfire read token to ${d.origin ?? url}: ${d.reason}.`;
  if (approvedOrigin && approvedOrigin === d.origin) return null;
  return (
    `Refusing to send the Logfire read token to ${d.origin}: it is not one of Logfire's API hosts (${LOGFIRE_API_HOSTS.join(', ')}). ` +
    'Another base URL must be set in your user settings (telemetryLens.logfire.baseUrl) and confirmed once.'
  );
}
