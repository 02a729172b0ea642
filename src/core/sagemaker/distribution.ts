/**
 * Distributed training, one owner. For every strategy a job file's `distribution:` can name, one
 * row of `DISTRIBUTION_STRATEGIES` says:
 *
 * - where its block sits in the job file;
 * - the `sagemaker_*` hyperparameters SageMaker Python SDK v2.257.6 writes for it, in its order
 *   (huggingface/estimator.py `_huggingface_distribution_configuration`, then estimator.py
 *   `Framework._distribution_configuration`), and how they read back into the block (Clone as Job File);
 * - the training toolkit's runner (sagemaker-pytorch-training-toolkit training.py `train()` picks
 *   it from those hyperparameters; sagemaker-training-toolkit runner.py builds it) and how many
 *   processes each host starts (runner.py `_get_by_runner_type`);
 * - how people read it (the model card).
 *
 * The SDK's refusals (fw_utils.py `validate_smdistributed`, `validate_torch_distributed_distribution`,
 * and the p5/image checks of `_distribution_configuration`) live here too: the request builder
 * throws them and the validator reports them. What a runner does on a host (torchrun's argv, the
 * SMDDP variables) is in ../contract/runnerLaunch.ts, keyed by the runner named here.
 *
 * Adding a strategy: its block in schemas/sagemaker-job.schema.json, its type in `Distribution`,
 * a row here, and a case in test/unit/distribution.test.ts.
 *
 * Functions that take a distribution accept anything (the validator passes what the YAML says,
 * before the schema has been satisfied) and read only what has the expected shape.
 */
import { SMDDP_SUPPORTED_FRAMEWORK_VERSIONS, TORCH_DISTRIBUTED_GPU_FRAMEWORK_VERSIONS, TORCH_DISTRIBUTED_TRAINIUM_FRAMEWORK_VERSIONS } from '../catalog/instanceTypes';
import { dictGet, pyBool, pyDict, pyInt, pyStr, pythonStr, pythonTruthy } from '../contract/pythonValue';
import type { PyDict, PyValue } from '../contract/pythonValue';
import type { TrainingPlanErrorCode } from '../training/trainingPlanError';
import { excerpt } from '../excerpt';
import { isRecord } from '../isRecord';
import { decodeHyperparameters, encodeHyperparameter } from './hyperparameters';
import type { HyperparameterValue } from './hyperparameters';

export interface SmDataParallel {
  enabled: boolean;
  custom_mpi_options?: string;
}

export interface SmModelParallel {
  enabled: boolean;
  parameters?: Record<string, HyperparameterValue>;
}

export interface MpiDistribution {
  enabled: boolean;
  processes_per_host?: number;
  custom_mpi_options?: string;
}

/** The job file's `distribution:` (the estimator's `distribution=` argument). */
export interface Distribution {
  smdistributed?: { dataparallel?: SmDataParallel; modelparallel?: SmModelParallel };
  pytorchddp?: { enabled: boolean };
  torch_distributed?: { enabled: boolean };
  mpi?: MpiDistribution;
  /**
   * With `instance_groups` (a heterogeneous cluster): the name of the group that trains (the SDK
   * takes `InstanceGroup` objects here and sends their names). One group may be left out: the
   * SDK picks it.
   */
  instance_groups?: string[];
}

/** The runners of sagemaker-training-toolkit (runner.py `RunnerType`). */
export type ToolkitRunner = 'process' | 'mpi' | 'smdataparallel' | 'torch_distributed' | 'pytorch_xla';

export type StrategyId = 'pytorchddp' | 'torch_distributed' | 'mpi' | 'smdistributed.modelparallel' | 'smdistributed.dataparallel';

/** What the SDK's distribution hyperparameters depend on besides the block itself. */
export interface SdkDistributionContext {
  /** The estimator's instance_type (`sagemaker_instance_type`); undefined with instance_groups. */
  instanceType: string | undefined;
  /** The estimator's `instance_groups` as written (anything): decides `sagemaker_distribution_instance_groups`. */
  instanceGroups?: unknown;
  /**
   * `json.dumps` of `smdistributed.modelparallel.parameters` made from the YAML nodes
   * (`encodeJobFileValues`), so `1.0` stays a float; without it the parsed values are encoded.
   */
  modelParallelParameters?: string;
}

