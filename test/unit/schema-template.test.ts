// Message-template fields (str.format syntax as Logfire uses it) and the static value facts the
// attribute rules rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ArgValue } from '../../server/model/calls';
import { parseTemplate, templateFieldNames } from '../../server/schema/template';
import { closestValue, escapeForLiteral, literalFor, staticType, typeFits } from '../../server/schema/values';

test('template fields: names, roots, specs, conversions, self-documenting, offsets', () => {
  const t = 'Capacity {model!r} at {pct:.1f}% ({limit_type}) {user.name} {items[0]} {n=} {{literal}} {x:{width}}';
  const p = parseTemplate(t);
  assert.deepEqual(p.problems, []);
  assert.deepEqual(
    p.fields.map((f) => [f.name, f.root, f.conversion ?? null, f.spec ?? null, f.selfDoc]),
    [
      ['model', 'model', 'r', null, false],
      ['pct', 'pct', null, '.1f', false],
      ['limit_type', 'limit_type', null, null, false],
      ['user.name', 'user', null, null, false],
      ['items[0]', 'items', null, null, false],
      ['n', 'n', null, null, true],
      ['x', 'x', null, '{width}', false],
    ],
  );
  for (const f of p.fields) assert.equal(t.slice(f.nameStart, f.nameEnd), f.name);
  assert.equal(t.slice(p.fields[1]!.start, p.fields[1]!.end), '{pct:.1f}');
  assert.equal(p.shape, 'Capacity {} at {}% ({}) {} {} {} {literal} {}');
  assert.deepEqual(templateFieldNames('Failover triggered: {from_model} → {to_model} ({error_type}) {from_model}'), ['from_model', 'to_model', 'error_type']);
});

test('template problems: unclosed and single braces, empty fields', () => {
  assert.match(parseTemplate('Bad {x').problems[0]!.message, /unclosed '\{'/);
  assert.match(parseTemplate('Bad x}').problems[0]!.message, /single '\}'/);
  assert.match(parseTemplate('Bad {}').problems[0]!.message, /empty placeholder/);
  assert.deepEqual(parseTemplate('{{not a field}}').fields, []);
});

const R = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
const v = (kind: ArgValue['kind'], text: string, value?: string | number | boolean | null): ArgValue => ({ kind, text, range: R, ...(value !== undefined ? { value } : {}) });

test('static types from literals and obvious expressions', () => {
  const py: [ArgValue, string | undefined][] = [
    [v('string', '"x"', 'x'), 'string'],
    [v('fstring', 'f"{a}"'), 'string'],
    [v('concat', '"a" + b'), 'string'],
    [v('int', '3', 3), 'int'],
    [v('float', '2.0', 2), 'float'],
    [v('bool', 'True', true), 'bool'],
    [v('none', 'None', null), 'none'],
    [v('call', 'len(items)'), 'int'],
    [v('call', 'str(e)'), 'string'],
    [v('call', 'time.time()'), 'float'],
    [v('call', 'datetime.now().isoformat()'), 'string'],
    [v('other', 'type(result).__name__'), 'string'],
    [v('other', 'not ok'), 'bool'],
    [v('call', 'compute(x)'), undefined],
    [v('call', 'len(a) + len(b)'), undefined],
    [v('identifier', 'count'), undefined],
    [v('call', 'constructor(x)'), undefined],
  ];
  for (const [val, want] of py) assert.equal(staticType(val, 'python'), want, val.text);
  const js: [ArgValue, string | undefined][] = [
    [v('float', '2', 2), 'int'],
    [v('float', '2.0', 2), 'float'],
    [v('other', 'items.length'), 'int'],
    [v('call', 'String(x)'), 'string'],
    [v('call', 'JSON.stringify(o)'), 'string'],
    [v('call', 'n.toFixed(1)'), 'string'],
    [v('call', 'parseInt(s, 10)'), 'int'],
    [v('call', 'toString(x)'), undefined],
  ];
  for (const [val, want] of js) assert.equal(staticType(val, 'typescript'), want, val.text);
  assert.ok(typeFits('int', 'float'));
  assert.ok(!typeFits('float', 'int'));
  assert.ok(!typeFits('bool', 'int'));
  assert.ok(typeFits('string', 'enum'));
  assert.ok(typeFits('int', 'enum', { name: 'code', type: 'enum', required: false, allowed: [200, 404] }));
  assert.ok(typeFits('object', 'any'));
});

test('closest allowed values, literals and escaping', () => {
  assert.equal(closestValue('coding', ['CODING', 'REASONING']), 'CODING');
  assert.equal(closestValue('window-tokens', ['window_tokens', 'day_requests']), 'window_tokens');
  assert.equal(closestValue('completed', ['complete', 'refused', 'error']), 'complete');
  assert.equal(closestValue('monthly_dollars', ['window_tokens', 'day_requests', 'minute_tokens']), undefined);
  assert.equal(literalFor('CODING', 'python', v('string', "'coding'", 'coding')), "'CODING'");
  assert.equal(literalFor('it"s', 'python'), '"it\\"s"');
  assert.equal(literalFor(true, 'python'), 'True');
  assert.equal(literalFor(false, 'typescript'), 'false');
  assert.equal(escapeForLiteral('say "hi" \\ {x}', '"old"'), 'say \\"hi\\" \\\\ {x}');
  assert.equal(escapeForLiteral("it's", "'old'"), "it\\'s");
  assert.equal(escapeForLiteral('a\\b', 'r"old"'), 'a\\b');
  assert.equal(escapeForLiteral('`x` ${y}', '`old`'), '\\`x\\` \\${y}');
  assert.equal(escapeForLiteral('line\nbreak', '"""old"""'), 'line\nbreak');
});
