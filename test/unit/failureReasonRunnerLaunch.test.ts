/**
 * Two small parts of the container contract, checked directly: how a failed script's output becomes the
 * failure file (src/core/contract/failureReason.ts: TK process.watch's line stripping and rank-tag
 * removal, process.check_error's joining and de-duplication, the exit code /bin/sh reports for a
 * signal), and what each toolkit runner sets up on one host (src/core/contract/runnerLaunch.ts: the EFA
 * variables by instance type, the SMDDP exports, torchrun's worker ranks, and the notes a local run
 * shows, word for word).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { failureFileText, shellExitCode, toolkitErrorMessage, watchStream } from '../../src/core/contract/failureReason';

describe('watchStream (TK process.watch on one stream)', () => {
  it('keeps every line from the first one naming an error class, each stripped of spaces and colons at both ends', () => {
    const lines = ['epoch 1 done', 'Traceback (most recent call last):', '  File "train.py", line 3, in <module>', 'ValueError: bad value :', '   ', ' : ', ''];
    assert.equal(watchStream(lines), 'ValueError: bad value\n \n \n \n');
    // Before the error line nothing is kept; after it, leading and trailing " :" go, inner ones stay.
    assert.equal(watchStream(['RuntimeError: x', '  File "a.py": line 1 : ', ': : middle : :']), 'RuntimeError: x\n File "a.py": line 1\n middle\n');
    assert.equal(watchStream(['no error here', 'still fine']), '');
  });

  it("drops mpirun's rank tags ([r,s]<stderr>, [r,s]<stdout>) from the kept lines", () => {
    assert.equal(watchStream(['[1,0]<stderr>:ValueError: rank one', '[1,0]<stdout>: more', '[0,3]<stderr>[2,5]<stdout>last']), 'ValueError: rank one\n more\n last\n');
    // Only one-digit ranks are tags, as in TK's pattern.
    assert.equal(watchStream(['KeyError: k', '[12,0]<stderr>x']), 'KeyError: k\n [12,0]<stderr>x\n');
  });
});

describe('toolkitErrorMessage (TK process.check_error)', () => {
  it("joins the stdout part and the stderr part with a space, and drops repeated lines (a stream's first line also follows that space)", () => {
    assert.equal(toolkitErrorMessage(['TypeError: out'], ['TypeError: err']), 'TypeError: out\n TypeError: err');
    assert.equal(toolkitErrorMessage([], ['OSError: disk', 'retrying', 'retrying', 'OSError: disk']), 'OSError: disk\n retrying');
  });
});

describe('failure file and exit code', () => {
  it('writes the failure file of an install error without an ExtraInfo line', () => {
    assert.equal(
      failureFileText({ errorClass: 'InstallRequirementsError', exitCode: 1, errorMessage: '', command: 'python -m pip install -r requirements.txt' }),
      'InstallRequirementsError:\nExitCode 1\nErrorMessage ""\nCommand "python -m pip install -r requirements.txt"',
    );
  });

  it('reports a signal as /bin/sh does (128 + its number), an exit code as it is, and 1 for an unknown signal', () => {
    const numbers = { SIGKILL: 9, SIGTERM: 15 };
    assert.equal(shellExitCode(null, 'SIGKILL', numbers), 137);
    assert.equal(shellExitCode(null, 'SIGTERM', numbers), 143);
    assert.equal(shellExitCode(3, null, numbers), 3);
    assert.equal(shellExitCode(0, null, numbers), 0);
    assert.equal(shellExitCode(null, 'SIGUSR1', numbers), 1);
    assert.equal(shellExitCode(null, null, numbers), 1);
  });
});