export interface DistributionStrategy {
  id: StrategyId;
  /** Its block, under `distribution:`. */
  path: readonly string[];
  /**
   * Which SDK method writes it. `huggingface` blocks are looked at first, and only the first one
   * present counts: enabled, it is all the SDK writes; disabled, the SDK falls through to the
   * `framework` blocks, which are each written whenever present, even when disabled.
   */
  sdkStage: 'huggingface' | 'framework';
  /** The `sagemaker_*` hyperparameters the SDK writes for this row, `json.dumps`-encoded, in its order ([] for none). */
  sdkHyperparameters(distribution: unknown, context: SdkDistributionContext): Array<[string, string]>;
  /** Every key `sdkHyperparameters` can write. */
  sdkKeys: readonly string[];
  /** The hyperparameter the PyTorch toolkit's `train()` reads to pick this strategy's runner. */
  toolkitFlag: string;
  /** Set when another strategy shares `toolkitFlag`: this one is told apart by this key being present. */
  marker?: string;
  runner: ToolkitRunner;
  /** How many processes each host starts, in words. */
  processesPerHost: string;
  /** The strategy for people (model card), from the hyperparameters the job ran with. */
  describe(hyperparameters: PyDict): string;
  /** The block again, from the hyperparameters a job ran with (Clone as Job File); undefined when they do not name it. */
  fromHyperparameters(hyperparameters: PyDict): PyDict | undefined;
  /** It runs under another strategy's launcher (model parallel under MPI), so together they are one choice. */
  runsUnder?: StrategyId;
}

const INSTANCE_TYPE_KEY = 'sagemaker_instance_type';
/** Framework._distribution_configuration's first key: the training group's name(s) in a heterogeneous cluster. */
export const DISTRIBUTION_INSTANCE_GROUPS_KEY = 'sagemaker_distribution_instance_groups';
const MPI_PROCESSES_PER_HOST = 'sagemaker_mpi_num_of_processes_per_host';
const PER_ACCELERATOR = 'one per GPU (per Neuron core on Trainium, one on a CPU instance)';

/** `huggingface` rows: flag and instance type, written only when enabled. */
function launcherRow(id: 'pytorchddp' | 'torch_distributed', flag: string, runner: ToolkitRunner, label: string): DistributionStrategy {
  return {
    id,
    path: [id],
    sdkStage: 'huggingface',
    // `if self.instance_type is not None`: a heterogeneous cluster sends the flag alone.
    sdkHyperparameters: (d, context) =>
      enabledAt(d, [id]) ? [encoded(flag, true), ...(context.instanceType !== undefined ? [encoded(INSTANCE_TYPE_KEY, context.instanceType)] : [])] : [],
    sdkKeys: [flag, INSTANCE_TYPE_KEY],
    toolkitFlag: flag,
    runner,
    processesPerHost: PER_ACCELERATOR,
    describe: () => label,
    fromHyperparameters: (hp) => (isTrue(dictGet(hp, flag)) ? pyDict([['enabled', pyBool(true)]]) : undefined),
  };
}

/**
 * The table. Its order is the SDK's: the `huggingface` rows in the order it tests them, then the
 * `framework` rows in the order their keys appear in the request.
 */
