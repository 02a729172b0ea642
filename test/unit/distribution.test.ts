/**
 * The distribution owner (src/core/sagemaker/distribution.ts), one table: for each job-file
 * `distribution:`, the `sagemaker_*` hyperparameters SageMaker Python SDK v2.257.6 writes (read
 * from huggingface/estimator.py `_huggingface_distribution_configuration` and estimator.py
 * `Framework._distribution_configuration`; the cases the request goldens also cover say so), the
 * runner the PyTorch training toolkit's `train()` picks from them, the processes per host
 * (runner.py `_get_by_runner_type`, on a host with 8 GPUs), the model card's words, and the block
 * Clone as Job File writes back. Every row is run through every caller: the request builder, the
 * local backend's encoder, the container contract, the model card and the clone.
 *
 * Rows marked `was:` are where the copies this owner replaced disagreed with the SDK.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';

import { computeContainerContract } from '../../src/core/contract/containerContract';
import { pythonToJs } from '../../src/core/contract/pythonValue';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';
import { createModelCard } from '../../src/core/modelCard/modelCard';
import { modelCardJobFromDescription, modelCardJobFromSpec } from '../../src/core/modelCard/modelCardJob';
import {
  describeDistribution,
  describeJobFileDistribution,
  DISTRIBUTION_HYPERPARAMETER_KEYS,
  DISTRIBUTION_STRATEGIES,
  distributionFlagged,
  distributionFromHyperparameters,
  enabledStrategies,
  processesPerHost,
  sdkDistributionHyperparameters,
  sdkDistributionRefusals,
  toolkitRunner,
} from '../../src/core/sagemaker/distribution';
import type { ToolkitRunner } from '../../src/core/sagemaker/distribution';
import { decodeHyperparameters } from '../../src/core/sagemaker/hyperparameters';
import { buildTrainingJobPlan } from '../../src/core/training/createTrainingJobRequest';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';
import { encodeSpecHyperparameters } from '../../src/local/localJobOptions';

const INSTANCE = 'ml.p4d.24xlarge';
const ROLE = 'arn:aws:iam::111122223333:role/SageMakerRole';

interface Row {
  name: string;
  distribution: Record<string, unknown> | undefined;
  /** The SDK's distribution hyperparameters, in its order, `json.dumps`-encoded. */
  sdk: Array<[string, string]>;
  runner: ToolkitRunner;
  processesPerHost: number;
  description: string | undefined;
  /** What Clone as Job File writes back (undefined: no distribution key). */
  clone: Record<string, unknown> | undefined;
  /** The replaced copy that wrote something else. */
  was?: string;
}

const MP_PARAMETERS = { microbatches: 4, partitions: 2, ddp: true };

