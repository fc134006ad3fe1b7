// The TextMate injection grammar (syntaxes/telemetry-template.injection.json) tokenised with the real
// vscode-textmate + vscode-oniguruma engine on top of real Python / TypeScript / JavaScript base grammars
// (the `tm-grammars` package ships the same grammars VS Code uses).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vt from 'vscode-textmate';
import * as onig from 'vscode-oniguruma';
import { packageRoot } from '../../server/paths';

const INJECTION = 'telemetry-lens.template.injection';
const root = packageRoot();
const injectionPath = path.join(root, 'syntaxes', 'telemetry-template.injection.json');
const hostFiles: Record<string, string> = {
  'source.python': 'python',
  'source.ts': 'typescript',
  'source.tsx': 'tsx',
  'source.js': 'javascript',
  'source.js.jsx': 'jsx',
};

let registry: vt.Registry | undefined;
async function getRegistry(): Promise<vt.Registry> {
  if (registry) return registry;
  const wasm = fs.readFileSync(path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  registry = new vt.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new onig.OnigScanner(sources),
      createOnigString: (s: string) => new onig.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName === INJECTION) return vt.parseRawGrammar(fs.readFileSync(injectionPath, 'utf8'), injectionPath);
      const host = hostFiles[scopeName];
      if (!host) return null;
      const file = path.join(root, 'node_modules', 'tm-grammars', 'grammars', `${host}.json`);
      return vt.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
    getInjections: (scopeName: string) => (hostFiles[scopeName] ? [INJECTION] : undefined),
  });
  return registry;
}

interface Tok {
  line: number;
  text: string;
  scopes: string[];
}

async function tokenize(scope: string, source: string): Promise<Tok[]> {
  const grammar = await (await getRegistry()).loadGrammar(scope);
  assert.ok(grammar, `grammar ${scope} loads`);
  let state = vt.INITIAL;
  const out: Tok[] = [];
  source.split('\n').forEach((lineText, line) => {
    const r = grammar.tokenizeLine(lineText, state);
    assert.equal(r.stoppedEarly, false, `line ${line} tokenised to the end`);
    state = r.ruleStack;
    for (const t of r.tokens) out.push({ line, text: lineText.slice(t.startIndex, t.endIndex), scopes: t.scopes });
  });
  return out;
}

const ours = (t: Tok) => t.scopes.some((s) => s.endsWith('.telemetry-lens'));
function placeholders(toks: Tok[], line?: number): string[] {
  return toks
    .filter((t) => (line === undefined || t.line === line) && t.scopes.includes('variable.other.placeholder.telemetry-lens'))
    .map((t) => t.text);
}
function eventNames(toks: Tok[]): string[] {
  return toks.filter((t) => t.scopes.includes('entity.name.tag.event-name.telemetry-lens')).map((t) => t.text);
}
function tokenAt(toks: Tok[], line: number, text: string): Tok {
  const t = toks.find((x) => x.line === line && x.text === text);
  assert.ok(t, `token ${JSON.stringify(text)} on line ${line}: ${JSON.stringify(toks.filter((x) => x.line === line).map((x) => x.text))}`);
  return t;
}

test('grammar file declares its scope and injects into Python, TS, TSX, JS and JSX', () => {
  const g = JSON.parse(fs.readFileSync(injectionPath, 'utf8'));
  assert.equal(g.scopeName, INJECTION);
  for (const host of Object.keys(hostFiles)) assert.match(g.injectionSelector, new RegExp(`L:${host.replace(/\./g, '\\.')} -string -comment`));
});

test('Python: placeholders in a single-line logfire call (seed 000 style)', async () => {
  const toks = await tokenize(
    'source.python',
    'logfire.info("Workload routing: {agent} → {workload} → {model}", agent=a, workload=w)',
  );
  assert.deepEqual(placeholders(toks), ['agent', 'workload', 'model']);
  const ph = tokenAt(toks, 0, 'agent');
  assert.ok(ph.scopes.includes('string.quoted.double.telemetry-lens'), 'placeholder sits in our string scope');
  assert.ok(ph.scopes.includes('constant.character.format.placeholder.other.telemetry-lens'));
  // the keyword arguments are left to the Python grammar
  const kw = toks.filter((t) => t.text.includes('workload') && t.line === 0).at(-1)!;
  assert.ok(!ours(kw) || !kw.scopes.some((s) => s.startsWith('string.')), 'keyword argument not inside a string');
});

test('Python: template on the line after the call, and the host grammar resumes afterwards', async () => {
  const src = [
    'logfire.warn(',
    '    "Failover triggered: {from_model} → {to_model} ({error_type})",',
    '    from_model=x, to_model=fmt(a, ")"),',
    ')',
    'x = "{not_a_template}"',
  ].join('\n');
  const toks = await tokenize('source.python', src);
  assert.deepEqual(placeholders(toks), ['from_model', 'to_model', 'error_type']);
  assert.ok(tokenAt(toks, 0, 'warn').scopes.includes('entity.name.function.telemetry-lens'));
  // line 2 belongs to the Python grammar again: the ")" string is a Python string
  assert.ok(tokenAt(toks, 2, ')').scopes.some((s) => s.endsWith('.python') && s.startsWith('string.')));
  assert.equal(toks.filter((t) => t.line >= 2).some(ours), false, 'nothing after the first argument is ours');
});