export const DISTRIBUTION_STRATEGIES: readonly DistributionStrategy[] = [
  launcherRow('pytorchddp', 'sagemaker_pytorch_ddp_enabled', 'smdataparallel', 'PyTorch DistributedDataParallel (pytorchddp)'),
  launcherRow('torch_distributed', 'sagemaker_torch_distributed_enabled', 'torch_distributed', 'torchrun (torch_distributed)'),
  {
    id: 'mpi',
    path: ['mpi'],
    sdkStage: 'framework',
    sdkHyperparameters: (d) => {
      const mpi = blockAt(d, ['mpi']);
      if (!mpi) return [];
      const out = [encoded('sagemaker_mpi_enabled', mpi.enabled ?? false)];
      // Only a truthy processes_per_host is sent; without it the toolkit starts one process per GPU.
      if (mpi.processes_per_host) out.push(encoded(MPI_PROCESSES_PER_HOST, mpi.processes_per_host));
      out.push(encoded('sagemaker_mpi_custom_mpi_options', mpi.custom_mpi_options ?? ''));
      return out;
    },
    sdkKeys: ['sagemaker_mpi_enabled', MPI_PROCESSES_PER_HOST, 'sagemaker_mpi_custom_mpi_options'],
    toolkitFlag: 'sagemaker_mpi_enabled',
    runner: 'mpi',
    processesPerHost: `processes_per_host, else ${PER_ACCELERATOR}`,
    describe: (hp) => {
      const perHost = dictGet(hp, MPI_PROCESSES_PER_HOST);
      return `MPI${perHost?.type === 'int' && perHost.value > 0n ? `, ${perHost.value} processes per host` : ''}`;
    },
    fromHyperparameters: (hp) => {
      const enabled = dictGet(hp, 'sagemaker_mpi_enabled');
      if (enabled === undefined) return undefined;
      const entries: Array<[string, PyValue]> = [['enabled', pyBool(enabled.type === 'bool' && enabled.value)]];
      const perHost = dictGet(hp, MPI_PROCESSES_PER_HOST);
      if (perHost?.type === 'int') entries.push(['processes_per_host', pyInt(perHost.value)]);
      const options = dictGet(hp, 'sagemaker_mpi_custom_mpi_options');
      if (options?.type === 'str' && options.value !== '') entries.push(['custom_mpi_options', pyStr(options.value)]);
      return pyDict(entries);
    },
  },
  {
    id: 'smdistributed.modelparallel',
    path: ['smdistributed', 'modelparallel'],
    sdkStage: 'framework',
    sdkHyperparameters: (d, context) => {
      // fw_utils.get_mp_parameters: `enabled is True` and a non-empty parameters dict.
      const mp = blockAt(d, ['smdistributed', 'modelparallel']);
      if (!blockAt(d, ['smdistributed']) || mp?.enabled !== true) return [];
      const parameters = isRecord(mp.parameters) ? mp.parameters : {};
      if (Object.keys(parameters).length === 0) return [];
      return [['mp_parameters', context.modelParallelParameters ?? encodeHyperparameter(parameters)]];
    },
    sdkKeys: ['mp_parameters'],
    toolkitFlag: 'sagemaker_mpi_enabled',
    marker: 'mp_parameters',
    runner: 'mpi',
    processesPerHost: `mpi.processes_per_host, else ${PER_ACCELERATOR}`,
    describe: () => 'SageMaker model parallel (smdistributed.modelparallel)',
    fromHyperparameters: (hp) => {
      const parameters = dictGet(hp, 'mp_parameters');
      return parameters === undefined
        ? undefined
        : pyDict([
            ['enabled', pyBool(true)],
            ['parameters', parameters],
          ]);
    },
    runsUnder: 'mpi',
  },
  {
    id: 'smdistributed.dataparallel',
    path: ['smdistributed', 'dataparallel'],
    sdkStage: 'framework',
    // Written whenever `smdistributed` is present, so model parallel jobs carry `…dataparallel_enabled: false`.
    sdkHyperparameters: (d, context) => {
      if (!blockAt(d, ['smdistributed'])) return [];
      const enabled = blockAt(d, ['smdistributed', 'dataparallel'])?.enabled ?? false;
      // `self.instance_type`, None (json "null") for a heterogeneous cluster.
      const out = [encoded('sagemaker_distributed_dataparallel_enabled', enabled), encoded(INSTANCE_TYPE_KEY, context.instanceType ?? null)];
      if (enabled) out.push(encoded('sagemaker_distributed_dataparallel_custom_mpi_options', blockAt(d, ['smdistributed', 'dataparallel'])?.custom_mpi_options ?? ''));
      return out;
    },
    sdkKeys: ['sagemaker_distributed_dataparallel_enabled', INSTANCE_TYPE_KEY, 'sagemaker_distributed_dataparallel_custom_mpi_options'],
    toolkitFlag: 'sagemaker_distributed_dataparallel_enabled',
    runner: 'smdataparallel',
    processesPerHost: PER_ACCELERATOR,
    describe: () => 'SageMaker distributed data parallel (smdistributed.dataparallel)',
    fromHyperparameters: (hp) => {
      const enabled = dictGet(hp, 'sagemaker_distributed_dataparallel_enabled');
      // Model parallel jobs carry `…dataparallel_enabled: false` too; mp_parameters says which it was.
      if (enabled === undefined || dictGet(hp, 'mp_parameters') !== undefined) return undefined;
      const entries: Array<[string, PyValue]> = [['enabled', pyBool(enabled.type === 'bool' && enabled.value)]];
      const options = dictGet(hp, 'sagemaker_distributed_dataparallel_custom_mpi_options');
      if (options?.type === 'str' && options.value !== '') entries.push(['custom_mpi_options', pyStr(options.value)]);
      return pyDict(entries);
    },
  },
];

/** Every hyperparameter key the distribution rows write (not the user's). */
export const DISTRIBUTION_HYPERPARAMETER_KEYS: ReadonlySet<string> = new Set([DISTRIBUTION_INSTANCE_GROUPS_KEY, ...DISTRIBUTION_STRATEGIES.flatMap((s) => s.sdkKeys)]);

// ---------------------------------------------------------------------------------------------
// The SDK: job file → hyperparameters, and what it refuses
// ---------------------------------------------------------------------------------------------

