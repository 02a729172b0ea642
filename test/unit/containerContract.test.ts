/**
 * The container contract against what the SageMaker training toolkit produces for the same input.
 * Each expectation is worked out by hand from the toolkit's code (function named beside it):
 * TK = aws/sagemaker-training-toolkit src/sagemaker_training, PTK =
 * aws/sagemaker-pytorch-training-toolkit src/sagemaker_pytorch_container/training.py. One case is
 * a real job's log ("Environment variables" printed by TK logging_config.log_script_invocation).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { computeContainerContract, splitHyperparameters, toCmdArgs } from '../../src/core/contract/containerContract';
import type { ContainerContractInput } from '../../src/core/contract/containerContract';
import { failureFileText, failureReasonFromFile, toolkitErrorMessage } from '../../src/core/contract/failureReason';
import { parsePythonJson, pythonJsonDumps, pythonRepr, pythonStr } from '../../src/core/contract/pythonValue';
import { decodeHyperparameters } from '../../src/core/sagemaker/hyperparameters';

/** The blog's HuggingFace estimator, encoded as SDK2 `_json_encode_hyperparameters` sends it. */
const blogHyperparameters: Record<string, string> = {
  per_device_train_batch_size: '4',
  per_device_eval_batch_size: '4',
  model_name_or_path: '"facebook/bart-large-cnn"',
  dataset_name: '"samsum"',
  do_train: 'true',
  do_predict: 'true',
  predict_with_generate: 'true',
  output_dir: '"/opt/ml/model"',
  num_train_epochs: '3',
  learning_rate: '5e-05',
  seed: '7',
  fp16: 'true',
  sagemaker_submit_directory: '"s3://sagemaker-us-east-1-111122223333/huggingface-pytorch-training-2021-04-01-13-00-35-123/source/sourcedir.tar.gz"',
  sagemaker_program: '"run_summarization.py"',
  sagemaker_container_log_level: '20',
  sagemaker_job_name: '"huggingface-pytorch-training-2021-04-01-13-00-35-123"',
  sagemaker_region: '"us-east-1"',
  sagemaker_distributed_dataparallel_enabled: 'true',
  sagemaker_instance_type: '"ml.p3dn.24xlarge"',
  sagemaker_distributed_dataparallel_custom_mpi_options: '""',
};

function blogInput(overrides: Partial<ContainerContractInput> = {}): ContainerContractInput {
  return {
    hyperparameters: blogHyperparameters,
    hosts: ['algo-1', 'algo-2'],
    currentHost: 'algo-2',
    channels: [],
    instanceType: 'ml.p3dn.24xlarge',
    jobName: 'huggingface-pytorch-training-2021-04-01-13-00-35-123',
    numGpus: 8,
    numCpus: 96,
    pythonExecutable: '/opt/conda/bin/python3.6',
    ...overrides,
  };
}

/** CreateTrainingJob.HyperParameters holding one user value, as `json.dumps` wrote it. */
function argsFor(encoded: Record<string, string>): string[] {
  return toCmdArgs(splitHyperparameters(decodeHyperparameters(encoded)).user);
}

describe('argv (TK mapping.to_cmd_args over Environment.hyperparameters)', () => {
  it('sorts the keys, drops sagemaker_* keys and str()-s each decoded value: the blog job', () => {
    assert.deepEqual(computeContainerContract(blogInput()).userArgs, [
      '--dataset_name',
      'samsum',
      '--do_predict',
      'True',
      '--do_train',
      'True',
      '--fp16',
      'True',
      '--learning_rate',
      '5e-05',
      '--model_name_or_path',
      'facebook/bart-large-cnn',
      '--num_train_epochs',
      '3',
      '--output_dir',
      '/opt/ml/model',
      '--per_device_eval_batch_size',
      '4',
      '--per_device_train_batch_size',
      '4',
      '--predict_with_generate',
      'True',
      '--seed',
      '7',
    ]);
  });

  it('writes a one-character key with a single dash (arg_name: "-%s" if len(string) == 1)', () => {
    assert.deepEqual(argsFor({ k: '5', epochs: '2' }), ['--epochs', '2', '-k', '5']);
  });

  it('gives None as an empty string (_decode(None) == "")', () => {
    assert.deepEqual(argsFor({ resume_from_checkpoint: 'null' }), ['--resume_from_checkpoint', '']);
  });

  it('prints floats as Python repr: 3.0 stays a float, small and large ones use exponents', () => {
    assert.deepEqual(argsFor({ a: '3.0', b: '1e-07', c: '1e16', d: '0.0001', e: '1.5e-05', f: '1E3', g: '123456789012345.6' }), [
      '-a',
      '3.0',
      '-b',
      '1e-07',
      '-c',
      '1e+16',
      '-d',
      '0.0001',
      '-e',
      '1.5e-05',
      '-f',
      '1000.0',
      '-g',
      '123456789012345.6',
    ]);
  });

  it('keeps every digit of a big integer (json.loads gives a Python int)', () => {
    assert.deepEqual(argsFor({ seed: '123456789012345678901234567890' }), ['--seed', '123456789012345678901234567890']);
  });

  it('prints lists as Python str(): single quotes, True/None, double quotes around a text with an apostrophe', () => {
    assert.deepEqual(argsFor({ report_to: '["tensorboard", "wandb"]' }), ['--report_to', "['tensorboard', 'wandb']"]);
    assert.deepEqual(argsFor({ mixed: '[1, 2.5, true, null, "it\'s"]' }), ['--mixed', `[1, 2.5, True, None, "it's"]`]);
    assert.deepEqual(argsFor({ nested: '[[1], {"b": "x"}]' }), ['--nested', "[[1], {'b': 'x'}]"]);
  });

  it('escapes in repr what Python does not print: \\n, control characters, a lone surrogate', () => {
    assert.deepEqual(argsFor({ l: '["a\\nb", "\\u0001", "caf\\u00e9", "\\ud800"]' }), ['-l', "['a\\nb', '\\x01', 'café', '\\ud800']"]);
  });

  it('turns a dict into sorted k=v pairs (the hasattr(value, "items") branch)', () => {
    assert.deepEqual(argsFor({ mp: '{"partitions": 2, "microbatches": 4, "ddp": true, "opt": {"x": 1}}' }), ['--mp', "ddp=True,microbatches=4,opt={'x': 1},partitions=2"]);
  });

  it('keeps the raw text when json.loads fails (read_hyperparameters falls back on ValueError)', () => {
    assert.deepEqual(argsFor({ dataset: 'samsum', flag: 'True', padded: '01', bom: '\ufeff1' }), ['--bom', '\ufeff1', '--dataset', 'samsum', '--flag', 'True', '--padded', '01']);
  });

  it('orders keys by code point as Python does, not by UTF-16 unit', () => {
    assert.deepEqual(
      argsFor({ '\u{1F600}x': '1', '\uFF21x': '2', Bx: '3', ax: '4' }).filter((_, i) => i % 2 === 0),
      ['--Bx', '--ax', '--\uFF21x', '--\u{1F600}x'],
    );
  });
});

