// `telemetry-lens lsp --stdio`: the same language server for Neovim, Helix, Zed and other LSP clients.
import { startLanguageServer } from '../lsp/main';
import type { Command } from './command';

const HELP = `usage: telemetry-lens lsp [--stdio | --node-ipc | --socket=PORT]

Runs the Telemetry Lens language server (diagnostics, quick fixes, hover, completion, go to
definition, references, code lens). Editors start it themselves; see docs/editors.md.`;

const command: Command = {
  name: 'lsp',
  usage: HELP,
  summary: 'run the language server (--stdio)',
  run(argv: string[]): Promise<number> {
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(`${HELP}\n`);
      return Promise.resolve(0);
    }
    if (!argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe='))) {
      process.stderr.write(`telemetry-lens lsp: choose a transport (--stdio)\n\n${HELP}\n`);
      return Promise.resolve(2);
    }
    startLanguageServer();
    // the connection keeps the process alive and exits it on the client's `exit` notification
    return new Promise<number>(() => undefined);
  },
};

export default command;
