import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { encodeHyperparameters, encodeJobFileValues, pythonFloatRepr, pythonJsonDumps, pythonJsonDumpsValue, pythonJsonString } from '../../src/core/training/pythonJson';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';

const PYTHON = '/usr/bin/python3';

/** json.dumps of the value a one-line YAML document denotes. */
function dumpsYaml(text: string): string {
  const doc = parseDocument(text, { uniqueKeys: true, strict: true });
  assert.deepEqual(doc.errors, [], `YAML errors in ${text}`);
  return pythonJsonDumps(doc.contents, text, doc);
}

/**
 * Runs Python's own json.dumps (the real baseline): each case is a Python expression, or a JSON
 * text loaded with json.loads (for strings, where a Python literal would need its own escaping).
 */
function pythonDumps(cases: Array<{ expr?: string; json?: string; str?: string }>): string[] {
  const script = [
    'import json, sys',
    'env = {"inf": float("inf"), "nan": float("nan")}',
    'out = []',
    'for c in json.load(sys.stdin):',
    '    if "str" in c:',
    '        out.append(str(eval(c["str"], {"__builtins__": {}}, env)))',
    '    elif "expr" in c:',
    '        out.append(json.dumps(eval(c["expr"], {"__builtins__": {}}, env)))',
    '    else:',
    '        out.append(json.dumps(json.loads(c["json"])))',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as string[];
}

/** Deterministic pseudo-random numbers (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** YAML core + Python pairs: the YAML text and the Python value it must behave as. */
const TYPE_CORPUS: Array<[yaml: string, python: string]> = [
  ['1', '1'],
  ['-0', '0'],
  ['+7', '7'],
  ['007', '7'],
  ['0o17', '0o17'],
  ['0x1F', '0x1F'],
  ['0x1e', '0x1e'],
  ['123456789012345678901234567890', '123456789012345678901234567890'],
  ['-9007199254740993', '-9007199254740993'],
  ['1.0', '1.0'],
  ['1.', '1.0'],
  ['.5', '0.5'],
  ['-.5', '-0.5'],
  ['5e-5', '5e-5'],
  ['1e16', '1e16'],
  ['1E+16', '1e16'],
  ['1e15', '1e15'],
  ['0.0001', '0.0001'],
  ['0.00001', '0.00001'],
  ['-0.0', '-0.0'],
  ['0.1', '0.1'],
  ['1e22', '1e22'],
  ['123456789.123456789', '123456789.123456789'],
  ['9999999999999998.0', '9999999999999998.0'],
  ['5e-324', '5e-324'],
  ['1.7976931348623157e308', '1.7976931348623157e308'],
  ['.inf', 'inf'],
  ['-.Inf', '-inf'],
  ['+.INF', 'inf'],
  ['.NaN', 'nan'],
  ['true', 'True'],
  ['False', 'False'],
  ['TRUE', 'True'],
  ['null', 'None'],
  ['~', 'None'],
  ['Null', 'None'],
  ['yes', '"yes"'],
  ['on', '"on"'],
  ['"3"', '"3"'],
  ["'5e-5'", '"5e-5"'],
  ['2021-01-01', '"2021-01-01"'],
  ['1_000', '"1_000"'],
  ['0b101', '"0b101"'],
  ['1e', '"1e"'],
  ['"He said \\"hi\\" \\\\ / \\t\\n\\r\\b\\f"', '"He said \\"hi\\" \\\\ / \\t\\n\\r\\b\\f"'],
  ['"h\u00e9llo \u{1F600} \u65e5\u672c"', '"h\\xe9llo \\U0001F600 \\u65e5\\u672c"'],
  ['"\\x00\\x1f\\x7f\\x80\\u00ff"', '"\\x00\\x1f\\x7f\\x80\\xff"'],
  ['"\\U0010FFFF"', '"\\U0010FFFF"'],
  ['[]', '[]'],
  ['{}', '{}'],
  ['[1, 2.0, "x", [true, null], {}]', '[1, 2.0, "x", [True, None], {}]'],
  ['{a: 1, b: [true, null], c: {d: 1e16}}', '{"a": 1, "b": [True, None], "c": {"d": 1e16}}'],
  ['{z: 1, a: 2, m: 3}', '{"z": 1, "a": 2, "m": 3}'],
  ['{2: a, 2.5: b, true: c, null: d, 1e16: e, 0x10: f}', '{2: "a", 2.5: "b", True: "c", None: "d", 1e16: "e", 16: "f"}'],
  ['{a: &x [1, 2.0], b: *x}', '{"a": [1, 2.0], "b": [1, 2.0]}'],
  ['|\n  line1\n  line2\n', '"line1\\nline2\\n"'],
  ['>-\n  folded\n  text\n', '"folded text"'],
  ['!!float 3.0', '3.0'],
  ['!!int "3"', '3'],
  ['!!str 3', '"3"'],
];

describe('pythonJsonDumps', () => {
  it('encodes what the SDK documents for the blog job', () => {
    assert.equal(dumpsYaml('5e-5'), '5e-05');
    assert.equal(dumpsYaml('samsum'), '"samsum"');
    assert.equal(dumpsYaml('true'), 'true');
    assert.equal(dumpsYaml('3'), '3');
    assert.equal(dumpsYaml('/opt/ml/model'), '"/opt/ml/model"');
  });

  it('keeps ints and floats apart as YAML 1.2 core resolves them', () => {
    assert.equal(dumpsYaml('1.0'), '1.0');
    assert.equal(dumpsYaml('1'), '1');
    assert.equal(dumpsYaml('1e16'), '1e+16');
    assert.equal(dumpsYaml('1e15'), '1000000000000000.0');
    assert.equal(dumpsYaml('0x1e'), '30');
    assert.equal(dumpsYaml('0o17'), '15');
    assert.equal(dumpsYaml('.inf'), 'Infinity');
    assert.equal(dumpsYaml('-.inf'), '-Infinity');
    assert.equal(dumpsYaml('.nan'), 'NaN');
  });

  it('writes big ints with every digit of the source', () => {
    assert.equal(dumpsYaml('123456789012345678901234567890'), '123456789012345678901234567890');
    assert.equal(dumpsYaml('-9007199254740993'), '-9007199254740993');
    assert.equal(dumpsYaml('[18446744073709551617]'), '[18446744073709551617]');
  });

  it('escapes like ensure_ascii: non-ASCII as \\uXXXX, astral as surrogate pairs, DEL and controls', () => {
    assert.equal(dumpsYaml('"é😀\\x7f\\x01\\t\\"\\\\"'), '"\\u00e9\\ud83d\\ude00\\u007f\\u0001\\t\\"\\\\"');
  });

  it('uses Python separators and keeps mapping order', () => {
    assert.equal(dumpsYaml('{b: [1, 2], a: {c: null}}'), '{"b": [1, 2], "a": {"c": null}}');
  });

  it('converts mapping keys the way json.dumps converts dict keys', () => {
    assert.equal(dumpsYaml('{1: a, 2.5: b, true: c, null: d}'), '{"1": "a", "2.5": "b", "true": "c", "null": "d"}');
  });

  it('follows aliases through the document', () => {
    assert.equal(dumpsYaml('{a: &x {k: 1.0}, b: *x}'), '{"a": {"k": 1.0}, "b": {"k": 1.0}}');
  });

  it('refuses values Python could not serialize, and aliases without their document', () => {
    const binary = parseDocument('!!binary aGVsbG8=');
    assert.throws(
      () => pythonJsonDumps(binary.contents, '!!binary aGVsbG8=', binary),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'hyperparameters.notJson',
    );
    const text = 'a: &x 1\nb: *x\n';
    const doc = parseDocument(text);
    assert.throws(
      () => pythonJsonDumps(doc.get('b', true), text),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'yaml.unresolvedAlias',
    );
  });

  it('matches Python json.dumps on a corpus of YAML types', { skip: !existsSync(PYTHON) && 'no /usr/bin/python3' }, () => {
    const expected = pythonDumps(TYPE_CORPUS.map(([, py]) => ({ expr: py })));
    TYPE_CORPUS.forEach(([yaml], i) => assert.equal(dumpsYaml(yaml), expected[i], `YAML ${yaml}`));
  });

  it('matches Python repr on 20,000 random doubles and short decimals', { skip: !existsSync(PYTHON) && 'no /usr/bin/python3' }, () => {
    const random = prng(20261126);
    const view = new DataView(new ArrayBuffer(8));
    const texts: string[] = [];
    while (texts.length < 10000) {
      view.setUint32(0, Math.floor(random() * 2 ** 32));
      view.setUint32(4, Math.floor(random() * 2 ** 32));
      const x = view.getFloat64(0);
      if (!Number.isFinite(x)) continue;
      const s = String(x);
      texts.push(/[.e]/.test(s) ? s : `${s}.0`);
    }
    // Few significant digits around the exponent boundaries (-5, -4, 15, 16) that switch notation.
    while (texts.length < 20000) {
      const digits = String(1 + Math.floor(random() * 10 ** (1 + Math.floor(random() * 16))));
      const exponent = Math.floor(random() * 50) - 25;
      const sign = random() < 0.3 ? '-' : '';
      texts.push(`${sign}${digits[0]}.${digits.slice(1) || '0'}e${exponent}`);
    }
    const expected = pythonDumps(texts.map((t) => ({ expr: t })));
    texts.forEach((t, i) => assert.equal(dumpsYaml(t), expected[i], `float ${t}`));
  });

  it('matches Python on random strings over all of Unicode', { skip: !existsSync(PYTHON) && 'no /usr/bin/python3' }, () => {
    const random = prng(7);
    const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    const strings: string[] = [];
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const length = pick(0, 12);
      for (let i = 0; i < length; i++) {
        const bucket = pick(0, 5);
        const cp = [pick(0x20, 0x7e), pick(0x00, 0x1f), 0x7f, pick(0x80, 0xff), pick(0x100, 0xd7ff), pick(0x10000, 0x10ffff)][bucket]!;
        s += String.fromCodePoint(cp);
      }
      strings.push(s);
    }
    strings.push('\ud800', 'a\udfffb');
    const yamlOf = (s: string) =>
      `"${[...s]
        .map((ch) => {
          const cp = ch.codePointAt(0)!;
          if (ch === '"' || ch === '\\') return `\\${ch}`;
          if (cp >= 0x20 && cp <= 0x7e) return ch;
          return cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
        })
        .join('')}"`;
    const expected = pythonDumps(strings.map((s) => ({ json: JSON.stringify(s) })));
    strings.forEach((s, i) => {
      const text = yamlOf(s);
      const doc = parseDocument(text);
      assert.equal((doc.contents as { value: unknown }).value, s, 'the YAML escape round-trips');
      assert.equal(pythonJsonDumps(doc.contents, text, doc), expected[i], `string ${JSON.stringify(s)}`);
      assert.equal(pythonJsonString(s), expected[i]);
    });
  });

  it('matches Python str() for hyperparameter names', { skip: !existsSync(PYTHON) && 'no /usr/bin/python3' }, () => {
    const text = 'hyperparameters:\n  lr: 1\n  2: 1\n  2.50: 1\n  1e16: 1\n  true: 1\n  null: 1\n  0x10: 1\n';
    const doc = parseDocument(text);
    const names = Object.keys(encodeHyperparameters(doc.get('hyperparameters', true), text, doc));
    const expected = pythonDumps(['"lr"', '2', '2.50', '1e16', 'True', 'None', '0x10'].map((k) => ({ str: k })));
    assert.deepEqual(new Set(names), new Set(expected));
  });
});