describe('hyperparameter split (TK mapping.split_by_criteria + Environment.__init__)', () => {
  it('separates user, framework (sagemaker_*) and reserved (params.SAGEMAKER_HYPERPARAMETERS) keys', () => {
    const split = splitHyperparameters(
      decodeHyperparameters({ ...blogHyperparameters, _tuning_objective_metric: '"eval_loss"', default_user_module_name: '"x"', mp_parameters: '{}' }),
    );
    assert.deepEqual(
      split.framework.entries.map(([k]) => k),
      ['sagemaker_distributed_dataparallel_enabled', 'sagemaker_instance_type', 'sagemaker_distributed_dataparallel_custom_mpi_options'],
    );
    assert.deepEqual(split.reserved.entries.map(([k]) => k).sort(), [
      '_tuning_objective_metric',
      'default_user_module_name',
      'sagemaker_container_log_level',
      'sagemaker_job_name',
      'sagemaker_program',
      'sagemaker_region',
      'sagemaker_submit_directory',
    ]);
    assert.ok(
      split.user.entries.some(([k]) => k === 'mp_parameters'),
      'mp_parameters is a user hyperparameter (SM_HP_MP_PARAMETERS)',
    );
  });
});

describe('environment (TK Environment.to_env_vars, mapping.to_env_vars)', () => {
  it('matches a real Hugging Face DLC job log, variable for variable', () => {
    // The "Environment variables" of a 2022 huggingface-pytorch-training job (run_glue.py on ml.g5.xlarge).
    const contract = computeContainerContract({
      hyperparameters: {
        do_eval: 'true',
        do_train: 'true',
        learning_rate: '3e-05',
        max_seq_length: '128',
        model_name_or_path: '"uer/chinese_roberta_L-12_H-768"',
        num_train_epochs: '1',
        output_dir: '"/opt/ml/model/chinese_roberta"',
        per_device_train_batch_size: '64',
        train_file: '"/opt/ml/input/data/train/train.csv"',
        validation_file: '"/opt/ml/input/data/val/val.csv"',
        sagemaker_program: '"run_glue.py"',
        sagemaker_submit_directory: '"s3://sagemaker-us-east-1-635837196364/huggingface-pytorch-training-2022-05-12-09-01-22-376/source/sourcedir.tar.gz"',
        sagemaker_container_log_level: '20',
        sagemaker_job_name: '"huggingface-pytorch-training-2022-05-12-09-01-22-376"',
        sagemaker_region: '"us-east-1"',
      },
      hosts: ['algo-1'],
      currentHost: 'algo-1',
      channels: [{ name: 'test' }, { name: 'train' }, { name: 'val' }],
      instanceType: 'ml.g5.xlarge',
      jobName: 'huggingface-pytorch-training-2022-05-12-09-01-22-376',
      numGpus: 1,
      numCpus: 4,
      pythonExecutable: '/opt/conda/bin/python3.8',
    });
    const observed: Record<string, string> = {
      SM_HOSTS: '["algo-1"]',
      SM_NETWORK_INTERFACE_NAME: 'eth0',
      SM_HPS:
        '{"do_eval":true,"do_train":true,"learning_rate":3e-05,"max_seq_length":128,"model_name_or_path":"uer/chinese_roberta_L-12_H-768","num_train_epochs":1,"output_dir":"/opt/ml/model/chinese_roberta","per_device_train_batch_size":64,"train_file":"/opt/ml/input/data/train/train.csv","validation_file":"/opt/ml/input/data/val/val.csv"}',
      SM_USER_ENTRY_POINT: 'run_glue.py',
      SM_FRAMEWORK_PARAMS: '{}',
      SM_RESOURCE_CONFIG:
        '{"current_group_name":"homogeneousCluster","current_host":"algo-1","current_instance_type":"ml.g5.xlarge","hosts":["algo-1"],"instance_groups":[{"hosts":["algo-1"],"instance_group_name":"homogeneousCluster","instance_type":"ml.g5.xlarge"}],"network_interface_name":"eth0"}',
      SM_INPUT_DATA_CONFIG:
        '{"test":{"RecordWrapperType":"None","S3DistributionType":"FullyReplicated","TrainingInputMode":"File"},"train":{"RecordWrapperType":"None","S3DistributionType":"FullyReplicated","TrainingInputMode":"File"},"val":{"RecordWrapperType":"None","S3DistributionType":"FullyReplicated","TrainingInputMode":"File"}}',
      SM_OUTPUT_DATA_DIR: '/opt/ml/output/data',
      SM_CHANNELS: '["test","train","val"]',
      SM_CURRENT_HOST: 'algo-1',
      SM_MODULE_NAME: 'run_glue',
      SM_LOG_LEVEL: '20',
      SM_FRAMEWORK_MODULE: 'sagemaker_pytorch_container.training:main',
      SM_INPUT_DIR: '/opt/ml/input',
      SM_INPUT_CONFIG_DIR: '/opt/ml/input/config',
      SM_OUTPUT_DIR: '/opt/ml/output',
      SM_NUM_CPUS: '4',
      SM_NUM_GPUS: '1',
      SM_MODEL_DIR: '/opt/ml/model',
      SM_MODULE_DIR: 's3://sagemaker-us-east-1-635837196364/huggingface-pytorch-training-2022-05-12-09-01-22-376/source/sourcedir.tar.gz',
      SM_USER_ARGS:
        '["--do_eval","True","--do_train","True","--learning_rate","3e-05","--max_seq_length","128","--model_name_or_path","uer/chinese_roberta_L-12_H-768","--num_train_epochs","1","--output_dir","/opt/ml/model/chinese_roberta","--per_device_train_batch_size","64","--train_file","/opt/ml/input/data/train/train.csv","--validation_file","/opt/ml/input/data/val/val.csv"]',
      SM_OUTPUT_INTERMEDIATE_DIR: '/opt/ml/output/intermediate',
      SM_CHANNEL_TEST: '/opt/ml/input/data/test',
      SM_CHANNEL_TRAIN: '/opt/ml/input/data/train',
      SM_CHANNEL_VAL: '/opt/ml/input/data/val',
      SM_HP_DO_EVAL: 'true',
      SM_HP_DO_TRAIN: 'true',
      SM_HP_LEARNING_RATE: '3e-05',
      SM_HP_MAX_SEQ_LENGTH: '128',
      SM_HP_MODEL_NAME_OR_PATH: 'uer/chinese_roberta_L-12_H-768',
      SM_HP_NUM_TRAIN_EPOCHS: '1',
      SM_HP_OUTPUT_DIR: '/opt/ml/model/chinese_roberta',
      SM_HP_PER_DEVICE_TRAIN_BATCH_SIZE: '64',
      SM_HP_TRAIN_FILE: '/opt/ml/input/data/train/train.csv',
      SM_HP_VALIDATION_FILE: '/opt/ml/input/data/val/val.csv',
    };
    for (const [name, value] of Object.entries(observed)) assert.equal(contract.env[name], value, name);
    assert.equal(
      contract.processCommand.join(' '),
      '/opt/conda/bin/python3.8 run_glue.py --do_eval True --do_train True --learning_rate 3e-05 --max_seq_length 128 --model_name_or_path uer/chinese_roberta_L-12_H-768 --num_train_epochs 1 --output_dir /opt/ml/model/chinese_roberta --per_device_train_batch_size 64 --train_file /opt/ml/input/data/train/train.csv --validation_file /opt/ml/input/data/val/val.csv',
    );
    // The parts of SM_TRAINING_ENV that toolkit version printed as well.
    const trainingEnv = JSON.parse(contract.env.SM_TRAINING_ENV!) as Record<string, unknown>;
    assert.equal(trainingEnv.is_master, true);
    assert.equal(trainingEnv.master_hostname, 'algo-1');
    assert.equal(trainingEnv.job_name, 'huggingface-pytorch-training-2022-05-12-09-01-22-376');
    assert.deepEqual(trainingEnv.channel_input_dirs, { test: '/opt/ml/input/data/test', train: '/opt/ml/input/data/train', val: '/opt/ml/input/data/val' });
  });

  it('puts every Environment property in SM_TRAINING_ENV (dict(self) of the current toolkit)', () => {
    const trainingEnv = JSON.parse(computeContainerContract(blogInput()).env.SM_TRAINING_ENV!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(trainingEnv), [
      'additional_framework_parameters',
      'channel_input_dirs',
      'current_host',
      'current_instance_group',
      'current_instance_group_hosts',
      'current_instance_type',
      'distribution_hosts',
      'distribution_instance_groups',
      'framework_module',
      'hosts',
      'hyperparameters',
      'input_config_dir',
      'input_data_config',
      'input_dir',
      'instance_groups',
      'instance_groups_dict',
      'is_hetero',
      'is_master',
      'is_modelparallel_enabled',
      'is_smddpmprun_installed',
      'is_smddprun_installed',
      'job_name',
      'log_level',
      'master_hostname',
      'model_dir',
      'module_dir',
      'module_name',
      'network_interface_name',
      'num_cpus',
      'num_gpus',
      'num_neurons',
      'output_data_dir',
      'output_dir',
      'output_intermediate_dir',
      'resource_config',
      'topology',
      'user_entry_point',
    ]);
    assert.equal(trainingEnv.is_master, false, 'algo-2 is not the master');
    assert.deepEqual(trainingEnv.distribution_hosts, ['algo-1', 'algo-2'], 'smddp makes the group distributed');
    assert.equal(trainingEnv.is_modelparallel_enabled, null, 'read before SM_HP_MP_PARAMETERS is exported');
  });

  it('JSON-encodes non-strings compactly with sorted keys and ensure_ascii; strings stay raw', () => {
    const env = computeContainerContract(
      blogInput({ hyperparameters: { city: '"Z\\u00fcrich"', emoji: '"\\ud83d\\ude00"', limits: '{"b": 1.0, "a": [true, null]}', sagemaker_program: '"t.py"' } }),
    ).env;
    assert.equal(env.SM_HP_CITY, 'Zürich');
    assert.equal(env.SM_HP_EMOJI, '\u{1F600}');
    assert.equal(env.SM_HP_LIMITS, '{"a":[true,null],"b":1.0}');
    assert.equal(env.SM_HPS, '{"city":"Z\\u00fcrich","emoji":"\\ud83d\\ude00","limits":{"a":[true,null],"b":1.0}}');
  });

  it('passes the framework parameters and the toolkit-level variables', () => {
    const env = computeContainerContract(blogInput()).env;
    assert.equal(
      env.SM_FRAMEWORK_PARAMS,
      '{"sagemaker_distributed_dataparallel_custom_mpi_options":"","sagemaker_distributed_dataparallel_enabled":true,"sagemaker_instance_type":"ml.p3dn.24xlarge"}',
    );
    assert.equal(env.SM_MODULE_NAME, 'run_summarization');
    assert.equal(env.SM_USER_ENTRY_POINT, 'run_summarization.py');
    assert.equal(env.SM_LOG_LEVEL, '20');
    assert.equal(env.SM_IS_HETERO, 'false');
    assert.equal(env.SM_DISTRIBUTION_INSTANCE_GROUPS, '["homogeneousCluster"]');
    // Environment.__init__ writes these into os.environ.
    assert.equal(env.SAGEMAKER_JOB_NAME, 'huggingface-pytorch-training-2021-04-01-13-00-35-123');
    assert.equal(env.CURRENT_HOST, 'algo-2');
    assert.equal(env.SAGEMAKER_REGION, 'us-east-1');
    assert.equal(env.TRAINING_JOB_NAME, 'huggingface-pytorch-training-2021-04-01-13-00-35-123');
    // PTK _set_nccl_environment / _set_distributed_environment.
    assert.equal(env.MASTER_ADDR, 'algo-1');
    assert.equal(env.MASTER_PORT, '7777');
    assert.equal(env.NCCL_SOCKET_IFNAME, 'eth0');
    assert.equal(env.NCCL_IB_DISABLE, '1');
    assert.equal(env.PYTHONPATH, '/opt/ml/code');
    assert.equal(env.SAGEMAKER_BASE_DIR, undefined, 'only a local run sets it');
  });

  it('exports what SMDataParallelRunner passes to every rank with mpirun -x', () => {
    const contract = computeContainerContract(blogInput());
    assert.equal(contract.runner, 'smdataparallel');
    assert.equal(contract.env.SMDATAPARALLEL_USE_HOMOGENEOUS, '1');
    assert.equal(contract.env.SMDATAPARALLEL_SERVER_ADDR, 'algo-1');
    assert.equal(contract.env.SMDATAPARALLEL_SERVER_PORT, '7592');
    assert.equal(contract.env.SAGEMAKER_INSTANCE_TYPE, 'ml.p3dn.24xlarge');
    assert.equal(contract.env.FI_PROVIDER, 'efa');
    assert.equal(contract.env.NCCL_PROTO, 'simple', 'p3dn is an EFA instance');
    assert.equal(contract.env.NCCL_DEBUG, 'INFO', '_parse_custom_mpi_options default');
    assert.equal(contract.containerCommand, undefined, 'the mpirun line is built in the container');
    const single = computeContainerContract(blogInput({ hosts: ['algo-1'], currentHost: 'algo-1' }));
    assert.equal(single.env.SMDATAPARALLEL_USE_SINGLENODE, '1');
    assert.equal(single.env.SMDATAPARALLEL_SERVER_ADDR, undefined);
  });

  it('gives torch_distributed the torchrun command and a one-process-per-host worker environment', () => {
    const contract = computeContainerContract(
      blogInput({
        hyperparameters: { epochs: '1', sagemaker_program: '"train.py"', sagemaker_torch_distributed_enabled: 'true', sagemaker_instance_type: '"ml.p4d.24xlarge"' },
        instanceType: 'ml.p4d.24xlarge',
        hosts: ['algo-1', 'algo-2', 'algo-3'],
        currentHost: 'algo-3',
        numGpus: 8,
      }),
    );
    assert.equal(contract.runner, 'torch_distributed');
    assert.deepEqual(contract.containerCommand, [
      'torchrun',
      '--nnodes',
      '3',
      '--nproc_per_node',
      '8',
      '--master_addr',
      'algo-1',
      '--master_port',
      '7777',
      '--node_rank',
      '2',
      'train.py',
      '--epochs',
      '1',
    ]);
    const env = contract.env;
    assert.deepEqual(
      [env.RANK, env.LOCAL_RANK, env.WORLD_SIZE, env.LOCAL_WORLD_SIZE, env.GROUP_RANK, env.NODE_RANK, env.MASTER_ADDR, env.MASTER_PORT],
      ['2', '0', '3', '1', '2', '2', 'algo-1', '7777'],
    );
    assert.equal(env.FI_EFA_USE_DEVICE_RDMA, '1', 'p4d has EFA RDMA');
    assert.equal(env.NCCL_PROTO, 'simple');
    // torchrun's agent state, as LocalElasticAgent._start_workers passes it (static rendezvous: the agent's store).
    assert.deepEqual([env.TORCHELASTIC_RESTART_COUNT, env.TORCHELASTIC_MAX_RESTARTS, env.TORCHELASTIC_RUN_ID, env.TORCHELASTIC_USE_AGENT_STORE], ['0', '0', 'none', 'True']);
    assert.deepEqual(contract.localOnlyEnv, ['NODE_RANK']);
  });

  it("gives a one-host torch_distributed job torchrun's default rendezvous, 127.0.0.1:29500, not the toolkit's", () => {
    const contract = computeContainerContract(
      blogInput({
        hyperparameters: { sagemaker_program: '"train.py"', sagemaker_torch_distributed_enabled: 'true', sagemaker_instance_type: '"ml.g5.12xlarge"' },
        instanceType: 'ml.g5.12xlarge',
        hosts: ['algo-1'],
        currentHost: 'algo-1',
        numGpus: 4,
      }),
    );
    assert.deepEqual(contract.containerCommand, ['torchrun', '--nnodes', '1', '--nproc_per_node', '4', 'train.py']);
    assert.deepEqual([contract.env.MASTER_ADDR, contract.env.MASTER_PORT, contract.env.WORLD_SIZE], ['127.0.0.1', '29500', '1']);
  });

  it('runs torch_distributed locally with the rendezvous given, rank 0 serving the store, and says what SageMaker does instead', () => {
    const contract = computeContainerContract(
      blogInput({
        hyperparameters: { sagemaker_program: '"train.py"', sagemaker_torch_distributed_enabled: 'true', sagemaker_instance_type: '"ml.g5.xlarge"' },
        instanceType: 'ml.g5.xlarge',
        hosts: ['algo-1', 'algo-2'],
        currentHost: 'algo-2',
        rendezvous: { address: '127.0.0.1', port: 40123 },
      }),
    );
    const env = contract.env;
    assert.deepEqual([env.MASTER_ADDR, env.MASTER_PORT, env.RANK, env.WORLD_SIZE, env.LOCAL_RANK], ['127.0.0.1', '40123', '1', '2', '0']);
    assert.equal(env.TORCHELASTIC_USE_AGENT_STORE, 'False', 'no torchrun agent serves a store here');
    assert.ok(contract.notes.includes('MASTER_ADDR/MASTER_PORT are 127.0.0.1:40123 here; on SageMaker they are algo-1:7777.'), contract.notes.join('\n'));
    assert.ok(contract.notes.some((n) => n.startsWith('On SageMaker torchrun starts train.py on each host')));
  });

  it('points the rendezvous elsewhere when asked, and says so', () => {
    const contract = computeContainerContract(blogInput({ rendezvous: { address: '127.0.0.1', port: 40123 }, baseDir: '/tmp/job/algo-2/opt/ml' }));
    assert.equal(contract.env.MASTER_ADDR, '127.0.0.1');
    assert.equal(contract.env.MASTER_PORT, '40123');
    assert.equal(contract.env.SAGEMAKER_BASE_DIR, '/tmp/job/algo-2/opt/ml');
    assert.equal(contract.env.SM_MODEL_DIR, '/tmp/job/algo-2/opt/ml/model');
    assert.ok(contract.notes.some((n) => n.includes('algo-1:7777')));
  });

  it('runs a plain process without distribution, and the package or shell forms of TK ProcessRunner._create_command', () => {
    const plain = computeContainerContract(blogInput({ hyperparameters: { sagemaker_program: '"train.py"', lr: '0.1' }, hosts: ['algo-1'], currentHost: 'algo-1' }));
    assert.equal(plain.runner, 'process');
    assert.deepEqual(plain.containerCommand, ['/opt/conda/bin/python3.6', 'train.py', '--lr', '0.1']);
    assert.equal(plain.env.SM_DISTRIBUTION_INSTANCE_GROUPS, '[]');
    const pkg = computeContainerContract(blogInput({ hyperparameters: { sagemaker_program: '"my.pytrain.py"' }, codeDirEntries: ['setup.py', 'my.pytrain.py'] }));
    assert.deepEqual(pkg.processCommand, ['/opt/conda/bin/python3.6', '-m', 'mytrain'], 'str.replace(".py", "") removes every occurrence');
    const shell = computeContainerContract(blogInput({ hyperparameters: { sagemaker_program: '"run.sh"', text: '"a b"' } }));
    assert.deepEqual(shell.processCommand, ['/bin/sh', '-c', "./run.sh --text 'a b'"]);
  });

  it('warns where the toolkit shell would split or interpret a value', () => {
    const contract = computeContainerContract(blogInput({ hyperparameters: { sagemaker_program: '"t.py"', prefix: '"summarize: "', ok: '"plain"' } }));
    assert.equal(contract.notes.filter((n) => n.startsWith('--prefix')).length, 1);
    assert.equal(
      contract.notes.some((n) => n.startsWith('--ok')),
      false,
    );
  });
});

