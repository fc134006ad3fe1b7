#!/usr/bin/env node
'use strict';
// The CLI is bundled into dist/ by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'server', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('telemetry-lens: dist/server/cli.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
require(cli);
