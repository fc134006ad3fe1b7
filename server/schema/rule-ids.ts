// Codes and names of the lint rules, for validating a schema's `rules:` keys without the schema
// layer importing the rules themselves (they import the schema). test/unit/schema-rules.test.ts
// checks this list against the rule registry.
export const RULE_IDS: readonly { code: string; name: string }[] = [
  { code: 'TL001', name: 'unknown-event' },
  { code: 'TL002', name: 'missing-attribute' },
  { code: 'TL003', name: 'unknown-attribute' },
  { code: 'TL004', name: 'attribute-type' },
  { code: 'TL005', name: 'attribute-value' },
  { code: 'TL006', name: 'wrong-level' },
  { code: 'TL007', name: 'placeholder-without-attribute' },
  { code: 'TL008', name: 'dynamic-message' },
  { code: 'TL009', name: 'event-naming' },
  { code: 'TL010', name: 'sensitive-attribute' },
  { code: 'TL011', name: 'hardcoded-token' },
  { code: 'TL012', name: 'too-many-attributes' },
  { code: 'TL013', name: 'missing-context-attribute' },
  { code: 'TL014', name: 'invalid-keyword' },
  { code: 'TL015', name: 'unknown-method' },
  { code: 'TL016', name: 'unformatted-placeholder' },
  { code: 'TL017', name: 'deprecated-attribute' },
];
