/**
 * The container contract's smaller rules, each pinned where containerContract.test.ts only
 * samples them: the reserved hyperparameters, an empty key and None in argv and SM_* variables,
 * resourceconfig.json's defaults, the entry point's type and its module name, shell quoting,
 * paths under a Windows or trailing-separator base (os.path.join), the values of a job without a
 * program or framework module, and the notes a user reads, word for word. Plain node, no I/O.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  computeContainerContract,
  contractPaths,
  entryPointTypeOf,
  inputDataConfigFor,
  resourceConfigFor,
  resourceConfigForGroups,
  shellAltersArgument,
  shellQuote,
  splitHyperparameters,
  toCmdArgs,
  toEnvVars,
  toolkitCommandLine,
} from '../../src/core/contract/containerContract';
import type { ContainerContractInput } from '../../src/core/contract/containerContract';
import { dictGet, pyDict, pyInt, pyList, pyNone, pyStr } from '../../src/core/contract/pythonValue';
import { decodeHyperparameters } from '../../src/core/sagemaker/hyperparameters';

/** A one-host job without distribution: the process runner, train.py. */
function plainInput(overrides: Partial<ContainerContractInput> = {}): ContainerContractInput {
  return {
    hyperparameters: { sagemaker_program: '"train.py"', lr: '0.1' },
    hosts: ['algo-1'],
    currentHost: 'algo-1',
    channels: [],
    instanceType: 'ml.g5.xlarge',
    jobName: 'plain-job',
    numGpus: 1,
    numCpus: 4,
    pythonExecutable: '/usr/bin/python3',
    ...overrides,
  };
}

function trainingEnvOf(env: Record<string, string>): Record<string, unknown> {
  return JSON.parse(env.SM_TRAINING_ENV!) as Record<string, unknown>;
}

describe('hyperparameters, argv and SM_* variables (TK mapping.py)', () => {
  it('keeps sagemaker_enable_cloudwatch_metrics and sagemaker_s3_output out of the framework parameters (params.SAGEMAKER_HYPERPARAMETERS)', () => {
    const split = splitHyperparameters(
      decodeHyperparameters({ sagemaker_enable_cloudwatch_metrics: 'false', sagemaker_s3_output: '"s3://b/out"', sagemaker_custom: '1', lr: '0.1' }),
    );
    assert.deepEqual(
      split.reserved.entries.map(([k]) => k),
      ['sagemaker_enable_cloudwatch_metrics', 'sagemaker_s3_output'],
    );
    assert.deepEqual(
      split.framework.entries.map(([k]) => k),
      ['sagemaker_custom'],
    );
    assert.deepEqual(
      split.user.entries.map(([k]) => k),
      ['lr'],
    );
  });

  it('gives an empty key an empty argument and an empty variable name (arg_name and format_key of "")', () => {
    assert.deepEqual(toCmdArgs(pyDict([['', pyInt(1)]])), ['', '1']);
    assert.deepEqual(toEnvVars([['', pyStr('x')]]), { '': 'x' });
  });

  it('exports None as an empty variable, other values as compact JSON, strings raw', () => {
    assert.deepEqual(
      toEnvVars([
        ['resume', pyNone],
        ['n', pyInt(3)],
        ['s', pyStr('a b')],
      ]),
      { SM_RESUME: '', SM_N: '3', SM_S: 'a b' },
    );
    assert.equal(computeContainerContract(plainInput({ hyperparameters: { sagemaker_program: '"train.py"', resume: 'null' } })).env.SM_HP_RESUME, '');
  });

  it('joins a command line with single spaces (TK process.create)', () => {
    assert.equal(toolkitCommandLine(['/usr/bin/python3', 'train.py', '--lr', '0.1']), '/usr/bin/python3 train.py --lr 0.1');
  });
});

