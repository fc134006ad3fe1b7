// `telemetry-lens` command line: a thin dispatcher. Each subcommand lives with the code it drives.
// Exit codes: 0 success/clean, 1 findings at error severity or a failed check, 2 usage or input error.

type Command = { summary: string; run: (argv: string[]) => Promise<number> };

const commands: Record<string, () => Promise<Command>> = {
  // one line per subcommand; keep sorted
  check: () => import('./telemetry/cli').then((m) => m.checkCommand),
  compare: () => import('./telemetry/compare-cli').then((m) => m.compareCommand),
  demo: () => import('./telemetry/cli').then((m) => m.demoCommand),
  export: () => import('./telemetry/export').then((m) => m.exportCommand),
  import: () => import('./telemetry/bulk').then((m) => m.importCommand),
  ingest: () => import('./telemetry/cli').then((m) => m.ingestCommand),
  lint: () => import('./lint/cli').then((m) => m.lintCommand),
  'live-check': () => import('./telemetry/cli').then((m) => m.liveCheckCommand),
  lsp: () => import('./lsp/command').then((m) => m.lspCommand),
  query: () => import('./telemetry/cli').then((m) => m.queryCommand),
  schema: () => import('./lint/cli').then((m) => m.schemaCommand),
  serve: () => import('./telemetry/cli').then((m) => m.serveCommand),
};

async function usage(): Promise<string> {
  const names = Object.keys(commands).sort();
  const loaded = await Promise.all(names.map((n) => commands[n]()));
  const width = Math.max(...names.map((n) => n.length));
  const lines = names.map((n, i) => `  ${n.padEnd(width)}  ${loaded[i].summary}`);
  return ['usage: telemetry-lens <command> [options]', '', 'commands:', ...lines, '', 'telemetry-lens <command> --help for details'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await usage()) + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${require('../package.json').version}\n`);
    return 0;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`telemetry-lens: unknown command '${name}'\n\n${await usage()}\n`);
    return 2;
  }
  const cmd = await load();
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`telemetry-lens: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
