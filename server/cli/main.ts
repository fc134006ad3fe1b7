// `telemetry-lens` command line: a thin dispatcher over the registry (registry.ts); each subcommand is a
// file in this folder. Exit codes: 0 success/clean, 1 findings at error severity or a failed check,
// 2 usage or input error.
import { loadCommand, loadCommands } from './registry';

async function usage(): Promise<string> {
  const commands = await loadCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['usage: telemetry-lens <command> [options]', '', 'commands:', ...lines, '', 'telemetry-lens <command> --help for details'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await usage()) + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${require('../../package.json').version}\n`);
    return 0;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    process.stderr.write(`telemetry-lens: unknown command '${name}'\n\n${await usage()}\n`);
    return 2;
  }
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
