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
import { RUNNER_LAUNCH } from '../../src/core/contract/runnerLaunch';
import type { HostLaunchInput } from '../../src/core/contract/runnerLaunch';
import { pyBool, pyDict, pyNone, pyStr } from '../../src/core/contract/pythonValue';
import type { PyValue } from '../../src/core/contract/pythonValue';

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

function input(over: Partial<HostLaunchInput> = {}, framework: ReadonlyArray<readonly [string, PyValue]> = []): HostLaunchInput {
  return {
    hosts: ['algo-1', 'algo-2'],
    hostIndex: 1,
    masterHostname: 'algo-1',
    instanceType: 'ml.g5.xlarge',
    framework: pyDict(framework),
    processesPerHost: 1,
    entryPoint: 'train.py',
    userArgs: ['--epochs', '1'],
    processCommand: ['/usr/bin/python3', 'train.py', '--epochs', '1'],
    ...over,
  };
}

const RANK_KEYS = ['RANK', 'LOCAL_RANK', 'GROUP_RANK', 'ROLE_RANK', 'ROLE_NAME', 'LOCAL_WORLD_SIZE', 'WORLD_SIZE', 'GROUP_WORLD_SIZE', 'ROLE_WORLD_SIZE'];
const RANKS_OF_HOST_2 = {
  RANK: '1',
  LOCAL_RANK: '0',
  GROUP_RANK: '1',
  ROLE_RANK: '1',
  ROLE_NAME: 'default',
  LOCAL_WORLD_SIZE: '1',
  WORLD_SIZE: '2',
  GROUP_WORLD_SIZE: '2',
  ROLE_WORLD_SIZE: '2',
  NODE_RANK: '1',
};

// TK __init__.SM_EFA_NCCL_INSTANCES, and which of them are in SM_EFA_RDMA_INSTANCES.
const EFA: [string, boolean][] = [
  ['ml.g4dn.8xlarge', false],
  ['ml.g4dn.12xlarge', false],
  ['ml.g5.48xlarge', false],
  ['ml.p3dn.24xlarge', false],
  ['ml.p4d.24xlarge', true],
  ['ml.p4de.24xlarge', true],
  ['ml.p5.48xlarge', false],
  ['ml.trn1.32xlarge', true],
  ['ml.p6e-gb200.36xlarge', true],
];

describe('RUNNER_LAUNCH: the plain runners', () => {
  it('process: the command as it is, nothing else', () => {
    assert.deepEqual(RUNNER_LAUNCH.process(input()), { env: {}, localOnlyEnv: [], notes: [], containerCommand: ['/usr/bin/python3', 'train.py', '--epochs', '1'] });
  });

  it('mpi and pytorch_xla: no variables, one note each', () => {
    assert.deepEqual(RUNNER_LAUNCH.mpi(input()), {
      env: {},
      localOnlyEnv: [],
      notes: ['On SageMaker algo-1 starts the ranks with mpirun; here each host runs one process without MPI.'],
    });
    assert.deepEqual(RUNNER_LAUNCH.pytorch_xla(input()), {
      env: {},
      localOnlyEnv: [],
      notes: ['PyTorch XLA multi-worker training needs the Training Compiler image; here each host runs one plain process.'],
    });
  });
});

describe('RUNNER_LAUNCH.torch_distributed (TK TorchDistributedRunner._setup, torchrun worker env)', () => {
  it('sets FI_PROVIDER=efa on the EFA types, and the RDMA switches on those with RDMA', () => {
    for (const [instanceType, rdma] of EFA) {
      const { env } = RUNNER_LAUNCH.torch_distributed(input({ instanceType }));
      assert.equal(env.FI_PROVIDER, 'efa', instanceType);
      assert.equal(env.FI_EFA_USE_DEVICE_RDMA, rdma ? '1' : undefined, instanceType);
      assert.equal(env.RDMAV_FORK_SAFE, rdma ? '1' : undefined, instanceType);
    }
  });

  it('sets no EFA variable on other types; the whole launch of a worker host on SageMaker', () => {
    assert.deepEqual(RUNNER_LAUNCH.torch_distributed(input()), {
      env: {
        NCCL_PROTO: 'simple',
        MASTER_ADDR: 'algo-1',
        MASTER_PORT: '7777',
        TORCHELASTIC_RESTART_COUNT: '0',
        TORCHELASTIC_MAX_RESTARTS: '0',
        TORCHELASTIC_RUN_ID: 'none',
        TORCHELASTIC_USE_AGENT_STORE: 'True',
        ...RANKS_OF_HOST_2,
      },
      localOnlyEnv: ['NODE_RANK'],
      notes: [],
      containerCommand: ['torchrun', '--nnodes', '2', '--nproc_per_node', '1', '--master_addr', 'algo-1', '--master_port', '7777', '--node_rank', '1', 'train.py', '--epochs', '1'],
    });
  });

  it('says when SageMaker would start several processes per host (more than one), and only then', () => {
    const note = 'SageMaker would start 4 processes per host (one per GPU); here each host runs one.';
    assert.deepEqual(RUNNER_LAUNCH.torch_distributed(input({ processesPerHost: 4 })).notes, [note]);
    assert.deepEqual(RUNNER_LAUNCH.torch_distributed(input({ processesPerHost: 2 })).notes, [note.replace('4', '2')]);
    assert.deepEqual(RUNNER_LAUNCH.torch_distributed(input({ processesPerHost: 1 })).notes, []);
  });
});

