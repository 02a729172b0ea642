/**
 * Clone Best Trial as Job File for a local tuning run (src/core/tuning/cloneBestTrial.ts), on job file
 * texts without running anything: the note at the top (with and without the objective, above the file's
 * own leading comment), `tuning:` dropped, `hyperparameters` made when absent or empty, each tuned value
 * written so the request builder's json.dumps gives back the string the trial received (`1.0` stays a
 * float), and the refusals word for word.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { CloneBestTrialError, cloneBestTrialJobFile } from '../../src/core/tuning/cloneBestTrial';
import type { BestTrialClone } from '../../src/core/tuning/cloneBestTrial';

const best: BestTrialClone = { tuningJobName: 'tune-1', trialName: 'tune-1-003', tunedHyperParameters: { learning_rate: '0.5' } };
const note = "# Best trial tune-1-003 of tuning job tune-1:\n# the tuning block is dropped and its hyperparameters are that trial's.\n";

describe('cloneBestTrialJobFile: the new job file', () => {
  it("names the trial and its objective above the file's own leading comment, tuning dropped", () => {
    const text = [
      '# Tune the learning rate.',
      '',
      'entry_point: train.py # the script',
      'hyperparameters:',
      '  epochs: 1',
      '  learning_rate: 0.1',
      'tuning:',
      '  objective_metric_name: eval_loss',
      '',
    ].join('\n');
    const clone = cloneBestTrialJobFile(text, { ...best, objective: { name: 'eval_loss', value: 0.25 } });
    assert.equal(
      clone,
      [
        '# Best trial tune-1-003 of tuning job tune-1 (eval_loss = 0.25):',
        "# the tuning block is dropped and its hyperparameters are that trial's.",
        '# Tune the learning rate.',
        '',
        'entry_point: train.py # the script',
        'hyperparameters:',
        '  epochs: 1',
        '  learning_rate: 0.5',
        '',
      ].join('\n'),
    );
  });

  it('without an objective, the note names only the trial and the tuning job', () => {
    assert.equal(
      cloneBestTrialJobFile('entry_point: train.py\nhyperparameters:\n  learning_rate: 0.1\n', best),
      `${note}\nentry_point: train.py\nhyperparameters:\n  learning_rate: 0.5\n`,
    );
  });

  it('adds hyperparameters when the file has none, or has the key with no value', () => {
    const expected = `${note}\nentry_point: train.py\nhyperparameters:\n  learning_rate: 0.5\n`;
    assert.equal(cloneBestTrialJobFile('entry_point: train.py\n', best), expected);
    assert.equal(cloneBestTrialJobFile('entry_point: train.py\nhyperparameters:\n', best), expected);
    assert.equal(cloneBestTrialJobFile('entry_point: train.py\nhyperparameters: ~\n', best), expected);
  });

  it('writes each tuned value so the request sends the string the trial received', () => {
    const tuned = { learning_rate: '1.0', epochs: '3', small: '5e-05', optimizer: '"adamw"', quoted_number: '"3"', flag: 'true', layers: '[1, 2]' };
    const clone = cloneBestTrialJobFile('entry_point: train.py\nhyperparameters:\n  seed: 7\n', { ...best, tunedHyperParameters: tuned });
    assert.deepEqual(encodeJobFileValues(clone).hyperparameters, { seed: '7', ...tuned });
    assert.match(clone, /^ {2}learning_rate: 1\.0$/m);
  });

  it('writes a value that is not JSON as a plain string', () => {
    const clone = cloneBestTrialJobFile('hyperparameters: {}\n', { ...best, tunedHyperParameters: { optimizer: 'adamw' } });
    assert.equal(clone, `${note}\nhyperparameters: { optimizer: adamw }\n`);
    assert.deepEqual(encodeJobFileValues(clone).hyperparameters, { optimizer: '"adamw"' });
  });
});

describe('cloneBestTrialJobFile: refusals', () => {
  const refused = (text: string, message: string) =>
    assert.throws(
      () => cloneBestTrialJobFile(text, best),
      (e: unknown) => e instanceof CloneBestTrialError && e.message === message,
    );

  it('a file that does not parse, with the parser message', () => {
    refused('a: 1\na: 2\n', 'The tuning job file does not parse any more (Map keys must be unique at line 2, column 1:\n\na: 1\na: 2\n^\n); fix it, then clone again.');
  });

  it('a file that is not a mapping', () => {
    for (const text of ['- entry_point: train.py\n', '', 'train.py\n']) refused(text, 'The tuning job file is not a mapping of keys; it cannot be the base of a job file.');
  });

  it('hyperparameters that are not a mapping', () => {
    for (const value of ['3', 'adamw', '[1, 2]', '""'])
      refused(`entry_point: train.py\nhyperparameters: ${value}\n`, 'hyperparameters in the tuning job file is not a mapping; make it one, then clone again.');
  });
});