describe('config files (what the platform writes to /opt/ml/input/config)', () => {
  it('writes the encoded hyperparameters, the resource config and the input data config', () => {
    const contract = computeContainerContract(
      blogInput({
        channels: [
          { name: 'train', contentType: 'application/jsonlines' },
          { name: 'test', distribution: 'ShardedByS3Key' },
        ],
      }),
    );
    assert.deepEqual(JSON.parse(contract.configFiles['hyperparameters.json']), blogHyperparameters);
    assert.deepEqual(JSON.parse(contract.configFiles['resourceconfig.json']), {
      current_host: 'algo-2',
      current_instance_type: 'ml.p3dn.24xlarge',
      current_group_name: 'homogeneousCluster',
      hosts: ['algo-1', 'algo-2'],
      instance_groups: [{ instance_group_name: 'homogeneousCluster', instance_type: 'ml.p3dn.24xlarge', hosts: ['algo-1', 'algo-2'] }],
      network_interface_name: 'eth0',
    });
    assert.deepEqual(JSON.parse(contract.configFiles['inputdataconfig.json']), {
      train: { ContentType: 'application/jsonlines', TrainingInputMode: 'File', S3DistributionType: 'FullyReplicated', RecordWrapperType: 'None' },
      test: { TrainingInputMode: 'File', S3DistributionType: 'ShardedByS3Key', RecordWrapperType: 'None' },
    });
    assert.equal(contract.env.SM_CHANNELS, '["test","train"]');
  });
});

