/**
 * The hyperparameters owner (src/core/sagemaker/hyperparameters.ts): values go out as the SDK's
 * `json.dumps` writes them and come back as the training toolkit's `json.loads` (else the raw
 * string) reads them, for every reader: the container contract, the Training Jobs view, Clone as
 * Job File and the model card.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { pythonRepr } from '../../src/core/contract/pythonValue';
import { jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';
import { trainingJobViewFromDescription } from '../../src/core/jobs/trainingJobView';
import { modelCardJobFromDescription } from '../../src/core/modelCard/modelCardJob';
import {
  decodeHyperparameter,
  decodeHyperparameters,
  decodeHyperparameterValues,
  encodeHyperparameter,
  isSdkHyperparameter,
  parseHyperparameter,
} from '../../src/core/sagemaker/hyperparameters';

describe('hyperparameters: encoding as the SDK sends them (json.dumps)', () => {
  const cases: Array<[unknown, string]> = [
    [5e-5, '5e-05'],
    ['samsum', '"samsum"'],
    [true, 'true'],
    [3, '3'],
    [0.1, '0.1'],
    [1e-7, '1e-07'],
    [null, 'null'],
    [[1, 'a'], '[1, "a"]'],
    [{ b: 1, a: null }, '{"b": 1, "a": null}'],
    ['Zürich', '"Z\\u00fcrich"'],
  ];
  for (const [value, encoded] of cases) {
    it(`${JSON.stringify(value)} → ${encoded}`, () => assert.equal(encodeHyperparameter(value), encoded));
  }
});

describe('hyperparameters: decoding as the toolkit reads them (json.loads, else the raw string)', () => {
  it('decodes JSON with Python rules and keeps what is not JSON as the string it is', () => {
    assert.equal(pythonRepr(decodeHyperparameter('5e-05')), '5e-05');
    assert.equal(pythonRepr(decodeHyperparameter('"samsum"')), "'samsum'");
    assert.equal(pythonRepr(decodeHyperparameter('123456789012345678901234')), '123456789012345678901234');
    assert.equal(pythonRepr(decodeHyperparameter('not json')), "'not json'");
    assert.equal(parseHyperparameter('not json'), undefined, 'tells a raw string from a JSON one');
    assert.equal(parseHyperparameter('"not json"')?.type, 'str');
  });

  it('gives the same values as plain JavaScript for the card', () => {
    assert.deepEqual(decodeHyperparameterValues({ a: '"samsum"', b: '5e-05', c: 'true', d: '3', e: 'not json', f: 'NaN', g: '123456789012345678901234' }), {
      a: 'samsum',
      b: 5e-5,
      c: true,
      d: 3,
      e: 'not json',
      f: Number.NaN,
      g: '123456789012345678901234',
    });
  });

  it('round-trips every encoded value', () => {
    for (const value of ['x', 1, 2.5, false, null, [1, [2]], { k: 'v' }]) {
      assert.deepEqual(decodeHyperparameterValues({ v: encodeHyperparameter(value) }).v, value);
    }
  });

  it('tells the SDK keys from the user keys', () => {
    assert.deepEqual(['sagemaker_program', 'mp_parameters', 'epochs', 'sagemakerx'].map(isSdkHyperparameter), [true, true, false, false]);
  });

  it('every reader agrees on a value that is not JSON (set by hand in the console)', () => {
    const stored = { lr: '5e-05', note: 'hello world', flag: 'True' };
    assert.deepEqual(
      decodeHyperparameters(stored).entries.map(([k, v]) => [k, pythonRepr(v)]),
      [
        ['lr', '5e-05'],
        ['note', "'hello world'"],
        ['flag', "'True'"],
      ],
    );
    const description = { TrainingJobName: 'j', TrainingJobStatus: 'Completed', HyperParameters: stored };
    assert.deepEqual(modelCardJobFromDescription(description).hyperparameters, { lr: 5e-5, note: 'hello world', flag: 'True' });
    const view = trainingJobViewFromDescription(description, new Date(0));
    assert.deepEqual(
      view.hyperparameters.map((h) => h.display),
      ['5e-05', 'hello world', 'True'],
    );
    const clone = jobFileFromDescription({ ...description, RoleArn: 'arn:aws:iam::111122223333:role/R' }).text;
    assert.match(clone, /^ {2}lr: 5e-5$/m);
    assert.match(clone, /^ {2}note: hello world$/m);
    assert.match(clone, /^ {2}flag: "True"$/m);
  });
});
