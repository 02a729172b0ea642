// Checks the YAML-to-JSON dumping of pythonJson.ts for dict keys and scalars (null/None keys,
// booleans, non-scalar keys, hex and octal ints), as SageMaker's Python json.dumps / str() would.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { encodeHyperparameters, pythonJsonDumps } from '../../src/core/training/pythonJson';

function dumps(text: string): string {
  const doc = parseDocument(text);
  return pythonJsonDumps(doc.contents, text, doc);
}
function hp(text: string): Record<string, string> {
  const doc = parseDocument(text);
  return encodeHyperparameters(doc.contents, text, doc);
}

describe('pythonJsonDumps keys and scalars', () => {
  it('writes null keys as "null", booleans as true/false, hex ints as ints', () => {
    assert.equal(dumps('{~: 1, false: 2, true: ~}'), '{"null": 1, "false": 2, "true": null}');
    assert.equal(dumps('a: 0x1F\nc: 0o17'), '{"a": 31, "c": 15}');
  });
  it('refuses a list as a key with the exact message', () => {
    assert.throws(() => dumps('? [1]\n: 2'), { message: 'JSON object keys must be text or numbers, not lists or mappings.' });
  });
});

describe('encodeHyperparameters keys', () => {
  it("writes Python's str() of null and false keys", () => {
    assert.deepEqual(hp('~: 1\nfalse: 2'), { None: '1', False: '2' });
  });
  it('refuses a mapping as a name with the exact message', () => {
    assert.throws(() => hp('? {a: 1}\n: 2'), { message: 'A hyperparameter name must be a plain value (text or number), not a list or mapping.' });
  });
});
