import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../protocol/settings';

test('normalizeSettings fills defaults and accepts nested dotted keys', () => {
  const s = normalizeSettings({ receiver: { port: 5000 }, schemaPath: 'x.yaml', languages: ['python'] });
  assert.equal(s['receiver.port'], 5000);
  assert.equal(s.schemaPath, 'x.yaml');
  assert.deepEqual(s.languages, ['python']);
  assert.equal(s.backend, DEFAULT_SETTINGS.backend);
});

test('normalizeSettings ignores values of the wrong type', () => {
  const s = normalizeSettings({ 'receiver.port': 'abc', codeLens: 'yes', languages: 'python' });
  assert.equal(s['receiver.port'], 4318);
  assert.equal(s.codeLens, true);
  assert.deepEqual(s.languages, DEFAULT_SETTINGS.languages);
});