const TABLE: Row[] = [
  { name: 'no distribution', distribution: undefined, sdk: [], runner: 'process', processesPerHost: 8, description: undefined, clone: undefined },
  {
    name: 'pytorchddp (golden: pytorchddp)',
    distribution: { pytorchddp: { enabled: true } },
    sdk: [
      ['sagemaker_pytorch_ddp_enabled', 'true'],
      ['sagemaker_instance_type', `"${INSTANCE}"`],
    ],
    runner: 'smdataparallel',
    processesPerHost: 8,
    description: 'PyTorch DistributedDataParallel (pytorchddp)',
    clone: { pytorchddp: { enabled: true } },
  },
  {
    name: 'torch_distributed (golden: torch-distributed)',
    distribution: { torch_distributed: { enabled: true } },
    sdk: [
      ['sagemaker_torch_distributed_enabled', 'true'],
      ['sagemaker_instance_type', `"${INSTANCE}"`],
    ],
    runner: 'torch_distributed',
    processesPerHost: 8,
    description: 'torchrun (torch_distributed)',
    clone: { torch_distributed: { enabled: true } },
  },
  {
    name: 'mpi with processes_per_host and options (golden: mpi-custom-options)',
    distribution: { mpi: { enabled: true, processes_per_host: 4, custom_mpi_options: '-verbose' } },
    sdk: [
      ['sagemaker_mpi_enabled', 'true'],
      ['sagemaker_mpi_num_of_processes_per_host', '4'],
      ['sagemaker_mpi_custom_mpi_options', '"-verbose"'],
    ],
    runner: 'mpi',
    processesPerHost: 4,
    description: 'MPI, 4 processes per host',
    clone: { mpi: { enabled: true, processes_per_host: 4, custom_mpi_options: '-verbose' } },
  },
  {
    name: 'mpi without processes_per_host: not sent, so the toolkit starts one process per GPU',
    distribution: { mpi: { enabled: true } },
    sdk: [
      ['sagemaker_mpi_enabled', 'true'],
      ['sagemaker_mpi_custom_mpi_options', '""'],
    ],
    runner: 'mpi',
    processesPerHost: 8,
    description: 'MPI',
    clone: { mpi: { enabled: true } },
    was: 'the local encoder sent sagemaker_mpi_num_of_processes_per_host 1 (one process per host instead of one per GPU); the validator counted 3 keys',
  },
  {
    name: 'smdistributed.dataparallel with options (golden: smddp-custom-mpi-options)',
    distribution: { smdistributed: { dataparallel: { enabled: true, custom_mpi_options: '-x NCCL_DEBUG=WARN' } } },
    sdk: [
      ['sagemaker_distributed_dataparallel_enabled', 'true'],
      ['sagemaker_instance_type', `"${INSTANCE}"`],
      ['sagemaker_distributed_dataparallel_custom_mpi_options', '"-x NCCL_DEBUG=WARN"'],
    ],
    runner: 'smdataparallel',
    processesPerHost: 8,
    description: 'SageMaker distributed data parallel (smdistributed.dataparallel)',
    clone: { smdistributed: { dataparallel: { enabled: true, custom_mpi_options: '-x NCCL_DEBUG=WARN' } } },
  },
  {
    name: 'smdistributed.modelparallel under mpi (golden: smp-modelparallel-mpi)',
    distribution: { smdistributed: { modelparallel: { enabled: true, parameters: MP_PARAMETERS } }, mpi: { enabled: true, processes_per_host: 8 } },
    sdk: [
      ['sagemaker_mpi_enabled', 'true'],
      ['sagemaker_mpi_num_of_processes_per_host', '8'],
      ['sagemaker_mpi_custom_mpi_options', '""'],
      ['mp_parameters', '{"microbatches": 4, "partitions": 2, "ddp": true}'],
      ['sagemaker_distributed_dataparallel_enabled', 'false'],
      ['sagemaker_instance_type', `"${INSTANCE}"`],
    ],
    runner: 'mpi',
    processesPerHost: 8,
    description: 'SageMaker model parallel (smdistributed.modelparallel)',
    clone: { mpi: { enabled: true, processes_per_host: 8 }, smdistributed: { modelparallel: { enabled: true, parameters: MP_PARAMETERS } } },
    was: 'the local encoder left out sagemaker_distributed_dataparallel_enabled: false',
  },
  {
    name: 'a disabled pytorchddp block hides an enabled torch_distributed (the SDK tests pytorchddp first)',
    distribution: { pytorchddp: { enabled: false }, torch_distributed: { enabled: true } },
    sdk: [],
    runner: 'process',
    processesPerHost: 8,
    description: undefined,
    clone: undefined,
    was: 'the local encoder sent sagemaker_torch_distributed_enabled and the model card said torchrun',
  },
  {
    name: 'pytorchddp wins over torch_distributed',
    distribution: { pytorchddp: { enabled: true }, torch_distributed: { enabled: true } },
    sdk: [
      ['sagemaker_pytorch_ddp_enabled', 'true'],
      ['sagemaker_instance_type', `"${INSTANCE}"`],
    ],
    runner: 'smdataparallel',
    processesPerHost: 8,
    description: 'PyTorch DistributedDataParallel (pytorchddp)',
    clone: { pytorchddp: { enabled: true } },
    was: 'the local encoder sent both flags; the model card said torchrun',
  },
  {
    name: 'torch_distributed wins over smdistributed (golden: torch-distributed-overrides-smdistributed-p5)',
    distribution: { smdistributed: { dataparallel: { enabled: true } }, torch_distributed: { enabled: true } },
    sdk: [
      ['sagemaker_torch_distributed_enabled', 'true'],
      ['sagemaker_instance_type', `"${INSTANCE}"`],
    ],
    runner: 'torch_distributed',
    processesPerHost: 8,
    description: 'torchrun (torch_distributed)',
    clone: { torch_distributed: { enabled: true } },
    was: 'the local encoder sent both flags (the toolkit then ran torchrun all the same); the model card said smdistributed.dataparallel',
  },
  {
    name: 'a disabled torch_distributed falls through to mpi',
    distribution: { torch_distributed: { enabled: false }, mpi: { enabled: true, processes_per_host: 2 } },
    sdk: [
      ['sagemaker_mpi_enabled', 'true'],
      ['sagemaker_mpi_num_of_processes_per_host', '2'],
      ['sagemaker_mpi_custom_mpi_options', '""'],
    ],
    runner: 'mpi',
    processesPerHost: 2,
    description: 'MPI, 2 processes per host',
    clone: { mpi: { enabled: true, processes_per_host: 2 } },
  },
  {
    name: 'a disabled mpi block is still sent, as off',
    distribution: { mpi: { enabled: false } },
    sdk: [
      ['sagemaker_mpi_enabled', 'false'],
      ['sagemaker_mpi_custom_mpi_options', '""'],
    ],
    runner: 'process',
    processesPerHost: 8,
    description: undefined,
    clone: { mpi: { enabled: false } },
    was: 'the local encoder sent nothing',
  },
  {
    name: 'a disabled smdistributed.dataparallel is still sent, as off',
    distribution: { smdistributed: { dataparallel: { enabled: false } } },
    sdk: [
      ['sagemaker_distributed_dataparallel_enabled', 'false'],
      ['sagemaker_instance_type', `"${INSTANCE}"`],
    ],
    runner: 'process',
    processesPerHost: 8,
    description: undefined,
    clone: { smdistributed: { dataparallel: { enabled: false } } },
    was: 'the local encoder sent nothing',
  },
];