test('Python: escapes, format specs, self-documenting and conversion fields', async () => {
  const toks = await tokenize('source.python', "logfire.info('a {{literal}} {pct:.1f} {x=} {obj.attr!r} }}')");
  assert.deepEqual(placeholders(toks), ['pct', 'x', 'obj.attr']);
  assert.ok(tokenAt(toks, 0, '{{').scopes.includes('constant.character.escape.brace.telemetry-lens'));
  assert.ok(tokenAt(toks, 0, '}}').scopes.includes('constant.character.escape.brace.telemetry-lens'));
  assert.ok(tokenAt(toks, 0, '.1f').scopes.includes('storage.modifier.format-spec.telemetry-lens'));
  assert.ok(tokenAt(toks, 0, '=').scopes.includes('keyword.operator.self-documenting.telemetry-lens'));
  assert.ok(tokenAt(toks, 0, '!r').scopes.includes('storage.modifier.conversion.telemetry-lens'));
  assert.equal(toks.some((t) => t.text === 'literal' && t.scopes.includes('variable.other.placeholder.telemetry-lens')), false);
});

test('Python: f-strings, byte strings and non-telemetry calls are left alone', async () => {
  const src = [
    'logfire.info(f"dynamic {x}")',
    'logfire.info(b"{x}")',
    'print("{not_ours}")',
    'catalog.info("{not_ours}")',
    'logger.info(msg, x=1)',
    '"{loose}".format(x=1)',
  ].join('\n');
  const toks = await tokenize('source.python', src);
  assert.deepEqual(placeholders(toks), []);
  // the f-string is still tokenised by the Python grammar as an f-string
  assert.ok(tokenAt(toks, 0, 'x').scopes.some((s) => s.includes('fstring')));
  for (const line of [2, 3, 5]) assert.equal(toks.filter((t) => t.line === line).some(ours), false, `line ${line}`);
});

test('Python: logfire.log skips the level, loguru/structlog receivers and chains, raw and triple-quoted strings', async () => {
  const src = [
    "logfire.log('warn', 'Rate limit: {model}')",
    'logger.opt(exception=True).info("Retrying {attempt}")',
    'self._logger.info("agent.created", agent_id=a)',
    'log.bind(run=r).warning("session.load_error")',
    'logfire.with_tags("x").error(r"Path {path}")',
    'with logfire.span("""EAR phase: {from_phase}""") as s:',
    '@logfire.instrument("Calling {fn}")',
    'with tracer.start_as_current_span("agent.run") as span:',
    '    span.add_event("tool.called")',
  ].join('\n');
  const toks = await tokenize('source.python', src);
  assert.deepEqual(placeholders(toks, 0), ['model']);
  assert.ok(tokenAt(toks, 0, "'warn'").scopes.includes('string.quoted.level.telemetry-lens'));
  assert.deepEqual(placeholders(toks, 1), ['attempt']);
  assert.deepEqual(placeholders(toks, 4), ['path']);
  assert.ok(tokenAt(toks, 4, 'r').scopes.includes('storage.type.string.telemetry-lens'));
  assert.deepEqual(placeholders(toks, 5), ['from_phase']);
  assert.ok(tokenAt(toks, 5, 'from_phase').scopes.includes('string.quoted.triple.telemetry-lens'));
  assert.deepEqual(placeholders(toks, 6), ['fn']);
  assert.deepEqual(eventNames(toks), ['agent.created', 'session.load_error', 'agent.run', 'tool.called']);
});

test('Python: a dotted name is only an event name when it is the whole string', async () => {
  const toks = await tokenize('source.python', 'log.info("see agent.created for {x}")');
  assert.deepEqual(eventNames(toks), []);
  assert.deepEqual(placeholders(toks), ['x']);
});

test('TypeScript: strings and substitution-free template literals; ${} templates go to the host', async () => {
  const src = [
    "logfire.info('Workload routing: {agent} → {workload}', { agent, workload });",
    'logfire.span(`EAR phase: {from_phase}`, { attributes: { from_phase } }, () => 1);',
    'logfire.info(`dynamic ${x} {y}`);',
    'const after = 1;',
    "tracer.startActiveSpan('agent.run', (span) => { span.addEvent('tool.called', { a: 1 }); });",
    'this.logger.warning("Rate limit: {model}", { model });',
    'console.log("{nope}");',
    "logfire.withTags('a', 'b').error('Failover triggered: {from_model}', {});",
  ].join('\n');
  const toks = await tokenize('source.ts', src);
  assert.deepEqual(placeholders(toks, 0), ['agent', 'workload']);
  assert.ok(tokenAt(toks, 0, 'agent').scopes.includes('string.quoted.single.telemetry-lens'));
  // the attributes object is still an object literal of the TypeScript grammar
  assert.ok(toks.some((t) => t.line === 0 && t.text === 'agent' && t.scopes.some((s) => s.startsWith('meta.objectliteral'))));
  assert.deepEqual(placeholders(toks, 1), ['from_phase']);
  assert.ok(tokenAt(toks, 1, 'from_phase').scopes.includes('string.template.telemetry-lens'));
  assert.deepEqual(placeholders(toks, 2), []);
  assert.ok(tokenAt(toks, 2, 'x').scopes.some((s) => s.startsWith('meta.template.expression')), 'host tokenises ${x}');
  assert.ok(tokenAt(toks, 3, 'const').scopes.includes('storage.type.ts'), 'host state intact after the call');
  assert.deepEqual(eventNames(toks), ['agent.run', 'tool.called']);
  assert.deepEqual(placeholders(toks, 5), ['model']);
  assert.deepEqual(placeholders(toks, 6), []);
  assert.deepEqual(placeholders(toks, 7), ['from_model']);
});

test('the injection also applies to TSX, JavaScript and JSX', async () => {
  for (const scope of ['source.tsx', 'source.js', 'source.js.jsx']) {
    const toks = await tokenize(scope, "logfire.error('Capacity warning: {model} at {pct}%', { model, pct });");
    assert.deepEqual(placeholders(toks), ['model', 'pct'], scope);
  }
});
