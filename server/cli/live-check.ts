// `telemetry-lens live-check`: `check --conformance --format json` under Weaver's name.
import type { Command } from './command';
import check, { CHECK_HELP } from './check';

const command: Command = {
  name: 'live-check',
  usage: CHECK_HELP,
  summary: "check received records against the schema, registries and semantic conventions (Weaver live-check JSON)",
  run: (argv) => check.run(argv.includes('--help') || argv.includes('-h') ? argv : ['--conformance', '--format', 'json', ...argv]),
};

export default command;