describe('resourceconfig.json and inputdataconfig.json', () => {
  it('writes a homogeneous cluster as one homogeneousCluster group on eth0', () => {
    assert.equal(
      JSON.stringify(resourceConfigFor(['algo-1', 'algo-2'], 'algo-2', 'ml.g5.xlarge')),
      JSON.stringify({
        current_host: 'algo-2',
        current_instance_type: 'ml.g5.xlarge',
        current_group_name: 'homogeneousCluster',
        hosts: ['algo-1', 'algo-2'],
        instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: 'ml.g5.xlarge', hosts: ['algo-1', 'algo-2'] }],
        network_interface_name: 'eth0',
      }),
    );
    assert.equal(resourceConfigFor(['algo-1'], 'algo-1', 'ml.g5.xlarge', 'ens5').network_interface_name, 'ens5');
  });

  const groups = [
    { name: 'data', instanceType: 'ml.c5.xlarge', hosts: ['algo-1'] },
    { name: 'train', instanceType: 'ml.p3.16xlarge', hosts: ['algo-2'] },
  ];

  it('defaults the network interface of any cluster to eth0', () => {
    assert.equal(resourceConfigForGroups(['algo-1', 'algo-2'], groups, 'algo-2').network_interface_name, 'eth0');
  });

  it('names every group when a host is in none of them', () => {
    assert.throws(() => resourceConfigForGroups(['algo-1', 'algo-2', 'algo-3'], groups, 'algo-3'), {
      name: 'RangeError',
      message: 'Host algo-3 is in none of the instance groups data, train',
    });
  });

  it('writes CompressionType only for a compressed channel', () => {
    assert.equal(
      JSON.stringify(inputDataConfigFor([{ name: 'gz', compression: 'Gzip' }, { name: 'raw', compression: 'None' }, { name: 'plain' }])),
      JSON.stringify({
        gz: { TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None', CompressionType: 'Gzip' },
        raw: { TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
        plain: { TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
      }),
    );
  });
});

describe('entry point (TK _entry_point_type, Environment._parse_module_name, shlex.quote)', () => {
  it('runs a .sh as a command even in a package, a .py as a program or package, anything else as a command', () => {
    assert.equal(entryPointTypeOf('run.sh', ['setup.py', 'run.sh']), 'command');
    assert.equal(entryPointTypeOf('train.py', ['setup.py', 'train.py']), 'python-package');
    assert.equal(entryPointTypeOf('train.py', ['train.py']), 'python-program');
    assert.equal(entryPointTypeOf('train', ['train']), 'command');
  });

  it('takes the module name from the program without .py, and "None" without a program', () => {
    assert.equal(computeContainerContract(plainInput()).env.SM_MODULE_NAME, 'train');
    assert.equal(computeContainerContract(plainInput({ hyperparameters: { sagemaker_program: '"run.sh"' } })).env.SM_MODULE_NAME, 'run.sh');
    const none = computeContainerContract(plainInput({ hyperparameters: { lr: '0.1' } }));
    assert.equal(none.env.SM_MODULE_NAME, 'None');
    assert.equal(trainingEnvOf(none.env).module_name, 'None');
    // TK Environment.user_entry_point is None, which to_env_vars exports as "".
    assert.equal(none.entryPoint, '');
    assert.equal(none.env.SM_USER_ENTRY_POINT, '');
    assert.equal(trainingEnvOf(none.env).user_entry_point, null);
  });

  it('quotes like shlex.quote: an empty string, a quote inside, blanks, and a safe word as is', () => {
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote("it's"), `'it'"'"'s'`);
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote('model/v1.0'), 'model/v1.0');
  });
});

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