describe('a heterogeneous cluster (instance_groups): each host sees its own group (TK environment.py, PTK train())', () => {
  // Two groups, hosts numbered across them: data = algo-1 (a CPU type), train = algo-2, algo-3.
  const groups = [
    { name: 'data', instanceType: 'ml.c5.xlarge', hosts: ['algo-1'] },
    { name: 'train', instanceType: 'ml.p3.16xlarge', hosts: ['algo-2', 'algo-3'] },
  ];
  const hosts = ['algo-1', 'algo-2', 'algo-3'];
  // What the SDK sends for mpi with distribution.instance_groups: [train] (golden instance-groups-mpi-train-group).
  const mpiTrainGroup: Record<string, string> = {
    lr: '0.1',
    sagemaker_program: '"train.py"',
    sagemaker_job_name: '"hetero-job"',
    sagemaker_distribution_instance_groups: '["train"]',
    sagemaker_mpi_enabled: 'true',
    sagemaker_mpi_num_of_processes_per_host: '8',
    sagemaker_mpi_custom_mpi_options: '""',
  };
  // What it sends for torch_distributed: the flag alone, no group (golden instance-groups-torch-distributed).
  const torchDistributed: Record<string, string> = { lr: '0.1', sagemaker_program: '"train.py"', sagemaker_torch_distributed_enabled: 'true' };
  const contractOf = (currentHost: string, hyperparameters: Record<string, string>, extra: Partial<ContainerContractInput> = {}) =>
    computeContainerContract(
      blogInput({ hyperparameters, hosts, currentHost, instanceType: 'ignored-with-groups', instanceGroups: groups, jobName: 'hetero-job', numGpus: 8, ...extra }),
    );
  const dict = {
    data: { hosts: ['algo-1'], instance_group_name: 'data', instance_type: 'ml.c5.xlarge' },
    train: { hosts: ['algo-2', 'algo-3'], instance_group_name: 'train', instance_type: 'ml.p3.16xlarge' },
  };

  it("writes each host's resourceconfig.json with its own group and type, every host and every group", () => {
    assert.equal(
      contractOf('algo-3', mpiTrainGroup).configFiles['resourceconfig.json'],
      JSON.stringify({
        current_host: 'algo-3',
        current_instance_type: 'ml.p3.16xlarge',
        current_group_name: 'train',
        hosts: ['algo-1', 'algo-2', 'algo-3'],
        instance_groups: [
          { instance_group_name: 'data', instance_type: 'ml.c5.xlarge', hosts: ['algo-1'] },
          { instance_group_name: 'train', instance_type: 'ml.p3.16xlarge', hosts: ['algo-2', 'algo-3'] },
        ],
        network_interface_name: 'eth0',
      }),
    );
    const data = JSON.parse(contractOf('algo-1', mpiTrainGroup).configFiles['resourceconfig.json']) as Record<string, unknown>;
    assert.deepEqual([data.current_host, data.current_group_name, data.current_instance_type], ['algo-1', 'data', 'ml.c5.xlarge']);
  });

  it('exports the SM_* instance-group variables per host (Environment.to_env_vars), the training group from sagemaker_distribution_instance_groups', () => {
    const expected: Record<string, [string, string, string]> = {
      'algo-1': ['data', 'ml.c5.xlarge', '["algo-1"]'],
      'algo-2': ['train', 'ml.p3.16xlarge', '["algo-2","algo-3"]'],
      'algo-3': ['train', 'ml.p3.16xlarge', '["algo-2","algo-3"]'],
    };
    for (const [host, [group, type, groupHosts]] of Object.entries(expected)) {
      const env = contractOf(host, mpiTrainGroup).env;
      assert.deepEqual(
        [env.SM_CURRENT_HOST, env.SM_CURRENT_INSTANCE_GROUP, env.SM_CURRENT_INSTANCE_TYPE, env.SM_CURRENT_INSTANCE_GROUP_HOSTS],
        [host, group, type, groupHosts],
        host,
      );
      assert.equal(env.SM_HOSTS, '["algo-1","algo-2","algo-3"]');
      assert.equal(env.SM_INSTANCE_GROUPS, '["data","train"]');
      assert.equal(env.SM_INSTANCE_GROUPS_DICT, JSON.stringify(dict));
      assert.equal(env.SM_DISTRIBUTION_INSTANCE_GROUPS, '["train"]');
      assert.equal(env.SM_IS_HETERO, 'true');
      const training = JSON.parse(env.SM_TRAINING_ENV!) as Record<string, unknown>;
      assert.deepEqual(training.distribution_hosts, ['algo-2', 'algo-3'], 'get_distribution_hosts: the training group only');
      assert.equal(training.master_hostname, 'algo-2', 'get_master_hostname: the first distribution host, not algo-1');
      assert.equal(training.is_master, host === 'algo-2');
      assert.equal(training.current_instance_type, type);
      assert.equal(training.is_hetero, true);
      // PTK _set_distributed_environment: every host, trainer or not, gets the master's name.
      assert.equal(env.MASTER_ADDR, 'algo-2');
    }
  });

  it('starts the distribution runner only on the training group: the other group runs the script plainly (PTK train())', () => {
    const data = contractOf('algo-1', mpiTrainGroup);
    assert.equal(data.runner, 'process');
    assert.deepEqual(data.containerCommand, ['/opt/conda/bin/python3.6', 'train.py', '--lr', '0.1']);
    assert.deepEqual(data.distributionHosts, ['algo-2', 'algo-3']);
    assert.deepEqual([data.instanceGroup, data.instanceType, data.isMaster, data.hostIndex], ['data', 'ml.c5.xlarge', false, 0]);
    for (const host of ['algo-2', 'algo-3']) assert.equal(contractOf(host, mpiTrainGroup).runner, 'mpi', host);
    assert.ok(contractOf('algo-3', mpiTrainGroup).notes.some((n) => n.startsWith('On SageMaker algo-2 starts the ranks with mpirun')));
  });

  it('makes every group its own world under torch_distributed without a training group (the toolkit names each host its own group)', () => {
    const data = contractOf('algo-1', torchDistributed);
    const third = contractOf('algo-3', torchDistributed);
    assert.equal(data.env.SM_DISTRIBUTION_INSTANCE_GROUPS, '["data"]');
    assert.equal(third.env.SM_DISTRIBUTION_INSTANCE_GROUPS, '["train"]');
    assert.deepEqual([data.runner, data.masterHostname, data.isMaster, data.env.WORLD_SIZE, data.env.RANK], ['torch_distributed', 'algo-1', true, '1', '0']);
    assert.deepEqual(data.containerCommand, ['torchrun', '--nnodes', '1', '--nproc_per_node', '8', 'train.py', '--lr', '0.1']);
    // TK TorchDistributedRunner gets env.distribution_hosts: node rank is algo-3's place in the train group.
    assert.deepEqual(third.containerCommand, [
      'torchrun',
      '--nnodes',
      '2',
      '--nproc_per_node',
      '8',
      '--master_addr',
      'algo-2',
      '--master_port',
      '7777',
      '--node_rank',
      '1',
      'train.py',
      '--lr',
      '0.1',
    ]);
    assert.deepEqual([third.env.RANK, third.env.WORLD_SIZE, third.env.MASTER_ADDR], ['1', '2', 'algo-2']);
  });

  it("points each world at its own master's local port when given one per master", () => {
    const rendezvous = { address: '127.0.0.1', port: 40000, portByMaster: { 'algo-1': 40001, 'algo-2': 40002 } };
    assert.equal(contractOf('algo-1', torchDistributed, { rendezvous }).env.MASTER_PORT, '40001');
    assert.equal(contractOf('algo-3', torchDistributed, { rendezvous }).env.MASTER_PORT, '40002');
    assert.equal(contractOf('algo-1', mpiTrainGroup, { rendezvous }).env.MASTER_PORT, '40002', 'a host outside the training group still points at its master');
  });

  it('has no distribution hosts without a distribution: algo-1 is master, and the cluster is still hetero', () => {
    const contract = contractOf('algo-3', { sagemaker_program: '"train.py"' });
    assert.deepEqual([contract.runner, contract.masterHostname, contract.env.SM_DISTRIBUTION_INSTANCE_GROUPS, contract.env.SM_IS_HETERO], ['process', 'algo-1', '[]', 'true']);
  });

  it('keys SM_INSTANCE_GROUPS_DICT by name as the toolkit does: a repeated name keeps its first place and its last group', () => {
    const same = [
      { name: 'g', instanceType: 'ml.c5.xlarge', hosts: ['algo-1'] },
      { name: 'g', instanceType: 'ml.g5.xlarge', hosts: ['algo-2'] },
    ];
    const env = computeContainerContract(
      blogInput({ hosts: ['algo-1', 'algo-2'], currentHost: 'algo-2', instanceGroups: same, hyperparameters: { sagemaker_program: '"t.py"' } }),
    ).env;
    assert.equal(env.SM_INSTANCE_GROUPS, '["g","g"]');
    assert.equal(env.SM_INSTANCE_GROUPS_DICT, '{"g":{"hosts":["algo-2"],"instance_group_name":"g","instance_type":"ml.g5.xlarge"}}');
    // get_current_instance_group_hosts returns the first group of that name; the type is the host's own.
    assert.deepEqual([env.SM_CURRENT_INSTANCE_GROUP_HOSTS, env.SM_CURRENT_INSTANCE_TYPE], ['["algo-1"]', 'ml.g5.xlarge']);
  });

  it('refuses a host that no group lists', () => {
    assert.throws(() => contractOf('algo-1', mpiTrainGroup, { instanceGroups: [groups[1]!] }), /Host algo-1 is in none of the instance groups train/);
  });

  it("leaves a channel for other groups out of a host's view: paths, inputdataconfig.json, SM_CHANNELS, SM_CHANNEL_*", () => {
    const channels = [
      { name: 'raw', instanceGroups: ['data'] },
      { name: 'shards', distribution: 'ShardedByS3Key' as const, instanceGroups: ['train'] },
      { name: 'config' },
      { name: 'both', instanceGroups: ['train', 'data'] },
    ];
    const data = contractOf('algo-1', mpiTrainGroup, { channels });
    const train = contractOf('algo-3', mpiTrainGroup, { channels });
    assert.deepEqual(Object.keys(data.paths.channelDirs), ['raw', 'config', 'both']);
    assert.deepEqual(Object.keys(train.paths.channelDirs), ['shards', 'config', 'both']);
    assert.deepEqual(Object.keys(JSON.parse(data.configFiles['inputdataconfig.json']) as object), ['raw', 'config', 'both']);
    assert.equal(data.env.SM_CHANNELS, '["both","config","raw"]');
    assert.equal(train.env.SM_CHANNELS, '["both","config","shards"]');
    assert.deepEqual([data.env.SM_CHANNEL_RAW, data.env.SM_CHANNEL_SHARDS, train.env.SM_CHANNEL_RAW], ['/opt/ml/input/data/raw', undefined, undefined]);
    assert.deepEqual(Object.keys((JSON.parse(data.env.SM_TRAINING_ENV!) as { channel_input_dirs: object }).channel_input_dirs).sort(), ['both', 'config', 'raw']);
    assert.deepEqual(
      data.notes.filter((n) => n.startsWith('Channel ')),
      [
        "Channel shards is for instance group(s) train only: this host (group data) has no /opt/ml/input/data/shards, no SM_CHANNEL_SHARDS and no shards in SM_CHANNELS or inputdataconfig.json. SageMaker documents only that the listed groups get the data; a local run leaves the channel out of other hosts' view entirely.",
      ],
    );
    // A homogeneous job (no groups) gives every channel without groups to every host.
    const plain = computeContainerContract(blogInput({ channels: [{ name: 'train' }, { name: 'test' }] }));
    assert.deepEqual(Object.keys(plain.paths.channelDirs), ['train', 'test']);
  });
});

