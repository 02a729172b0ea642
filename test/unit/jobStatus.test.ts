// A training job's status (src/core/sagemaker/jobStatus.ts): the statuses SageMaker uses, the ones
// that end a job and the ones that mean it still changes, for every reader (views, log tail,
// launch --wait, the local backend, the status filter).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IN_FLIGHT_TRAINING_JOB_STATUSES,
  TERMINAL_TRAINING_JOB_STATUSES,
  TRAINING_JOB_STATUSES,
  isInFlightStatus,
  isTerminalStatus,
  isTrainingJobStatus,
} from '../../src/core/sagemaker/jobStatus';

describe('training job statuses', () => {
  const table: Array<[string | undefined, boolean, boolean, boolean]> = [
    // status, known, terminal, in flight
    ['InProgress', true, false, true],
    ['Stopping', true, false, true],
    ['Completed', true, true, false],
    ['Failed', true, true, false],
    ['Stopped', true, true, false],
    ['Unknown', false, false, false],
    ['completed', false, false, false],
    ['', false, false, false],
    [undefined, false, false, false],
  ];
  for (const [status, known, terminal, inFlight] of table) {
    it(`${String(status)}: ${known ? '' : 'not '}a status, ${terminal ? 'terminal' : inFlight ? 'in flight' : 'neither terminal nor in flight'}`, () => {
      assert.equal(isTrainingJobStatus(status), known);
      assert.equal(isTerminalStatus(status), terminal);
      assert.equal(isInFlightStatus(status), inFlight);
    });
  }

  it('every status is either terminal or in flight, never both', () => {
    assert.deepEqual([...TERMINAL_TRAINING_JOB_STATUSES, ...IN_FLIGHT_TRAINING_JOB_STATUSES].sort(), [...TRAINING_JOB_STATUSES].sort());
  });
});