describe('RUNNER_LAUNCH.smdataparallel (TK SMDataParallelRunner._get_mpirun_command -x exports)', () => {
  const note = (rest: string) => `On SageMaker algo-1 starts every rank with mpirun (8 per host${rest}); here each host runs one process with the same environment and no MPI.`;

  it('exports what mpirun passes every rank, and marks the ranks as set only by this emulation', () => {
    const launch = RUNNER_LAUNCH.smdataparallel(input({ processesPerHost: 8 }, [['sagemaker_pytorch_ddp_enabled', pyBool(true)]]));
    assert.deepEqual(launch, {
      env: {
        NCCL_DEBUG: 'INFO',
        SMDATAPARALLEL_USE_HOMOGENEOUS: '1',
        SMDATAPARALLEL_SERVER_ADDR: 'algo-1',
        SMDATAPARALLEL_SERVER_PORT: '7592',
        SAGEMAKER_INSTANCE_TYPE: 'ml.g5.xlarge',
        FI_PROVIDER: 'efa',
        RDMAV_FORK_SAFE: '1',
        ...RANKS_OF_HOST_2,
      },
      localOnlyEnv: ['NODE_RANK', ...RANK_KEYS],
      notes: [note(''), 'SageMaker would start 8 processes per host (one per GPU); here each host runs one.'],
    });
  });

  it('says "through smddprun" for smdistributed dataparallel', () => {
    const launch = RUNNER_LAUNCH.smdataparallel(input({ processesPerHost: 8 }, [['sagemaker_distributed_dataparallel_enabled', pyBool(true)]]));
    assert.equal(launch.notes[0], note(', through smddprun'));
  });

  it('takes NCCL_DEBUG from the custom MPI options, written either way argparse reads them', () => {
    const ncclDebug = (options: string) => RUNNER_LAUNCH.smdataparallel(input({}, [['sagemaker_distributed_dataparallel_custom_mpi_options', pyStr(options)]])).env.NCCL_DEBUG;
    assert.equal(ncclDebug('--NCCL_DEBUG WARN'), 'WARN');
    assert.equal(ncclDebug('-x FOO=1 --NCCL_DEBUG=TRACE -v'), 'TRACE');
    assert.equal(ncclDebug('-x FOO=1'), 'INFO');
  });

  it("picks the EFA variables by sagemaker_instance_type when it is set, else by the host's type", () => {
    const byParameter = RUNNER_LAUNCH.smdataparallel(input({}, [['sagemaker_instance_type', pyStr('ml.p4d.24xlarge')]])).env;
    assert.equal(byParameter.SAGEMAKER_INSTANCE_TYPE, 'ml.p4d.24xlarge');
    assert.equal(byParameter.NCCL_PROTO, 'simple');
    assert.equal(byParameter.FI_EFA_USE_DEVICE_RDMA, '1');
    // An empty value (None in a heterogeneous cluster, or "") falls back to the host's own type.
    for (const empty of [pyStr(''), pyNone]) {
      const env = RUNNER_LAUNCH.smdataparallel(input({ instanceType: 'ml.p5.48xlarge' }, [['sagemaker_instance_type', empty]])).env;
      assert.equal(env.SAGEMAKER_INSTANCE_TYPE, 'ml.p5.48xlarge');
      assert.equal(env.NCCL_PROTO, 'simple');
      assert.equal(env.FI_EFA_USE_DEVICE_RDMA, undefined);
    }
    const plain = RUNNER_LAUNCH.smdataparallel(input({ hosts: ['algo-1'], hostIndex: 0 })).env;
    assert.equal(plain.SMDATAPARALLEL_USE_SINGLENODE, '1');
    assert.equal(plain.SAGEMAKER_INSTANCE_TYPE, undefined);
    assert.equal(plain.NCCL_PROTO, undefined);
    assert.equal(plain.FI_EFA_USE_DEVICE_RDMA, undefined);
  });
});