describe('failure reason (TK process.watch, process.check_error, errors._CalledProcessError)', () => {
  const stderr = [
    'Traceback (most recent call last):',
    '  File "train.py", line 12, in <module>',
    '    main()',
    '  File "train.py", line 9, in main',
    '    raise ValueError("learning_rate must be positive")',
    'ValueError: learning_rate must be positive',
  ];

  it('keeps the lines from the first one naming an error class, stripped of " :" and de-duplicated', () => {
    assert.equal(toolkitErrorMessage(['epoch 1', 'epoch 2'], stderr), 'raise ValueError("learning_rate must be positive")\n ValueError: learning_rate must be positive');
    assert.equal(toolkitErrorMessage(['fine'], ['exit without a Python error']), '');
  });

  it('writes the failure file as str(ExecuteUserScriptError) and the reason SageMaker reports', () => {
    const text = failureFileText({ errorClass: 'ExecuteUserScriptError', exitCode: 1, errorMessage: 'ValueError: boom', command: '/usr/bin/python3 train.py --lr -1' });
    assert.equal(text, 'ExecuteUserScriptError:\nExitCode 1\nErrorMessage "ValueError: boom"\nCommand "/usr/bin/python3 train.py --lr -1"');
    assert.equal(failureReasonFromFile(text), `AlgorithmError: ${text}`);
    assert.equal(failureReasonFromFile('x'.repeat(2000)).length, 'AlgorithmError: '.length + 1024);
  });

  it('adds the out-of-memory hint for exit code 137', () => {
    assert.match(
      failureFileText({ errorClass: 'ExecuteUserScriptError', exitCode: 137, errorMessage: '', command: 'python t.py' }),
      /ExtraInfo "OutOfMemory: Process killed by SIGKILL \(signal 9\)"/,
    );
  });
});

describe('Python values', () => {
  it('parses like json.loads: later duplicate keys win in the first position, NaN is accepted, garbage is an error', () => {
    assert.equal(pythonRepr(parsePythonJson('{"a": 1, "b": 2, "a": 3}')), "{'a': 3, 'b': 2}");
    assert.equal(pythonStr(parsePythonJson(' NaN ')), 'nan');
    assert.equal(pythonStr(parsePythonJson('-Infinity')), '-inf');
    assert.equal(pythonStr(parsePythonJson('-0.0')), '-0.0');
    for (const bad of ['True', '01', '1.', '.5', '"a', '[1,]', '{"a" 1}', '"tab\there"', '1 2']) {
      assert.throws(() => parsePythonJson(bad), { code: 'PythonJsonDecodeError' }, bad);
    }
  });

  it('dumps with Python separators unless compact', () => {
    const value = parsePythonJson('{"b": [1, 2.0], "a": "x"}');
    assert.equal(pythonJsonDumps(value), '{"b": [1, 2.0], "a": "x"}');
    assert.equal(pythonJsonDumps(value, { compact: true, sortKeys: true }), '{"a":"x","b":[1,2.0]}');
  });
});