/** `HuggingFace.hyperparameters()`' distribution keys for this `distribution:`, in the SDK's order. */
export function sdkDistributionHyperparameters(distribution: unknown, context: SdkDistributionContext): Array<[string, string]> {
  const launcher = sdkLauncher(distribution);
  if (launcher) return launcher.sdkHyperparameters(distribution, context);
  const groups = sdkTrainInstanceGroups(distribution, context.instanceGroups).names;
  return [
    ...(groups !== undefined ? [encoded(DISTRIBUTION_INSTANCE_GROUPS_KEY, groups)] : []),
    ...DISTRIBUTION_STRATEGIES.filter((s) => s.sdkStage === 'framework').flatMap((s) => s.sdkHyperparameters(distribution, context)),
  ];
}

/** What fw_utils.py `validate_distribution` makes of `distribution.instance_groups` against the estimator's groups. */
export interface TrainInstanceGroups {
  /** The validated distribution's `instance_groups` (the names sent), when it has the key. */
  names?: string[];
  /** The index in `instance_groups` of the group the distribution checks run against. */
  trainIndex?: number;
  refusal?: DistributionRefusal;
}

/**
 * fw_utils.py `validate_distribution`: the training group of a heterogeneous cluster. Without
 * estimator groups, `distribution.instance_groups` must be empty; with one group and none named,
 * the SDK names it; with several, exactly one must be named, and it must be one of them.
 */
export function sdkTrainInstanceGroups(distribution: unknown, instanceGroups: unknown): TrainInstanceGroups {
  if (!isRecord(distribution)) return {};
  const written = distribution.instance_groups;
  const given = Array.isArray(written) ? written : [];
  const at = ['distribution', 'instance_groups'];
  if (!Array.isArray(instanceGroups)) {
    if (given.length >= 1) {
      return {
        refusal: {
          code: 'distribution.instanceGroupsWithoutGroups',
          message:
            'distribution.instance_groups names the training group of a heterogeneous cluster, and this job has no instance_groups (the SageMaker SDK refuses it: "Instance groups not specified in the estimator !"). Remove distribution.instance_groups, or describe the cluster with instance_groups.',
          path: at,
        },
      };
    }
    // The key, when written (empty), stays in the validated distribution and is sent.
    return written !== undefined ? { names: [] } : {};
  }
  const groupNames = instanceGroups.map((g: unknown) => (isRecord(g) && typeof g.instance_group_name === 'string' ? g.instance_group_name : undefined));
  if (given.length > groupNames.length) {
    return {
      refusal: {
        code: 'distribution.instanceGroupsOversubscribed',
        message: `distribution.instance_groups names ${given.length} groups and the cluster has ${groupNames.length} (the SageMaker SDK refuses it: "Train instance groups oversubscribed !"). Name the one group that trains.`,
        path: at,
      },
    };
  }
  let train: unknown[] = given;
  if (groupNames.length === 1 && given.length === 0) train = [groupNames[0]];
  else if (groupNames.length > 1 && given.length !== 1) {
    return {
      refusal: {
        code: 'distribution.instanceGroupsOne',
        message: `With ${groupNames.length} instance groups, distribution.instance_groups must name exactly one: the group that trains (the SageMaker SDK refuses anything else: "Distribution should only contain one instance group name !"), e.g. instance_groups: [${groupNames.find((n) => n !== undefined) ?? 'train'}].`,
        path: written !== undefined ? at : ['distribution'],
      },
    };
  }
  if (train.length === 0) return {};
  const names: string[] = [];
  let trainIndex: number | undefined;
  for (const [i, name] of train.entries()) {
    const index = typeof name === 'string' ? groupNames.indexOf(name) : -1;
    if (index < 0) {
      return {
        refusal: {
          code: 'distribution.instanceGroupUnknown',
          message: `${String(name)} is not one of this job's instance groups (${groupNames.filter((n) => n !== undefined).join(', ')}), and the SageMaker SDK refuses it ("Invalid training instance group ${String(name)} !"). Name one of them.`,
          path: given.length > 0 ? [...at, i] : ['distribution'],
          value: String(name),
        },
      };
    }
    trainIndex ??= index;
    names.push(name as string);
  }
  return { names, ...(trainIndex !== undefined ? { trainIndex } : {}) };
}

/** The enabled `huggingface` block the SDK stops at, if any (`if "pytorchddp" in …: elif "torch_distributed" in …`). */
function sdkLauncher(distribution: unknown): DistributionStrategy | undefined {
  const first = DISTRIBUTION_STRATEGIES.find((s) => s.sdkStage === 'huggingface' && isPresent(distribution, s.path));
  return first && enabledAt(distribution, first.path) ? first : undefined;
}

/**
 * Enabled blocks the SDK never looks at: only the first `huggingface` block present counts, so a
 * disabled `pytorchddp:` hides an enabled `torch_distributed:` and the job runs undistributed.
 */