const BASE_SPEC: JobSpec = {
  entry_point: 'train.py',
  source_dir: './scripts',
  instance_type: INSTANCE,
  instance_count: 2,
  transformers_version: '4.36.0',
  pytorch_version: '2.1.0',
  py_version: 'py310',
  role: ROLE,
};

function specOf(row: Row): JobSpec {
  return row.distribution === undefined ? { ...BASE_SPEC } : { ...BASE_SPEC, distribution: row.distribution as JobSpec['distribution'] };
}

function requestOf(spec: JobSpec): Record<string, string> {
  return buildTrainingJobPlan({ spec, hyperparameters: {}, context: { region: 'us-east-1', accountId: '111122223333', now: new Date('2026-11-26T08:00:00.123Z') } })
    .createTrainingJob.HyperParameters!;
}

function distributionKeys(hyperparameters: Record<string, string>): Array<[string, string]> {
  return Object.entries(hyperparameters).filter(([key]) => DISTRIBUTION_HYPERPARAMETER_KEYS.has(key));
}

describe('distribution: one table, every caller', () => {
  for (const row of TABLE) {
    describe(row.name, () => {
      const decoded = decodeHyperparameters(Object.fromEntries(row.sdk));

      it('the SDK’s hyperparameters, in its order', () => {
        assert.deepEqual(sdkDistributionHyperparameters(row.distribution, { instanceType: INSTANCE }), row.sdk);
      });

      it('the request builder sends exactly those, after the five keys every job has', () => {
        const sent = Object.entries(requestOf(specOf(row)));
        assert.deepEqual(sent.slice(5), row.sdk);
        assert.deepEqual(distributionKeys(Object.fromEntries(sent)), row.sdk);
      });

      it(`a local run encodes the same${row.was ? ` (was: ${row.was})` : ''}`, () => {
        assert.deepEqual(distributionKeys(encodeSpecHyperparameters(specOf(row))), row.sdk);
      });

      it(`the toolkit runs ${row.runner} with ${row.processesPerHost} processes per host`, () => {
        assert.equal(toolkitRunner(decoded, distributionFlagged(decoded)), row.runner);
        assert.equal(processesPerHost(decoded, 8, 0), row.processesPerHost);
        const contract = computeContainerContract({
          hyperparameters: requestOf(specOf(row)),
          hosts: ['algo-1', 'algo-2'],
          currentHost: 'algo-2',
          channels: [],
          instanceType: INSTANCE,
          jobName: 'j',
          numGpus: 8,
          numCpus: 96,
          pythonExecutable: 'python3',
        });
        assert.equal(contract.runner, row.runner);
      });

      it(`people read: ${row.description ?? '(nothing)'}`, () => {
        assert.equal(describeDistribution(decoded), row.description);
        assert.equal(describeJobFileDistribution(row.distribution, INSTANCE), row.description);
        const line = (readme: string) => /^- Distribution: (.*)$/m.exec(readme)?.[1];
        const fromJob = modelCardJobFromDescription({
          TrainingJobName: 'j',
          HyperParameters: requestOf(specOf(row)),
          ResourceConfig: { InstanceType: INSTANCE, InstanceCount: 2 },
        });
        assert.equal(line(createModelCard({ files: {}, ...fromJob }).readme), row.description, 'card from the job');
        const fromSpec = modelCardJobFromSpec(specOf(row));
        assert.equal(line(createModelCard({ files: {}, ...fromSpec }).readme), row.description, 'card from the job file');
      });

      it('Clone as Job File writes the block back, and it plans to the same keys', () => {
        const clone = distributionFromHyperparameters(decoded);
        assert.deepEqual(clone === undefined ? undefined : pythonToJs(clone), row.clone);
        const text = jobFileFromDescription({ TrainingJobName: 'j', RoleArn: ROLE, HyperParameters: requestOf(specOf(row)) }).text;
        assert.deepEqual((parseYaml(text) as { distribution?: unknown }).distribution, row.clone);
        assert.deepEqual(sdkDistributionHyperparameters(row.clone, { instanceType: INSTANCE }), row.sdk);
      });
    });
  }
});

