/**
 * Checks json.dumps / str() of YAML scalars whose Python value needs care: ints beyond 2^53 written
 * in hex, octal, binary or with signs and `_` (digits read back from the text, as Python holds them),
 * int-vs-float by written form, the alias errors' messages, and pythonStrOfParsed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Alias, parseDocument } from 'yaml';
import { encodeHyperparameters, pythonJsonDumps, pythonStrOfParsed } from '../../src/core/training/pythonJson';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';

function dumps(text: string, version: '1.1' | '1.2' = '1.2'): string {
  const doc = parseDocument(text, { version });
  assert.deepEqual(doc.errors, []);
  return pythonJsonDumps(doc.contents, text, doc);
}

describe('ints beyond 2^53 keep every digit', () => {
  it('hex, octal and decimal, signed', () => {
    assert.equal(dumps('0x1FFFFFFFFFFFFFFFF'), '36893488147419103231');
    assert.equal(dumps('0o7777777777777777777777'), '73786976294838206463');
    assert.equal(dumps('-12345678901234567891'), '-12345678901234567891');
    assert.equal(dumps('+12345678901234567891'), '12345678901234567891');
    assert.equal(dumps('[ 12345678901234567891 ]'), '[12345678901234567891]');
  });
  it("YAML 1.1's binary and _ separators", () => {
    assert.equal(dumps('0b' + '1'.repeat(70), '1.1'), (2n ** 70n - 1n).toString());
    assert.equal(dumps('12_345_678_901_234_567_891', '1.1'), '12345678901234567891');
    assert.equal(dumps('-0x1FFFFFFFFFFFFFFFF', '1.1'), '-36893488147419103231');
  });
  it("YAML 1.1's 0-prefixed octal beyond 2^53 (a bug: was read as decimal)", () => {
    assert.equal(dumps('0777777777777777777777', '1.1'), '9223372036854775807');
    assert.equal(dumps('-0777777777777777777777', '1.1'), '-9223372036854775807');
    assert.equal(dumps('0777777777777777777777', '1.2'), '777777777777777777777');
    assert.equal(dumps('017', '1.1'), '15');
  });
  it("YAML 1.1's base-60 int beyond 2^53 keeps its value", () => {
    assert.equal(dumps('1:0:0:0:0:0:0:0:0:0:0', '1.1'), (60n ** 10n).toString());
  });
  it('small ints written in any base', () => {
    assert.equal(dumps('0x1F'), '31');
    assert.equal(dumps('0o17'), '15');
    assert.equal(dumps('0b101', '1.1'), '5');
    assert.equal(dumps('1e3'), '1000.0');
    assert.equal(dumps('1E3'), '1000.0');
    assert.equal(dumps('!!int 3'), '3');
  });
});

describe('hyperparameter keys', () => {
  it('a hex or binary key is an int, an exponent key a float', () => {
    const text = '0x10: a\n0b11: b\n1e2: c\n-0x1e: d\n';
    const doc = parseDocument(text, { version: '1.1' });
    assert.deepEqual(Object.entries(encodeHyperparameters(doc.contents, text, doc)).sort(), [
      ['-30', '"d"'],
      ['100.0', '"c"'],
      ['16', '"a"'],
      ['3', '"b"'],
    ]);
  });
  it('a binary or timestamp key is refused by name', () => {
    for (const [text, kind] of [
      ['? !!binary aGVsbG8=\n: 1\n', 'binary'],
      ['? 2001-12-14\n: 1\n', 'timestamp'],
    ] as const) {
      const doc = parseDocument(text, { version: '1.1' });
      assert.throws(
        () => encodeHyperparameters(doc.contents, text, doc),
        (e: unknown) => e instanceof TrainingPlanError && e.message === `A hyperparameter name of type ${kind} cannot be sent; use text.`,
      );
    }
  });
});

describe('binary and timestamp values', () => {
  it('are refused by name', () => {
    for (const [text, kind] of [
      ['a: !!binary aGVsbG8=\n', 'binary'],
      ['a: 2001-12-14\n', 'timestamp'],
      ['a: [2001-12-14]\n', 'timestamp'],
    ] as const) {
      const doc = parseDocument(text, { version: '1.1' });
      assert.throws(
        () => encodeHyperparameters(doc.contents, text, doc),
        (e: unknown) => e instanceof TrainingPlanError && e.message === `A YAML ${kind} value cannot be sent as a hyperparameter; write it as text.`,
      );
    }
  });
});

describe('aliases', () => {
  it('an alias without its document, or without an anchor, is refused by name', () => {
    assert.throws(
      () => pythonJsonDumps(new Alias('base'), 'x'),
      (e: unknown) =>
        e instanceof TrainingPlanError && e.name === 'TrainingPlanError' && e.code === 'yaml.unresolvedAlias' && e.message === 'The alias *base needs its document to be resolved.',
    );
    const doc = parseDocument('a: 1\n');
    assert.throws(
      () => pythonJsonDumps(new Alias('nope'), 'x', doc),
      (e: unknown) => e instanceof TrainingPlanError && e.message === 'The alias *nope refers to no anchor &nope above it.',
    );
  });
});

describe('pythonStrOfParsed', () => {
  it('None, True/False, ints, floats, other', () => {
    assert.equal(pythonStrOfParsed(null), 'None');
    assert.equal(pythonStrOfParsed(undefined), 'None');
    assert.equal(pythonStrOfParsed(true), 'True');
    assert.equal(pythonStrOfParsed(false), 'False');
    assert.equal(pythonStrOfParsed(1e21), '1000000000000000000000');
    assert.equal(pythonStrOfParsed(0.5), '0.5');
    assert.equal(pythonStrOfParsed(12n), '12');
    assert.equal(pythonStrOfParsed('x'), 'x');
  });
});