export function sdkIgnoredStrategies(distribution: unknown): Array<{ strategy: DistributionStrategy; message: string }> {
  const launchers = DISTRIBUTION_STRATEGIES.filter((s) => s.sdkStage === 'huggingface');
  const first = launchers.find((s) => isPresent(distribution, s.path));
  if (!first) return [];
  if (enabledAt(distribution, first.path)) {
    // The SDK writes only the launcher's keys: every other block (mpi, smdistributed, the other
    // launcher) sends nothing, and the toolkit starts the job with the launcher's runner.
    return DISTRIBUTION_STRATEGIES.filter((s) => s !== first && enabledAt(distribution, s.path)).map((strategy) => ({
      strategy,
      message: `The SageMaker SDK sends only ${first.id} when it is enabled: ${strategy.path.join('.')} is ignored (none of its settings reach the job), and the job runs with ${first.id}. Remove the ${strategy.path.join('.')} block, or ${first.id}.`,
    }));
  }
  const names = launchers.map((s) => s.id).join(', ');
  return launchers
    .filter((s) => s !== first && enabledAt(distribution, s.path))
    .map((strategy) => ({
      strategy,
      message: `The SageMaker SDK reads only the first of ${names} that is present: with ${first.id} present and off, it ignores ${strategy.id} and the job runs without distribution. Remove the ${first.id} block.`,
    }));
}

/**
 * The strategies a file turns on, one per choice: model parallel names itself, not the MPI it runs
 * under. More than one is a conflict.
 */
export function enabledStrategies(distribution: unknown): StrategyId[] {
  const on = DISTRIBUTION_STRATEGIES.filter((s) => enabledAt(distribution, [...s.path]));
  const hosts = new Set(on.map((s) => s.runsUnder).filter((id) => id !== undefined));
  return on.filter((s) => !hosts.has(s.id)).map((s) => s.id);
}

/** The estimator arguments the SDK's distribution checks read (a JobSpec has them all; anything may be malformed). */
export interface DistributionEstimatorArguments {
  distribution?: unknown;
  instance_type?: unknown;
  image_uri?: unknown;
  pytorch_version?: unknown;
  tensorflow_version?: unknown;
  py_version?: unknown;
  entry_point?: unknown;
  instance_groups?: unknown;
}

/** Something the SDK raises `ValueError` for. `path` is from the job file's root. */
export interface DistributionRefusal {
  /** Also the validator's problem code and the plan error's. */
  code: TrainingPlanErrorCode;
  message: string;
  path: ReadonlyArray<string | number>;
  value?: string;
}

/** The SDK refuses smdistributed on this image unless torch_distributed is on: it ships without SMDDP/SMP. */
const UNSUPPORTED_SM_PARALLELISM_IMAGES = ['2.0.1-gpu-py310-cu121'];

/**
 * Everything the SDK refuses about a distribution, in the order it would raise: at `HuggingFace(...)`
 * (`validate_smdistributed`, `validate_torch_distributed_distribution`), then at `fit()`
 * (`_distribution_configuration`: the image and p5 checks).
 */
export function sdkDistributionRefusals(args: DistributionEstimatorArguments): DistributionRefusal[] {
  const d = args.distribution;
  if (d === undefined || d === null) return [];
  // validate_distribution: first the training group of a heterogeneous cluster, whose instance
  // type the checks below then read (the estimator's instance_type without groups).
  const train = sdkTrainInstanceGroups(d, args.instance_groups);
  if (train.refusal) return [train.refusal];
  if (train.trainIndex === undefined) return homogeneousRefusals(args, train.names);
  const index = train.trainIndex;
  const group: unknown = Array.isArray(args.instance_groups) ? args.instance_groups[index] : undefined;
  const groupType = isRecord(group) ? group.instance_type : undefined;
  const typePath = ['instance_groups', index, 'instance_type'];
  return homogeneousRefusals({ ...args, instance_type: groupType }, train.names).map((r) => (r.path.length === 1 && r.path[0] === 'instance_type' ? { ...r, path: typePath } : r));
}