describe('distribution: the table itself', () => {
  it('each strategy alone picks the runner its row names, and writes only keys its row declares', () => {
    for (const strategy of DISTRIBUTION_STRATEGIES) {
      const block = strategy.runsUnder ? { [strategy.runsUnder]: { enabled: true } } : {};
      const distribution = nest(block, strategy.path, strategy.id === 'smdistributed.modelparallel' ? { enabled: true, parameters: { partitions: 2 } } : { enabled: true });
      const hyperparameters = sdkDistributionHyperparameters(distribution, { instanceType: INSTANCE });
      const own = strategy.sdkHyperparameters(distribution, { instanceType: INSTANCE });
      assert.ok(own.length > 0, strategy.id);
      for (const [key] of own) assert.ok(strategy.sdkKeys.includes(key), `${strategy.id} writes ${key}`);
      const decoded = decodeHyperparameters(Object.fromEntries(hyperparameters));
      assert.equal(toolkitRunner(decoded, distributionFlagged(decoded)), strategy.runner, strategy.id);
      assert.deepEqual(enabledStrategies(distribution), [strategy.id]);
    }
  });

  it('names the conflicts the validator reports, model parallel counting as one with its MPI', () => {
    assert.deepEqual(enabledStrategies({ smdistributed: { modelparallel: { enabled: true } }, mpi: { enabled: true } }), ['smdistributed.modelparallel']);
    assert.deepEqual(enabledStrategies({ pytorchddp: { enabled: true }, mpi: { enabled: true } }), ['pytorchddp', 'mpi']);
    assert.deepEqual(enabledStrategies({ smdistributed: { modelparallel: { enabled: true }, dataparallel: { enabled: true } }, mpi: { enabled: true } }), [
      'smdistributed.modelparallel',
      'smdistributed.dataparallel',
    ]);
    assert.deepEqual(enabledStrategies('not a map'), []);
  });

  it('reads malformed blocks (what the validator passes before the schema is satisfied) without throwing', () => {
    for (const d of [null, 'x', [], { mpi: 'yes' }, { smdistributed: [] }, { pytorchddp: null, torch_distributed: { enabled: 'true' } }]) {
      assert.doesNotThrow(() => sdkDistributionHyperparameters(d, { instanceType: '' }));
      assert.doesNotThrow(() => sdkDistributionRefusals({ distribution: d }));
    }
  });
});

