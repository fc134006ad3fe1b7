// Language server entry point (bundled to dist/server/server.js). The VS Code client starts it over
// IPC; other editors run it with `--stdio` (or `telemetry-lens lsp --stdio`).
import { startLanguageServer } from './lsp/main';

startLanguageServer();