function homogeneousRefusals(args: DistributionEstimatorArguments, distributionGroups: string[] | undefined): DistributionRefusal[] {
  const d = args.distribution;
  const out: DistributionRefusal[] = [];
  // validate_distribution_for_instance_type: Trainium takes torch_distributed and nothing else.
  const instanceTypeArg = str(args.instance_type) ?? '';
  if (isTrainiumInstance(instanceTypeArg) && isRecord(d)) {
    const keys = Object.keys(d);
    if (keys.length > 1 || (keys.length === 1 && keys[0] !== 'torch_distributed')) {
      out.push({
        code: 'distribution.trainium',
        message: `On Trainium (${excerpt(instanceTypeArg)}) the SageMaker SDK accepts torch_distributed as the only distribution block; remove ${keys.filter((k) => k !== 'torch_distributed').join(', ')}.`,
        path: ['distribution'],
      });
    }
  }
  const smdistributed = blockAt(d, ['smdistributed']);
  if (smdistributed && Object.keys(smdistributed).length > 1) {
    out.push({
      code: 'distribution.multipleSmdistributed',
      message: 'Use one smdistributed strategy: dataparallel or modelparallel, not both.',
      path: ['distribution', 'smdistributed'],
    });
  } else if (enabledAt(d, ['smdistributed', 'dataparallel']) && !str(args.image_uri)) {
    // fw_utils._validate_smdataparallel_args, run by HuggingFace(...) whatever launcher wins later.
    const framework = args.tensorflow_version !== undefined ? 'tensorflow' : 'pytorch';
    const version = str(framework === 'pytorch' ? args.pytorch_version : args.tensorflow_version);
    const supported = SMDDP_SUPPORTED_FRAMEWORK_VERSIONS[framework];
    if (version !== undefined && !supported.includes(version)) {
      out.push({
        code: 'smdistributed.frameworkVersion',
        message: `The SageMaker SDK accepts smdistributed.dataparallel only with ${framework === 'pytorch' ? 'PyTorch' : 'TensorFlow'} ${supported[0]} to ${supported.at(-1)}, not ${excerpt(version)} (it checks this even when another strategy is enabled; the images since transformers 4.36 lack the library). Use torch_distributed, and remove the smdistributed block.`,
        path: [`${framework}_version`],
        value: version,
      });
    }
    const py = str(args.py_version);
    if (py !== undefined && !py.includes('py3')) {
      out.push({ code: 'smdistributed.python', message: `smdistributed.dataparallel needs Python 3 (py_version py3x), not ${excerpt(py)}.`, path: ['py_version'], value: py });
    }
  }
  out.push(...torchDistributedRefusals(args));
  if (smdistributed && !sdkLauncher(d)) {
    const torchDistributed = enabledAt(d, ['torch_distributed']);
    const image = str(args.image_uri) ?? '';
    const instanceType = str(args.instance_type) ?? '';
    if (!torchDistributed && UNSUPPORTED_SM_PARALLELISM_IMAGES.some((tag) => image.includes(tag))) {
      out.push({
        code: 'distribution.imageUnsupported',
        message: `smdistributed does not work with the image ${excerpt(image)} (it ships without SMDDP/SMP); pick another image or use torch_distributed.`,
        path: ['image_uri'],
        value: image,
      });
    }
    // `self.instance_type`, or with instance groups any group's type.
    const p5Group = instanceTypesOf(args.instance_groups).find((g) => g.type.includes('p5.48xlarge'));
    if (!torchDistributed && (args.instance_groups === undefined ? instanceType.includes('p5.48xlarge') : p5Group !== undefined)) {
      out.push({
        code: 'distribution.p5Unsupported',
        message: 'smdistributed data and model parallelism do not support ml.p5.48xlarge; use torch_distributed or another instance type.',
        path: p5Group && args.instance_groups !== undefined ? ['instance_groups', p5Group.index, 'instance_type'] : ['instance_type'],
        value: p5Group && args.instance_groups !== undefined ? p5Group.type : instanceType,
      });
    }
  }
  // _distribution_configuration: a training group is named (or picked) while neither MPI nor SMDDP runs.
  if (!sdkLauncher(d) && distributionGroups !== undefined && distributionGroups.length > 0 && !enabledAt(d, ['mpi']) && !enabledAt(d, ['smdistributed', 'dataparallel'])) {
    out.push({
      code: 'distribution.instanceGroupsWithoutStrategy',
      message: `A training instance group (${distributionGroups.join(', ')}) is set, and no distribution strategy that uses it is on: the SageMaker SDK refuses it ("Don't set training instance groups while no distribution strategies enabled!"). With instance_groups, a distribution block needs mpi or smdistributed.dataparallel enabled, or torch_distributed or pytorchddp; or remove distribution.`,
      path: ['distribution'],
    });
  }
  return out;
}

function instanceTypesOf(groups: unknown): Array<{ index: number; type: string }> {
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((g: unknown, index) => (isRecord(g) && typeof g.instance_type === 'string' ? [{ index, type: g.instance_type }] : []));
}

/**
 * fw_utils.py `validate_torch_distributed_distribution`, which the HuggingFace estimator runs for a
 * PyTorch-based job: without image_uri, Python 3 and a PyTorch version the SDK lists for the
 * instance's kind (GPU or Trainium; other instances are refused); with or without, a `.py` entry point.
 */