/** The SDK's refusals: `HuggingFace(...)` / `fit()` raise, the plan refuses with the same code, the editor shows an error at the key. */
interface RefusalRow {
  name: string;
  spec: Partial<JobSpec> & { distribution: unknown };
  code: string | undefined;
  path?: string;
}

const REFUSALS: RefusalRow[] = [
  { name: 'torch_distributed with a supported PyTorch on a GPU', spec: { distribution: { torch_distributed: { enabled: true } } }, code: undefined },
  {
    name: 'torch_distributed with PyTorch 2.9.0 on a GPU (outside the SDK’s list)',
    spec: { transformers_version: '5.3.0', pytorch_version: '2.9.0', py_version: 'py312', distribution: { torch_distributed: { enabled: true } } },
    code: 'torch_distributed.frameworkVersion',
    path: 'pytorch_version',
  },
  {
    name: 'torch_distributed with a shortened PyTorch version (the SDK compares the text)',
    spec: { transformers_version: '4.36', pytorch_version: '2.1', distribution: { torch_distributed: { enabled: true } } },
    code: 'torch_distributed.frameworkVersion',
    path: 'pytorch_version',
  },
  {
    name: 'torch_distributed on Trainium checks the Trainium list',
    spec: { instance_type: 'ml.trn1.32xlarge', distribution: { torch_distributed: { enabled: true } } },
    code: 'torch_distributed.frameworkVersion',
    path: 'pytorch_version',
  },
  {
    name: 'torch_distributed on a CPU instance',
    spec: { instance_type: 'ml.c5.2xlarge', distribution: { torch_distributed: { enabled: true } } },
    code: 'torch_distributed.instanceType',
    path: 'instance_type',
  },
  {
    name: 'torch_distributed with a shell entry point',
    spec: { entry_point: 'train.sh', distribution: { torch_distributed: { enabled: true } } },
    code: 'torch_distributed.entryPoint',
    path: 'entry_point',
  },
  {
    name: 'image_uri skips the version and instance checks',
    spec: {
      instance_type: 'ml.c5.2xlarge',
      image_uri: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.9.0-transformers5.3.0-gpu-py312-cu130-ubuntu22.04',
      distribution: { torch_distributed: { enabled: true } },
    },
    code: undefined,
  },
  {
    name: 'a TensorFlow-based job is not checked for torch_distributed',
    spec: { pytorch_version: undefined, tensorflow_version: '2.6.3', transformers_version: '4.17.0', py_version: 'py38', distribution: { torch_distributed: { enabled: true } } },
    code: undefined,
  },
  {
    name: 'two smdistributed strategies, even behind an enabled pytorchddp (validate_smdistributed runs in HuggingFace(...))',
    spec: { distribution: { pytorchddp: { enabled: true }, smdistributed: { dataparallel: { enabled: false }, modelparallel: { enabled: false } } } },
    code: 'distribution.multipleSmdistributed',
    path: 'distribution.smdistributed',
  },
  {
    name: 'smdistributed on p5 without torch_distributed (golden: error-p5-smddp)',
    spec: { instance_type: 'ml.p5.48xlarge', distribution: { smdistributed: { dataparallel: { enabled: true } } } },
    code: 'distribution.p5Unsupported',
    path: 'instance_type',
  },
];

