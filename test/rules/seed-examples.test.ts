// The seeds' own code blocks through rules TL008–TL015 (the real engine, bundled default schema):
// seed 000's calls are clean; the others are reported exactly where their conventions say.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { lintSource } from '../../server/lint/linter';
import type { SourceLanguage } from '../../server/model/calls';
import { RULES } from '../../server/rules/index';
import { bundledSchema } from '../../server/schema/loader';
import { packageRoot } from '../../server/paths';

const MINE = RULES.filter((r) => r.meta.code >= 'TL008' && r.meta.code <= 'TL015');

/** The bundled schema as a project that adopts its naming convention would declare it. */
const CONVENTION_SCHEMA = { ...bundledSchema(), declaredConventions: ['eventNameStyle'] };

async function codes(source: string, language: SourceLanguage = 'python'): Promise<string[]> {
  const r = await lintSource({ source, language, filePath: language === 'python' ? 'seed.py' : 'seed.ts', schema: CONVENTION_SCHEMA, rules: MINE });
  assert.deepEqual(r.ruleErrors, []);
  return r.findings.map((f) => `${f.range.start.line + 1}:${f.code}`);
}

test('seed 000: every documented call passes TL008–TL015', async () => {
  // the seed's six code blocks, verbatim (the fixture test/unit/seed000.test.ts lints with every rule)
  const src = fs.readFileSync(path.join(packageRoot(), 'test/fixtures/seed000.py'), 'utf8');
  assert.deepEqual(await codes(src), []);
});

test("seed 002: its own error example breaks its error-suffix convention; the rest passes", async () => {
  const src = `import logfire

logfire.configure(
    send_to_logfire='if-token-present',
    console=True
)
logfire.info('agent.created', model='gpt-4', session_id=session_id)
logfire.error('database.query_failed', table='messages', error=str(e))
with logfire.span('database.load_history', session_id=session_id):
    messages = await message_service.get_session_messages(session_id)
`;
  assert.deepEqual(await codes(src), ['8:TL009']);
});

test('seed 003: structlog event not dotted, unhashed user_id; the OTel span with hash(user_id) passes', async () => {
  const src = `import structlog
from opentelemetry import trace

logger = structlog.get_logger()
tracer = trace.get_tracer(__name__)
logger.info(
    "ir_generated",
    prompt_length=len(prompt),
    effect_count=len(ir.effects),
    duration_ms=duration,
    user_id=user_id,
    session_id=session_id,
)
with tracer.start_as_current_span("db_create_session"):
    span = trace.get_current_span()
    span.set_attribute("user_id", hash(user_id))
`;
  assert.deepEqual(await codes(src), ['7:TL009', '11:TL010', '14:TL009']);
});

test('seed 004: f-string debug logs and the raw transcript are reported; the .env placeholder is not a token', async () => {
  const src = `from loguru import logger
import logfire

# LOGFIRE_TOKEN=lf_live_...
async def process(self, event):
    logger.debug(f"Event received: {event.type}")
    logger.debug(f"Transcript: {event.transcript}")
    logfire.info("Agent completed", call_id=event.call_id, transcript=event.transcript)
`;
  assert.deepEqual(await codes(src), ['6:TL008', '7:TL008', '8:TL010']);
});

test('seed 001: the redacted token placeholder is clean, a real-looking one is not', async () => {
  const token = ['pylf', 'v1', 'us', 'Zr8Kp3Qw7Tn1Vb5Xm9Lc2Hd6Fg4Js0Ay'].join('_');
  assert.deepEqual(await codes('# export WEAVER_LOGFIRE_TOKEN=pylf_v1_us_<redacted>\nWEAVER_LOGFIRE_TOKEN = "pylf_v1_us_..."\n'), []);
  assert.deepEqual(await codes(`WEAVER_LOGFIRE_TOKEN = "${token}"\n`), ['1:TL011']);
});