describe('the contract of a plain job', () => {
  it('refuses a current host that is not one of the hosts, naming them', () => {
    assert.throws(() => computeContainerContract(plainInput({ hosts: ['algo-1', 'algo-2'], currentHost: 'algo-3' })), {
      name: 'RangeError',
      message: 'Host algo-3 is not one of algo-1, algo-2',
    });
  });

  it('has no notes, the PyTorch framework module, NCCL_DEBUG=WARN and the fixed Environment values', () => {
    const contract = computeContainerContract(plainInput());
    assert.deepEqual(contract.notes, []);
    assert.deepEqual(contract.localOnlyEnv, []);
    const env = contract.env;
    assert.equal(env.NCCL_DEBUG, 'WARN');
    assert.equal(env.SAGEMAKER_TRAINING_MODULE, 'sagemaker_pytorch_container.training:main');
    assert.equal(env.SM_FRAMEWORK_MODULE, 'sagemaker_pytorch_container.training:main');
    assert.equal(env.SM_NUM_NEURONS, '0');
    assert.equal(env.SM_LOG_LEVEL, '20');
    // Environment.__init__ writes them even when the hyperparameters do not name a job or a region.
    assert.equal(env.SAGEMAKER_JOB_NAME, '');
    assert.equal(env.SAGEMAKER_REGION, '');
    const trainingEnv = trainingEnvOf(env);
    assert.equal(trainingEnv.framework_module, 'sagemaker_pytorch_container.training:main');
    assert.equal(trainingEnv.module_name, 'train');
    assert.equal(trainingEnv.user_entry_point, 'train.py');
    assert.equal(trainingEnv.num_neurons, 0);
    assert.equal(trainingEnv.is_smddpmprun_installed, false);
    assert.equal(trainingEnv.is_smddprun_installed, false);
    assert.deepEqual(trainingEnv.topology, []);
    // The same Environment as values: empty lists, not lists of anything.
    assert.deepEqual(dictGet(contract.trainingEnv, 'topology'), pyList([]));
    assert.deepEqual(dictGet(contract.trainingEnv, 'distribution_instance_groups'), pyList([]));
  });

  it('leaves out the framework module of an image without one', () => {
    const env = computeContainerContract(plainInput({ frameworkModule: null })).env;
    assert.equal('SAGEMAKER_TRAINING_MODULE' in env, false);
    assert.equal(env.SM_FRAMEWORK_MODULE, '');
    assert.equal(trainingEnvOf(env).framework_module, null);
  });

  it('takes the region from the caller when no sagemaker_region is set, the hyperparameter first', () => {
    assert.equal(computeContainerContract(plainInput({ region: 'eu-west-1' })).env.SAGEMAKER_REGION, 'eu-west-1');
    const both = computeContainerContract(plainInput({ region: 'eu-west-1', hyperparameters: { sagemaker_program: '"train.py"', sagemaker_region: '"us-east-2"' } }));
    assert.equal(both.env.SAGEMAKER_REGION, 'us-east-2');
  });

  it('passes sagemaker_container_log_level on as SM_LOG_LEVEL', () => {
    const env = computeContainerContract(plainInput({ hyperparameters: { sagemaker_program: '"train.py"', sagemaker_container_log_level: '10' } })).env;
    assert.equal(env.SM_LOG_LEVEL, '10');
    assert.equal(trainingEnvOf(env).log_level, 10);
  });

  it('counts 64 Neuron cores on trn2.48xlarge whatever neuron-ls says, else what it says', () => {
    assert.equal(computeContainerContract(plainInput({ instanceType: 'ml.trn2.48xlarge', numNeurons: 16 })).env.SM_NUM_NEURONS, '64');
    assert.equal(computeContainerContract(plainInput({ instanceType: 'ml.trn1.32xlarge', numNeurons: 16 })).env.SM_NUM_NEURONS, '16');
  });

  it('marks SAGEMAKER_BASE_DIR as local-only for a local base directory', () => {
    const contract = computeContainerContract(plainInput({ baseDir: '/tmp/job/algo-1/opt/ml' }));
    assert.equal(contract.env.SAGEMAKER_BASE_DIR, '/tmp/job/algo-1/opt/ml');
    assert.deepEqual(contract.localOnlyEnv, ['SAGEMAKER_BASE_DIR']);
  });

  it('reads a sagemaker_distribution_instance_groups that is not a list as naming no group', () => {
    const contract = computeContainerContract(
      plainInput({
        hosts: ['algo-1', 'algo-2'],
        currentHost: 'algo-2',
        hyperparameters: { sagemaker_program: '"train.py"', sagemaker_distribution_instance_groups: '"homogeneousCluster"' },
      }),
    );
    assert.deepEqual([contract.runner, contract.distributionHosts, contract.masterHostname, contract.isMaster], ['process', [], 'algo-1', false]);
  });
});

describe('notes a user reads before the job runs', () => {
  it('says an empty value is dropped by the toolkit shell', () => {
    assert.equal(shellAltersArgument(''), 'dropped');
    assert.equal(shellAltersArgument('a b'), 'split');
    assert.equal(shellAltersArgument('plain'), undefined);
    const contract = computeContainerContract(plainInput({ hyperparameters: { sagemaker_program: '"train.py"', resume: 'null', seed: '7' } }));
    assert.deepEqual(contract.notes, ["--resume has an empty value: the toolkit's shell drops it, so the script sees --resume with no value."]);
  });

  it('says a value with blanks is split by the toolkit shell', () => {
    const contract = computeContainerContract(plainInput({ hyperparameters: { sagemaker_program: '"train.py"', prefix: '"summarize: "' } }));
    assert.deepEqual(contract.notes, [
      `--prefix "summarize: ": SageMaker's toolkit passes the command line through /bin/sh unquoted, so blanks split this value and shell characters are interpreted.`,
    ]);
  });

  it("names every group of a channel that is not this host's", () => {
    const contract = computeContainerContract(
      plainInput({
        hosts: ['algo-1', 'algo-2', 'algo-3'],
        instanceGroups: [
          { name: 'data', instanceType: 'ml.c5.xlarge', hosts: ['algo-1'] },
          { name: 'train', instanceType: 'ml.g5.xlarge', hosts: ['algo-2'] },
          { name: 'eval', instanceType: 'ml.g5.xlarge', hosts: ['algo-3'] },
        ],
        channels: [{ name: 'shared', instanceGroups: ['train', 'eval'] }],
      }),
    );
    assert.deepEqual(contract.notes, [
      "Channel shared is for instance group(s) train, eval only: this host (group data) has no /opt/ml/input/data/shared, no SM_CHANNEL_SHARED and no shared in SM_CHANNELS or inputdataconfig.json. SageMaker documents only that the listed groups get the data; a local run leaves the channel out of other hosts' view entirely.",
    ]);
  });
});