export function torchDistributedRefusals(args: DistributionEstimatorArguments): DistributionRefusal[] {
  if (!enabledAt(args.distribution, ['torch_distributed']) || args.tensorflow_version !== undefined) return [];
  const out: DistributionRefusal[] = [];
  if (!str(args.image_uri)) {
    const py = str(args.py_version);
    if (py !== undefined && !py.includes('py3')) {
      out.push({
        code: 'torch_distributed.python',
        message: `torch_distributed needs Python 3: set py_version to a py3x version (it is ${excerpt(py)}).`,
        path: ['py_version'],
        value: py,
      });
    }
    const instanceType = str(args.instance_type) ?? '';
    const version = str(args.pytorch_version);
    const kind = isTrainiumInstance(instanceType) ? 'Trainium' : isSdkGpuInstance(instanceType) ? 'GPU' : undefined;
    if (kind === undefined) {
      out.push({
        code: 'torch_distributed.instanceType',
        message: `torch_distributed runs on GPU (ml.p*, ml.g*) or Trainium (ml.trn*) instances, and ${excerpt(instanceType)} is neither: pick such an instance type, or remove distribution.torch_distributed.`,
        path: ['instance_type'],
        value: instanceType,
      });
    } else if (version !== undefined) {
      const supported = kind === 'GPU' ? TORCH_DISTRIBUTED_GPU_FRAMEWORK_VERSIONS : TORCH_DISTRIBUTED_TRAINIUM_FRAMEWORK_VERSIONS;
      if (!supported.includes(version)) {
        const shortForm = supported.some((v) => v.startsWith(`${version}.`))
          ? ` (the SDK compares the text: write the full version, e.g. ${supported.find((v) => v.startsWith(`${version}.`))})`
          : '';
        out.push({
          code: 'torch_distributed.frameworkVersion',
          message: `The SageMaker SDK accepts torch_distributed on ${kind} instances only with PyTorch ${supported.join(', ')}; pytorch_version is ${excerpt(version)}${shortForm}. Pick one of those versions, or set image_uri to an image with the PyTorch you need.`,
          path: ['pytorch_version'],
          value: version,
        });
      }
    }
  }
  const entryPoint = str(args.entry_point);
  if (entryPoint !== undefined && !entryPoint.endsWith('.py')) {
    out.push({
      code: 'torch_distributed.entryPoint',
      message: `torch_distributed starts the entry point with torchrun, which runs Python programs only: entry_point must be a .py file (it is ${excerpt(entryPoint)}).`,
      path: ['entry_point'],
      value: entryPoint,
    });
  }
  return out;
}

/** fw_utils.py `_is_gpu_instance`: a p* or g* family, or local_gpu. */
function isSdkGpuInstance(instanceType: string): boolean {
  return instanceType === 'local_gpu' || /^[pg]/.test(instanceFamily(instanceType) ?? '');
}

/** fw_utils.py `_is_trainium_instance`. */
function isTrainiumInstance(instanceType: string): boolean {
  return (instanceFamily(instanceType) ?? '').startsWith('trn');
}

/** The family the SDK's instance-type pattern captures (`ml.p4d.24xlarge` → `p4d`). */
function instanceFamily(instanceType: string): string | undefined {
  return /^ml[._]([a-z\d-]+)\.?\w*$/.exec(instanceType)?.[1];
}

// ---------------------------------------------------------------------------------------------
// The toolkit: hyperparameters → runner and processes
// ---------------------------------------------------------------------------------------------

/** PyTorch toolkit `train()`: on a distributed host the first of these that is on picks the runner. */
const TOOLKIT_RUNNER_FLAGS: ReadonlyArray<readonly [string, ToolkitRunner]> = [
  ['sagemaker_mpi_enabled', 'mpi'],
  ['sagemaker_pytorch_ddp_enabled', 'smdataparallel'],
  ['sagemaker_torch_distributed_enabled', 'torch_distributed'],
  ['sagemaker_distributed_dataparallel_enabled', 'smdataparallel'],
  ['sagemaker_pytorch_xla_multi_worker_enabled', 'pytorch_xla'],
];

/** TK environment.py `get_distribution_instance_groups_from_resource_config`: any of these on makes the host's group distributed. */
const TOOLKIT_DISTRIBUTION_FLAGS: readonly string[] = [
  'sagemaker_mpi_enabled',
  'sagemaker_parameter_server_enabled',
  'sagemaker_distributed_dataparallel_enabled',
  'sagemaker_pytorch_ddp_enabled',
  'sagemaker_pytorch_xla_multi_worker_enabled',
  'sagemaker_multi_worker_mirrored_strategy_enabled',
  'sagemaker_torch_distributed_enabled',
];