describe('distribution: what the SDK refuses', () => {
  for (const row of REFUSALS) {
    it(`${row.name}: ${row.code ?? 'accepted'}`, () => {
      const spec = { ...BASE_SPEC, ...row.spec } as JobSpec;
      const refusal = sdkDistributionRefusals(spec)[0];
      assert.equal(refusal?.code, row.code);
      if (row.code === undefined) {
        assert.doesNotThrow(() => requestOf(spec));
        return;
      }
      assert.equal(refusal!.path.join('.'), row.path);
      assert.throws(
        () => requestOf(spec),
        (e: unknown) => e instanceof TrainingPlanError && e.code === row.code && e.context.path === row.path,
      );
    });
  }
});

describe('distribution: the validator', () => {
  const file = (extra: string) =>
    `entry_point: train.py\nrole: SageMakerRole\ninstance_type: ml.p5.48xlarge\ninstance_count: 2\ntransformers_version: "5.3.0"\npytorch_version: "2.9.0"\npy_version: py312\n${extra}`;

  it('reports torch_distributed with a PyTorch outside the SDK’s GPU list as an error at the pytorch_version key', () => {
    const text = file('distribution:\n  torch_distributed:\n    enabled: true\n');
    const problem = validateJobFile(text).problems.find((p) => p.code === 'torch_distributed.frameworkVersion');
    assert.ok(problem, 'reported');
    assert.equal(problem.severity, 'error');
    assert.equal(problem.path, 'pytorch_version');
    assert.deepEqual([problem.range.start.line, problem.range.start.character, problem.range.end.character], [5, 0, 'pytorch_version'.length]);
    assert.match(problem.message, /2\.8\.0/);
    assert.match(problem.message, /2\.9\.0/);
    assert.equal(
      validateJobFile(file('')).problems.some((p) => p.code.startsWith('torch_distributed.')),
      false,
      'no distribution, no check',
    );
  });

  it('warns when a disabled pytorchddp block hides torch_distributed from the SDK', () => {
    const text = file('distribution:\n  pytorchddp:\n    enabled: false\n  torch_distributed:\n    enabled: true\n').replace('"5.3.0"', '"4.56.2"').replace('"2.9.0"', '"2.8.0"');
    const problems = validateJobFile(text).problems.filter((p) => p.severity !== 'info');
    assert.deepEqual(
      problems.map((p) => [p.code, p.path]),
      [['distribution.ignored', 'distribution.torch_distributed']],
    );
  });

  it('counts the keys the SDK adds exactly: mpi without processes_per_host adds two', () => {
    const hyperparameters = (n: number) => `hyperparameters:\n${Array.from({ length: n }, (_, i) => `  h${i}: 1`).join('\n')}\n`;
    const mpi = 'distribution:\n  mpi:\n    enabled: true\n';
    const base = 'entry_point: train.py\nrole: SageMakerRole\ninstance_type: ml.g5.xlarge\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\n';
    const counted = (n: number) => validateJobFile(base + mpi + hyperparameters(n)).problems.some((p) => p.code === 'hyperparameters.count');
    // 93 + 5 for every job + 2 for mpi = 100, the limit.
    assert.equal(counted(93), false);
    assert.equal(counted(94), true);
  });
});

function nest(root: Record<string, unknown>, path: readonly string[], leaf: unknown): Record<string, unknown> {
  const [head, ...rest] = path as [string, ...string[]];
  return { ...root, [head]: rest.length === 0 ? leaf : nest((root[head] as Record<string, unknown> | undefined) ?? {}, rest, leaf) };
}
