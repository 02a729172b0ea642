// parsePythonJson (src/core/contract/pythonValue.ts), Python's json.loads as the training toolkit
// reads a hyperparameter and the model card reads config.json or trainer_state.json: the values it
// gives (floats, ints up to Python's 4300-digit limit, Infinity, escapes, empty containers) and the
// error each bad text gets, word for word with its position (the card quotes it to the user). Each
// expected message and position is the one Python 3.11's json.loads gives for the same text.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePythonJson, pythonRepr } from '../../src/core/contract/pythonValue';
import { decodeHyperparameter } from '../../src/core/sagemaker/hyperparameters';

/** Asserts that parsing `text` fails with Python's message `message` at `position`. */
function rejects(text: string, message: string, position: number): void {
  assert.throws(() => parsePythonJson(text), { name: 'PythonJsonError', code: 'PythonJsonDecodeError', message: `${message}: char ${position}`, position }, JSON.stringify(text));
}

/** repr() of the parsed value. */
const repr = (text: string): string => pythonRepr(parsePythonJson(text));

describe('parsePythonJson: the error messages', () => {
  it('says where a value was expected and where extra data starts', () => {
    rejects('', 'Expecting value', 0);
    rejects('   ', 'Expecting value', 3);
    rejects('x1', 'Expecting value', 0);
    rejects('- 1', 'Expecting value', 0);
    rejects('[1,]', 'Expecting value', 3);
    rejects('{"a":', 'Expecting value', 5);
    rejects('1 2', 'Extra data', 2);
    rejects('{}\ufeff', 'Extra data', 2);
  });

  it('refuses a text that starts with a byte-order mark, as Python does', () => {
    rejects('\ufeff{}', 'Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
    rejects('\ufeff', 'Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
  });

  it('names the bad part of a string', () => {
    rejects('"a', 'Unterminated string starting at', 0);
    rejects('["ok", "cut', 'Unterminated string starting at', 7);
    // Cut right after a backslash (a truncated file): the string is unterminated, not the escape invalid.
    rejects('"\\', 'Unterminated string starting at', 0);
    rejects('{"a": "x\\', 'Unterminated string starting at', 6);
    rejects('"tab\there"', 'Invalid control character at', 4);
    rejects('"\\x"', 'Invalid \\escape', 1);
    rejects('"ab\\\'"', 'Invalid \\escape', 3);
    rejects('"\\u12G4"', 'Invalid \\uXXXX escape', 2);
    rejects('"\\u12"', 'Invalid \\uXXXX escape', 2);
    rejects('"\\ud83d\\u12G4"', 'Invalid \\uXXXX escape', 8);
  });

  it('names the missing part of an object or a list', () => {
    rejects('{1: 2}', 'Expecting property name enclosed in double quotes', 1);
    rejects('{"a": 1,}', 'Expecting property name enclosed in double quotes', 8);
    rejects('{', 'Expecting property name enclosed in double quotes', 1);
    rejects('{"a" 1}', "Expecting ':' delimiter", 5);
    rejects('{"a"', "Expecting ':' delimiter", 4);
    rejects('{"a": 1 "b": 2}', "Expecting ',' delimiter", 8);
    rejects('{"a": 1', "Expecting ',' delimiter", 7);
    rejects('[1 2]', "Expecting ',' delimiter", 3);
    rejects('[1', "Expecting ',' delimiter", 2);
    rejects('[', 'Expecting value', 1);
  });
});

describe('parsePythonJson: the values', () => {
  it('reads empty objects and lists, with or without blanks inside', () => {
    assert.deepEqual(parsePythonJson('{}'), { type: 'dict', entries: [] });
    assert.deepEqual(parsePythonJson('[]'), { type: 'list', items: [] });
    assert.equal(repr(' { } '), '{}');
    assert.equal(repr('[ ]'), '[]');
    assert.equal(repr('{"a": {}, "b": [[], {}]}'), "{'a': {}, 'b': [[], {}]}");
  });

  it('reads every digit of a fraction and Infinity on its own', () => {
    assert.deepEqual(parsePythonJson('1.25'), { type: 'float', value: 1.25 });
    assert.deepEqual(parsePythonJson('-0.125e1'), { type: 'float', value: -1.25 });
    assert.equal(repr('[Infinity, -Infinity, NaN]'), '[inf, -inf, nan]');
    assert.deepEqual(parsePythonJson('Infinity'), { type: 'float', value: Infinity });
  });

  it('reads ints of up to 4300 digits, the sign not counted, and refuses longer ones', () => {
    const digits = '7'.repeat(4300);
    assert.deepEqual(parsePythonJson(digits), { type: 'int', value: BigInt(digits) });
    assert.deepEqual(parsePythonJson(`-${digits}`), { type: 'int', value: -BigInt(digits) });
    rejects(`${digits}7`, 'Exceeds the limit for integer string conversion', 4301);
    rejects(`[-${digits}7]`, 'Exceeds the limit for integer string conversion', 4303);
    // The toolkit catches that ValueError too and keeps the hyperparameter's text.
    assert.deepEqual(decodeHyperparameter(`${digits}7`), { type: 'str', value: `${digits}7` });
    assert.deepEqual(decodeHyperparameter(`-${digits}`), { type: 'int', value: -BigInt(digits) });
  });

  it('decodes each escape of a string', () => {
    assert.equal((parsePythonJson(String.raw`"\"\\\/\b\f\n\r\t"`) as { value: string }).value, '"\\/\b\f\n\r\t');
    assert.equal((parsePythonJson('"\\u00e9t\\u00C9"') as { value: string }).value, 'étÉ');
    // An escaped surrogate pair is one character; a lone surrogate stays, as in Python.
    assert.equal((parsePythonJson('"\\ud83d\\ude00!"') as { value: string }).value, '\u{1f600}!');
    assert.equal((parsePythonJson('"\\udc00\\ud83d"') as { value: string }).value, '\udc00\ud83d');
  });
});
