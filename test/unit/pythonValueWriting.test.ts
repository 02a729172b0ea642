// How src/core/contract/pythonValue.ts writes Python values back as text, the way the SageMaker
// training toolkit does: repr() of floats and strings (each escape, each boundary between fixed and
// exponent notation, \x / \u / \U), json.dumps (NaN/Infinity, named escapes, ensure_ascii, sort_keys
// by code point), bool() of each type, and the conversions to and from plain JavaScript values. The
// expected texts are what CPython 3 prints for the same values; plain node, no Python needed.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  comparePythonStrings,
  fromJsValue,
  parsePythonJson,
  pyBool,
  pyDict,
  pyFloat,
  pyInt,
  pyList,
  pyNone,
  pyStr,
  pythonFloatRepr,
  pythonJsonDumps,
  pythonRepr,
  pythonStr,
  pythonStringRepr,
  pythonToJs,
  pythonTruthy,
} from '../../src/core/contract/pythonValue';

describe('json.loads of a list with a missing comma', () => {
  it('says what Python says, at the character where the comma should be', () => {
    assert.throws(() => parsePythonJson('[1 2]'), { name: 'PythonJsonError', message: "Expecting ',' delimiter: char 3", position: 3 });
    assert.throws(() => parsePythonJson('[1, 2 x]'), { message: "Expecting ',' delimiter: char 6", position: 6 });
  });
});

describe('repr(float)', () => {
  it('writes infinities and zeros as Python does', () => {
    assert.equal(pythonFloatRepr(Infinity), 'inf');
    assert.equal(pythonFloatRepr(-Infinity), '-inf');
    assert.equal(pythonFloatRepr(0), '0.0');
    assert.equal(pythonFloatRepr(-0), '-0.0');
  });

  it('keeps the sign of a negative number', () => {
    assert.equal(pythonFloatRepr(-1.5), '-1.5');
    assert.equal(pythonFloatRepr(-2.5e-5), '-2.5e-05');
  });

  it('switches to exponent notation at 1e16, not before', () => {
    assert.equal(pythonFloatRepr(1e15), '1000000000000000.0');
    assert.equal(pythonFloatRepr(-1e15), '-1000000000000000.0');
    assert.equal(pythonFloatRepr(1e16), '1e+16');
    assert.equal(pythonFloatRepr(1e-4), '0.0001');
    assert.equal(pythonFloatRepr(5e-5), '5e-05');
  });
});

describe('repr(str)', () => {
  it('escapes the quote it uses and every backslash', () => {
    assert.equal(pythonStringRepr(`'"`), `'\\'"'`);
    assert.equal(pythonStringRepr("it's"), `"it's"`);
    assert.equal(pythonStringRepr('a\\b'), `'a\\\\b'`);
  });

  it('writes tab, newline and carriage return by name, other controls as \\x', () => {
    assert.equal(pythonStringRepr('\t'), `'\\t'`);
    assert.equal(pythonStringRepr('\n'), `'\\n'`);
    assert.equal(pythonStringRepr('\r'), `'\\r'`);
    assert.equal(pythonStringRepr('\x00\x1f'), `'\\x00\\x1f'`);
    assert.equal(pythonStringRepr('\x7f'), `'\\x7f'`);
    assert.equal(pythonStringRepr(' ~'), `' ~'`);
  });

  it('writes unprintable characters as \\x up to U+00FF, \\u up to U+FFFF and \\U beyond', () => {
    assert.equal(pythonStringRepr('\x80'), `'\\x80'`);
    assert.equal(pythonStringRepr('\xa0'), `'\\xa0'`);
    assert.equal(pythonStringRepr('\xff'), `'\xff'`);
    assert.equal(pythonStringRepr('\u2028'), `'\\u2028'`);
    assert.equal(pythonStringRepr('\uffff'), `'\\uffff'`);
    assert.equal(pythonStringRepr('\u{f0000}'), `'\\U000f0000'`);
    assert.equal(pythonStringRepr('\u{1f600}'), `'\u{1f600}'`);
  });
});

describe('repr() and str() of values', () => {
  it('writes booleans and None capitalised', () => {
    assert.equal(pythonRepr(pyBool(false)), 'False');
    assert.equal(pythonRepr(pyList([pyBool(true), pyBool(false), pyNone])), '[True, False, None]');
    assert.equal(pythonStr(pyBool(false)), 'False');
    assert.equal(pythonStr(pyStr("it's")), "it's");
  });
});

