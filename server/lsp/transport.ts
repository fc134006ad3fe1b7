// The connection of the language server. Over --stdio (Neovim, Helix, Zed, `telemetry-lens lsp --stdio`)
// messages are written by StdioMessageWriter: each message goes out as one write (header and body
// together, at once, not on a later turn of the event loop), and a diagnostics publication is encoded
// from the cached JSON of its diagnostics, so only the diagnostics an edit changed are serialised again.
// The bytes are what JSON.stringify of the message gives. IPC (the VS Code client) and sockets keep
// vscode-languageserver's own transports.
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { createConnection, ProposedFeatures, StreamMessageReader, type Connection } from 'vscode-languageserver/node';
import { AbstractMessageWriter, type Message, type MessageWriter, type PublishDiagnosticsParams } from 'vscode-languageserver';
import { diagnosticJson } from './diagnostics';

const PUBLISH = 'textDocument/publishDiagnostics';

/** JSON of a message, the same text as JSON.stringify(msg); publications reuse each diagnostic's cached JSON. */
export function encodeMessage(msg: Message): string {
  const m = msg as { method?: unknown; id?: unknown; params?: unknown };
  if (m.method === PUBLISH && m.id === undefined && isPlainPublication(msg, m.params)) {
    const p = m.params as PublishDiagnosticsParams;
    let out = `{"jsonrpc":${JSON.stringify(msg.jsonrpc)},"method":"${PUBLISH}","params":{`;
    for (const key of Object.keys(p)) {
      if (key === 'diagnostics') {
        out += '"diagnostics":[';
        for (let i = 0; i < p.diagnostics.length; i++) out += (i ? ',' : '') + diagnosticJson(p.diagnostics[i]);
        out += '],';
      } else {
        const v = JSON.stringify((p as unknown as Record<string, unknown>)[key]);
        if (v !== undefined) out += `${JSON.stringify(key)}:${v},`;
      }
    }
    return `${out.endsWith(',') ? out.slice(0, -1) : out}}}`;
  }
  return JSON.stringify(msg);
}

/** A notification object of the usual shape: { jsonrpc, method, params: { uri, version?, diagnostics[] } }. */
function isPlainPublication(msg: Message, params: unknown): boolean {
  const keys = Object.keys(msg);
  if (keys.length !== 3 || keys[0] !== 'jsonrpc' || keys[1] !== 'method' || keys[2] !== 'params') return false;
  if (!params || typeof params !== 'object' || !Array.isArray((params as PublishDiagnosticsParams).diagnostics)) return false;
  return Object.keys(params).every((k) => k === 'uri' || k === 'version' || k === 'diagnostics');
}

/** Writes LSP messages (Content-Length framing) to a stream: one write per message, in call order. */
export class StdioMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly out: NodeJS.WritableStream) {
    super();
    out.on('error', (e: Error) => this.fireError(e));
    out.on('close', () => this.fireClose());
  }

  write(msg: Message): Promise<void> {
    let body: string;
    try {
      body = encodeMessage(msg);
    } catch (e) {
      this.fail(e, msg);
      return Promise.reject(e);
    }
    const frame = `Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`;
    return new Promise((resolve, reject) => {
      this.out.write(frame, 'utf8', (e) => {
        if (e) {
          this.fail(e, msg);
          reject(e);
        } else resolve();
      });
    });
  }

  end(): void {
    this.out.end();
  }

  private fail(e: unknown, msg: Message): void {
    this.errorCount++;
    this.fireError(e, msg, this.errorCount);
  }
}

/** The first transport argument on the command line, as vscode-languageserver reads it. */
function transportArg(argv: readonly string[]): string | undefined {
  return argv.find((a) => a === '--node-ipc' || a === '--stdio' || a.split('=')[0] === '--socket' || a.split('=')[0] === '--pipe');
}

export interface ServerConnection {
  connection: Connection;
  /** Call when the shutdown request arrives: a stdio server whose client then goes away exits with 0, else 1. */
  shutdownReceived(): void;
}

/** The server's connection for the transport named on the command line. */
export function createServerConnection(): ServerConnection {
  if (transportArg(process.argv.slice(2)) !== '--stdio') return { connection: createConnection(ProposedFeatures.all), shutdownReceived: () => undefined };
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StdioMessageWriter(process.stdout));
  let shutdown = false;
  // the client went away (stdin closed): exit as vscode-languageserver does for a stdio connection
  const gone = () => process.exit(shutdown ? 0 : 1);
  process.stdin.on('end', gone);
  process.stdin.on('close', gone);
  redirectConsole(connection);
  return {
    connection,
    shutdownReceived: () => {
      shutdown = true;
    },
  };
}

/** stdout carries the protocol: console output goes to the client's log instead (as vscode-languageserver does over stdio). */
function redirectConsole(connection: Connection): void {
  const sink = (send: (text: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _enc, done) {
        send(String(chunk).replace(/\n$/, ''));
        done();
      },
    });
  const c = new Console({ stdout: sink((t) => connection.console.log(t)), stderr: sink((t) => connection.console.error(t)) });
  const target = console as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(c)) if (typeof v === 'function') target[k] = v;
}