describe('encodeHyperparameters', () => {
  it('encodes each value and keeps file order', () => {
    const text = 'hyperparameters:\n  model_name_or_path: facebook/bart-large-cnn\n  learning_rate: 5e-5\n  fp16: true\n  num_train_epochs: 3\n  warmup: 1.0\n  tags: [a, 1]\n';
    const doc = parseDocument(text);
    const hps = encodeHyperparameters(doc.get('hyperparameters', true), text, doc);
    assert.deepEqual(Object.entries(hps), [
      ['model_name_or_path', '"facebook/bart-large-cnn"'],
      ['learning_rate', '5e-05'],
      ['fp16', 'true'],
      ['num_train_epochs', '3'],
      ['warmup', '1.0'],
      ['tags', '["a", 1]'],
    ]);
  });

  it('names keys with Python str(): True, None, float repr', () => {
    const text = 'hyperparameters:\n  true: 1\n  null: 2\n  2.50: 3\n';
    const doc = parseDocument(text);
    assert.deepEqual(encodeHyperparameters(doc.get('hyperparameters', true), text, doc), { True: '1', None: '2', '2.5': '3' });
  });

  it('gives an empty map for a missing or empty section and refuses a list', () => {
    const doc = parseDocument('hyperparameters:\n');
    assert.deepEqual(encodeHyperparameters(doc.get('hyperparameters', true), 'hyperparameters:\n', doc), {});
    assert.deepEqual(encodeHyperparameters(undefined, ''), {});
    const list = parseDocument('hyperparameters: [a]\n');
    assert.throws(
      () => encodeHyperparameters(list.get('hyperparameters', true), 'hyperparameters: [a]\n', list),
      (e: unknown) => e instanceof TrainingPlanError && e.code === 'hyperparameters.notMapping',
    );
  });

  it('encodeJobFileValues also encodes smdistributed model-parallel parameters from the YAML', () => {
    const text =
      'hyperparameters:\n  epochs: 1\ndistribution:\n  smdistributed:\n    modelparallel:\n      enabled: true\n      parameters:\n        partitions: 2\n        memory_weight: 1.0\n';
    assert.deepEqual(encodeJobFileValues(text), { hyperparameters: { epochs: '1' }, modelParallelParameters: '{"partitions": 2, "memory_weight": 1.0}' });
    assert.deepEqual(encodeJobFileValues('entry_point: a.py\n'), { hyperparameters: {} });
  });
});