describe('bool() of each type', () => {
  const cases: Array<[string, Parameters<typeof pythonTruthy>[0], boolean]> = [
    ['absent', undefined, false],
    ['None', pyNone, false],
    ['False', pyBool(false), false],
    ['True', pyBool(true), true],
    ['0', pyInt(0), false],
    ['1', pyInt(1), true],
    ['-1', pyInt(-1), true],
    ['0.0', pyFloat(0), false],
    ['-0.0', pyFloat(-0), false],
    ['0.5', pyFloat(0.5), true],
    ['nan', pyFloat(NaN), true],
    ["''", pyStr(''), false],
    ["'a'", pyStr('a'), true],
    ['[]', pyList([]), false],
    ['[0]', pyList([pyInt(0)]), true],
    ['{}', pyDict([]), false],
    ["{'a': 0}", pyDict([['a', pyInt(0)]]), true],
  ];
  for (const [label, value, expected] of cases) {
    it(`bool(${label}) is ${expected ? 'True' : 'False'}`, () => {
      assert.equal(pythonTruthy(value), expected);
    });
  }
});

describe('Python string order (by code point)', () => {
  it('puts a prefix first and equal strings level', () => {
    assert.equal(comparePythonStrings('a', 'ab'), -1);
    assert.equal(comparePythonStrings('ab', 'a'), 1);
    assert.equal(comparePythonStrings('', ''), 0);
    assert.equal(comparePythonStrings('ab', 'ab'), 0);
    assert.ok(comparePythonStrings('\uffff', '\u{1f600}') < 0);
  });
});

describe('json.dumps', () => {
  it('writes NaN, Infinity and -Infinity as Python does (not as repr)', () => {
    const value = pyList([pyFloat(NaN), pyFloat(Infinity), pyFloat(-Infinity), pyBool(true), pyBool(false), pyNone, pyFloat(1), pyInt(10n ** 20n)]);
    assert.equal(pythonJsonDumps(value), '[NaN, Infinity, -Infinity, true, false, null, 1.0, 100000000000000000000]');
  });

  it('writes the named escapes by name', () => {
    assert.equal(pythonJsonDumps(pyStr('"\\\n\r\t\b\f')), '"\\"\\\\\\n\\r\\t\\b\\f"');
  });

  it('escapes control characters always, and everything outside space..~ with ensure_ascii', () => {
    assert.equal(pythonJsonDumps(pyStr('\x01\x1f ~\x7f\xe9')), '"\\u0001\\u001f ~\\u007f\\u00e9"');
    assert.equal(pythonJsonDumps(pyStr('\x01 ~\x7f\xe9'), { ensureAscii: false }), '"\\u0001 ~\x7f\xe9"');
  });

  it('sorts keys by code point with sort_keys', () => {
    const dict = pyDict([
      ['b', pyInt(1)],
      ['a', pyInt(2)],
      ['', pyInt(3)],
      ['ab', pyInt(4)],
      ['\u{1f600}', pyInt(5)],
      ['\uffff', pyInt(6)],
    ]);
    assert.equal(pythonJsonDumps(dict, { sortKeys: true }), '{"": 3, "a": 2, "ab": 4, "b": 1, "\\uffff": 6, "\\ud83d\\ude00": 5}');
  });
});

describe('a JavaScript value seen as a Python value', () => {
  it('turns null and undefined into None, and a bigint into an int', () => {
    assert.deepEqual(fromJsValue(null), pyNone);
    assert.deepEqual(fromJsValue(undefined), pyNone);
    assert.deepEqual(fromJsValue(10n), pyInt(10));
    assert.deepEqual(
      fromJsValue({ a: null, b: [true] }),
      pyDict([
        ['a', pyNone],
        ['b', pyList([pyBool(true)])],
      ]),
    );
  });

  it('makes integral numbers ints, except -0, and the rest floats', () => {
    assert.deepEqual(fromJsValue(3), pyInt(3));
    assert.deepEqual(fromJsValue(0), pyInt(0));
    assert.deepEqual(fromJsValue(-0), pyFloat(-0));
    assert.deepEqual(fromJsValue(1.5), pyFloat(1.5));
  });

  it('refuses a function or a symbol, naming its type', () => {
    assert.throws(() => fromJsValue(() => 1), { name: 'TypeError', message: 'A function cannot be a hyperparameter value' });
    assert.throws(() => fromJsValue(Symbol('x')), { name: 'TypeError', message: 'A symbol cannot be a hyperparameter value' });
  });
});

describe('a Python value as plain JavaScript', () => {
  it('keeps safe integers as numbers, up to and including the limits, and writes bigger ones as text', () => {
    assert.equal(pythonToJs(pyInt(Number.MAX_SAFE_INTEGER)), Number.MAX_SAFE_INTEGER);
    assert.equal(pythonToJs(pyInt(Number.MIN_SAFE_INTEGER)), Number.MIN_SAFE_INTEGER);
    assert.equal(pythonToJs(pyInt(BigInt(Number.MAX_SAFE_INTEGER) + 1n)), '9007199254740992');
    assert.equal(pythonToJs(pyInt(BigInt(Number.MIN_SAFE_INTEGER) - 1n)), '-9007199254740992');
    assert.equal(pythonToJs(pyInt(-(2n ** 60n))), '-1152921504606846976');
  });
});