/** Whether the toolkit counts the (homogeneous) cluster's group as distributed, from the framework parameters. */
export function distributionFlagged(framework: PyDict): boolean {
  return TOOLKIT_DISTRIBUTION_FLAGS.some((flag) => pythonTruthy(dictGet(framework, flag)));
}

/** The runner PTK `train()` picks: a distributed one only on a host of a distributed group. */
export function toolkitRunner(framework: PyDict, distributedHost: boolean): ToolkitRunner {
  if (!distributedHost) return 'process';
  return TOOLKIT_RUNNER_FLAGS.find(([flag]) => pythonTruthy(dictGet(framework, flag)))?.[1] ?? 'process';
}

/** TK runner.py `_get_by_runner_type`: `sagemaker_mpi_num_of_processes_per_host` when set, else one per GPU, else per Neuron core, else 1. */
export function processesPerHost(framework: PyDict, numGpus: number, numNeurons: number): number {
  const explicit = dictGet(framework, MPI_PROCESSES_PER_HOST);
  if (explicit && pythonTruthy(explicit)) {
    const n = Number(pythonStr(explicit));
    if (Number.isFinite(n) && n > 0) return n;
  }
  return numGpus > 0 ? numGpus : numNeurons > 0 ? numNeurons : 1;
}

/** The strategy a job's hyperparameters make the toolkit run (its `train()` order), or undefined for none. */
export function strategyOfHyperparameters(hyperparameters: PyDict): DistributionStrategy | undefined {
  const flag = TOOLKIT_RUNNER_FLAGS.find(([key]) => pythonTruthy(dictGet(hyperparameters, key)))?.[0];
  if (flag === undefined) return undefined;
  const candidates = DISTRIBUTION_STRATEGIES.filter((s) => s.toolkitFlag === flag);
  return candidates.find((s) => s.marker !== undefined && dictGet(hyperparameters, s.marker) !== undefined) ?? candidates.find((s) => s.marker === undefined);
}

/** The strategy for people, e.g. `torchrun (torch_distributed)`; undefined when the job is not distributed. */
export function describeDistribution(hyperparameters: PyDict): string | undefined {
  return strategyOfHyperparameters(hyperparameters)?.describe(hyperparameters);
}

/** The same for a job file's `distribution:`, read through the hyperparameters the SDK would send. */
export function describeJobFileDistribution(distribution: unknown, instanceType: string): string | undefined {
  return describeDistribution(decodeHyperparameters(Object.fromEntries(sdkDistributionHyperparameters(distribution, { instanceType }))));
}

/** `distribution:` for a job file, from the hyperparameters a job ran with; undefined when they name no strategy. */
export function distributionFromHyperparameters(hyperparameters: PyDict): PyDict | undefined {
  let root: PyDict = pyDict([]);
  for (const strategy of DISTRIBUTION_STRATEGIES) {
    const block = strategy.fromHyperparameters(hyperparameters);
    if (block) root = setIn(root, strategy.path, block);
  }
  // The training group's name(s) of a heterogeneous cluster: `distribution.instance_groups`.
  const groups = dictGet(hyperparameters, DISTRIBUTION_INSTANCE_GROUPS_KEY);
  if (groups?.type === 'list') root = setIn(root, ['instance_groups'], groups);
  return root.entries.length > 0 ? root : undefined;
}

// ---------------------------------------------------------------------------------------------

function encoded(key: string, value: unknown): [string, string] {
  return [key, encodeHyperparameter(value)];
}

function setIn(dict: PyDict, path: readonly string[], value: PyValue): PyDict {
  const [head, ...rest] = path as [string, ...string[]];
  const existing = dictGet(dict, head);
  const next = rest.length === 0 ? value : setIn(existing?.type === 'dict' ? existing : pyDict([]), rest, value);
  const entries = dict.entries.filter(([k]) => k !== head);
  const index = dict.entries.findIndex(([k]) => k === head);
  entries.splice(index < 0 ? entries.length : index, 0, [head, next]);
  return pyDict(entries);
}

function blockAt(d: unknown, path: readonly string[]): Readonly<Record<string, unknown>> | undefined {
  let node = d;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return isRecord(node) ? node : undefined;
}

function isPresent(d: unknown, path: readonly string[]): boolean {
  const parent = path.length > 1 ? blockAt(d, path.slice(0, -1)) : isRecord(d) ? d : undefined;
  return parent !== undefined && parent[path[path.length - 1]!] !== undefined;
}

/** The block's `enabled` is on (the SDK's `.get("enabled", False)`, truthy). */
function enabledAt(d: unknown, path: readonly string[]): boolean {
  return blockAt(d, path)?.enabled === true;
}

function isTrue(v: PyValue | undefined): boolean {
  return v?.type === 'bool' && v.value;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