describe('pythonJsonDumpsValue', () => {
  it('encodes the values our code adds', () => {
    assert.equal(pythonJsonDumpsValue('ml.p3dn.24xlarge'), '"ml.p3dn.24xlarge"');
    assert.equal(pythonJsonDumpsValue(20), '20');
    assert.equal(pythonJsonDumpsValue(true), 'true');
    assert.equal(pythonJsonDumpsValue(''), '""');
    assert.equal(pythonJsonDumpsValue(null), 'null');
    assert.equal(pythonJsonDumpsValue(0.1), '0.1');
    assert.equal(pythonJsonDumpsValue(5e-5), '5e-05');
    assert.equal(pythonJsonDumpsValue(12345678901234567890n), '12345678901234567890');
    assert.equal(
      pythonJsonDumpsValue({ partitions: 2, pipeline: 'interleaved', ddp: true, list: [1, 'a'] }),
      '{"partitions": 2, "pipeline": "interleaved", "ddp": true, "list": [1, "a"]}',
    );
    assert.equal(
      pythonJsonDumpsValue(
        new Map<unknown, unknown>([
          [1, 'a'],
          [true, 'b'],
        ]),
      ),
      '{"1": "a", "true": "b"}',
    );
    assert.throws(() => pythonJsonDumpsValue(new Date(0)), TrainingPlanError);
  });

  it('prints floats with repr rules', () => {
    assert.equal(pythonFloatRepr(1e16), '1e+16');
    assert.equal(pythonFloatRepr(1e-5), '1e-05');
    assert.equal(pythonFloatRepr(1.5e-7), '1.5e-07');
    assert.equal(pythonFloatRepr(1e100), '1e+100');
    assert.equal(pythonFloatRepr(0.0001), '0.0001');
    assert.equal(pythonFloatRepr(123.456), '123.456');
    assert.equal(pythonFloatRepr(-0), '-0.0');
    assert.equal(pythonFloatRepr(Infinity), 'inf');
    assert.equal(pythonFloatRepr(NaN, true), 'NaN');
  });
});
