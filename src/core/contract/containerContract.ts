/**
 * SageMaker's container contract for one host of a Hugging Face (PyTorch) training job: what the
 * platform writes to `/opt/ml/input/config`, and what the training toolkit then hands the entry
 * point — its argv and its environment.
 *
 * Every rule below is read from the public toolkit sources and cited by function:
 * TK = aws/sagemaker-training-toolkit `src/sagemaker_training/` (environment.py, mapping.py,
 * params.py, process.py, runner.py, torch_distributed.py, smdataparallel.py), PTK =
 * aws/sagemaker-pytorch-training-toolkit `src/sagemaker_pytorch_container/training.py` (the HF
 * DLC's `SAGEMAKER_TRAINING_MODULE`).
 *
 * Which runner starts the script, and how many processes per host, is the distribution owner's
 * (src/core/sagemaker/distribution.ts); what that runner does on the host is runnerLaunch.ts.
 *
 * A heterogeneous cluster (ResourceConfig.InstanceGroups) is the same contract with several groups
 * in resourceconfig.json: each host reads its own group's name and type there, and the toolkit
 * derives everything else from that (TK environment.py `Environment.__init__`,
 * `get_distribution_instance_groups_from_resource_config`, `get_distribution_hosts`,
 * `get_master_hostname`, `get_current_instance_group_hosts`, `get_instance_groups_dict`, at
 * aws/sagemaker-training-toolkit 33839372faf8; PTK `train()` at
 * aws/sagemaker-pytorch-training-toolkit d9298721b3bb). A homogeneous job is the one-group case,
 * named `homogeneousCluster`.
 *
 * Pure: no I/O. Paths are rooted at `baseDir`, which is `/opt/ml` in a real container and the
 * host folder's `opt/ml` for a local run (the toolkit itself honours `SAGEMAKER_BASE_DIR` the
 * same way outside SageMaker).
 */

import { comparePythonStrings, dictGet, fromJsValue, pyDict, pyBool, pyInt, pyList, pyNone, pyStr, pythonJsonDumps, pythonStr } from './pythonValue';
import type { PyDict, PyValue } from './pythonValue';
import { RUNNER_LAUNCH, TOOLKIT_MASTER_PORT } from './runnerLaunch';
import { distributionFlagged, processesPerHost as processesPerHostFor, toolkitRunner } from '../sagemaker/distribution';
import type { ToolkitRunner } from '../sagemaker/distribution';
import { decodeHyperparameters } from '../sagemaker/hyperparameters';
import { channelsForGroup } from '../sagemaker/channels';

export const SAGEMAKER_BASE_PATH = '/opt/ml';
export const HOMOGENEOUS_CLUSTER = 'homogeneousCluster';
/** The HF training DLC inherits the PyTorch DLC's framework module. */
export const PYTORCH_TRAINING_MODULE = 'sagemaker_pytorch_container.training:main';
const DEFAULT_LOG_LEVEL = 20; // logging.INFO

/**
 * TK params.SAGEMAKER_HYPERPARAMETERS: split off the user's hyperparameters, but (unlike the other
 * `sagemaker_*` keys) not passed on as framework parameters either.
 */
export const TOOLKIT_RESERVED_HYPERPARAMETERS: readonly string[] = [
  'sagemaker_program',
  'sagemaker_submit_directory',
  'sagemaker_enable_cloudwatch_metrics',
  'sagemaker_region',
  'sagemaker_container_log_level',
  'sagemaker_job_name',
  'default_user_module_name',
  '_tuning_objective_metric',
  'sagemaker_s3_output',
];
const SAGEMAKER_PREFIX = 'sagemaker_';

/** One input channel as CreateTrainingJob describes it (only what reaches the container). */
export interface ChannelDescription {
  name: string;
  contentType?: string;
  inputMode?: 'File' | 'Pipe' | 'FastFile';
  distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  recordWrapping?: 'None' | 'RecordIO';
  compression?: 'None' | 'Gzip';
  /**
   * S3DataSource.InstanceGroupNames: the groups of a heterogeneous cluster whose hosts receive the
   * channel; undefined: every host. A host of another group does not see it at all (channelsForGroup).
   */
  instanceGroups?: readonly string[];
}

/** One group of a heterogeneous cluster, as resourceconfig.json's `instance_groups` lists it. */
export interface ClusterInstanceGroup {
  /** `instance_group_name`. */
  name: string;
  /** `instance_type`: the group's ml.* type. */
  instanceType: string;
  /** The group's hosts, each also in the job's `hosts`. */
  hosts: readonly string[];
}

export interface ContainerContractInput {
  /** CreateTrainingJob.HyperParameters: every value a `json.dumps`-ed string, `sagemaker_*` keys included. */
  hyperparameters: Readonly<Record<string, string>>;
  /** `algo-1` … `algo-N`: every host of the job (of every group). */
  hosts: readonly string[];
  currentHost: string;
  channels: readonly ChannelDescription[];
  /** The instance type of a homogeneous job; with `instanceGroups`, each host's is its group's and this is not read. */
  instanceType: string;
  /**
   * A heterogeneous cluster's groups (ResourceConfig.InstanceGroups, in request order), each with
   * its hosts; every host of `hosts` in exactly one. Absent for a homogeneous job (one group,
   * `homogeneousCluster`, of `instanceType`).
   */
  instanceGroups?: readonly ClusterInstanceGroup[];
  jobName: string;
  /** `/opt/ml` on SageMaker; `<job folder>/algo-N/opt/ml` locally. */
  baseDir?: string;
  /** Fallback when no `sagemaker_region` hyperparameter is set (the toolkit asks boto3). */
  region?: string;
  /** What `nvidia-smi --list-gpus` counts on the machine. */
  numGpus: number;
  /** `multiprocessing.cpu_count()`. */
  numCpus: number;
  /** What `neuron-ls` counts; TK `num_neurons` forces 64 on trn2.48xlarge. */
  numNeurons?: number;
  /** `SAGEMAKER_TRAINING_MODULE` of the image; `null` for an image without one. */
  frameworkModule?: string | null;
  networkInterfaceName?: string;
  /** CreateTrainingJob.Environment: the container's environment before the toolkit adds to it. */
  environment?: Readonly<Record<string, string>>;
  /** `sys.executable` of the interpreter that runs the script (`/opt/conda/bin/python3.x` in the DLC). */
  pythonExecutable: string;
  /** Names directly inside the code directory: a `setup.py` makes the entry point a package. */
  codeDirEntries?: readonly string[];
  /**
   * Where the hosts actually meet. In a cluster `MASTER_ADDR` is the master's host name; a local
   * run has no `algo-1` in DNS, so it points the rendezvous at an address that works here.
   * `portByMaster` gives each master its own port: in a heterogeneous cluster each group may be a
   * world of its own (torch_distributed without a training group), with its own master.
   */
  rendezvous?: { address: string; port: number; portByMaster?: Readonly<Record<string, number>> };
}

export type EntryPointType = 'python-program' | 'python-package' | 'command';

export interface ContractPaths {
  baseDir: string;
  codeDir: string;
  modelDir: string;
  inputDir: string;
  inputConfigDir: string;
  inputDataDir: string;
  outputDir: string;
  outputDataDir: string;
  outputIntermediateDir: string;
  /** TK files.write_failure_file; its first 1024 characters become FailureReason. */
  failureFile: string;
  /** TK files.write_success_file. */
  successFile: string;
  channelDirs: Record<string, string>;
}

export interface ContainerContract {
  host: string;
  /** The host's place among all the job's hosts (what ShardedByS3Key shards by). */
  hostIndex: number;
  isMaster: boolean;
  masterHostname: string;
  /** The host's instance group (`homogeneousCluster` for a homogeneous job) and its type. */
  instanceGroup: string;
  instanceType: string;
  /** TK `distribution_hosts`: the hosts of the groups that run the distribution (empty without one). */
  distributionHosts: string[];
  paths: ContractPaths;
  /** Decoded, user-facing hyperparameters (TK `Environment.hyperparameters`). */
  hyperparameters: PyDict;
  /** `sagemaker_*` keys other than the reserved ones (TK `additional_framework_parameters`). */
  frameworkParameters: PyDict;
  /** The argv after the script name: TK `mapping.to_cmd_args(hyperparameters)`. */
  userArgs: string[];
  entryPoint: string;
  entryPointType: EntryPointType;
  runner: ToolkitRunner;
  /** What every rank runs: `python <entry> <args>` (TK `ProcessRunner._create_command`). */
  processCommand: string[];
  /**
   * What the toolkit launches on this host when that is a plain command (process runner, or
   * `torchrun …` for torch_distributed); undefined for the MPI-based runners, whose `mpirun`
   * line is built on the master from installed libraries.
   */
  containerCommand?: string[];
  /** Environment the script gets on top of the machine's own (platform + toolkit + PTK + `SM_*`). */
  env: Record<string, string>;
  /** Variables set only by this emulation, not by SageMaker (documented per key). */
  localOnlyEnv: string[];
  /** TK `Environment` as a dict (`SM_TRAINING_ENV` decoded). */
  trainingEnv: PyDict;
  /** The three files the platform writes to `input/config`. */
  configFiles: { 'hyperparameters.json': string; 'resourceconfig.json': string; 'inputdataconfig.json': string };
  /** Things that would differ on SageMaker, in words a user can act on. */
  notes: string[];
}

export interface SplitHyperparameters {
  user: PyDict;
  framework: PyDict;
  reserved: PyDict;
}

/** TK `mapping.split_by_criteria(keys=SAGEMAKER_HYPERPARAMETERS, prefix="sagemaker_")` then the framework filter. */
export function splitHyperparameters(decoded: PyDict): SplitHyperparameters {
  const user: Array<[string, PyValue]> = [];
  const framework: Array<[string, PyValue]> = [];
  const reserved: Array<[string, PyValue]> = [];
  for (const [key, value] of decoded.entries) {
    if (TOOLKIT_RESERVED_HYPERPARAMETERS.includes(key)) reserved.push([key, value]);
    else if (key.startsWith(SAGEMAKER_PREFIX)) framework.push([key, value]);
    else user.push([key, value]);
  }
  return { user: pyDict(user), framework: pyDict(framework), reserved: pyDict(reserved) };
}

/**
 * TK `mapping.to_cmd_args`: keys sorted; `--key` (`-k` for a one-character key); the value is
 * `str()` of the decoded value (`None` → empty string, booleans `True`/`False`, lists in Python
 * syntax), except a dict, which becomes `k=v,k2=v2` with its keys sorted and each `v` `str()`-ed.
 */
export function toCmdArgs(hyperparameters: PyDict): string[] {
  const sorted = [...hyperparameters.entries].sort(([a], [b]) => comparePythonStrings(a, b));
  const args: string[] = [];
  for (const [key, value] of sorted) {
    const length = [...key].length; // len() counts code points
    args.push(length === 0 ? '' : length > 1 ? `--${key}` : `-${key}`);
    args.push(cmdArgValue(value));
  }
  return args;
}

function cmdArgValue(value: PyValue): string {
  if (value.type === 'dict') {
    return [...value.entries]
      .sort(([a], [b]) => comparePythonStrings(a, b))
      .map(([k, v]) => `${k}=${pythonStr(v)}`)
      .join(',');
  }
  return value.type === 'none' ? '' : pythonStr(value); // TK mapping._decode(None) == ""
}

/**
 * TK `mapping.to_env_vars`: `SM_` + upper-cased key; a string stays as is, `None` is empty, any
 * other value is `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True)`.
 */
export function toEnvVars(entries: ReadonlyArray<readonly [string, PyValue]>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of entries) {
    const name = key ? `SM_${key.toUpperCase()}` : '';
    env[name] = value.type === 'str' ? value.value : value.type === 'none' ? '' : pythonJsonDumps(value, { sortKeys: true, compact: true });
  }
  return env;
}

/** resourceconfig.json as the platform writes it for a homogeneous cluster (observed key order). */
export function resourceConfigFor(hosts: readonly string[], currentHost: string, instanceType: string, networkInterfaceName = 'eth0') {
  return resourceConfigForGroups(hosts, [{ name: HOMOGENEOUS_CLUSTER, instanceType, hosts }], currentHost, networkInterfaceName);
}

/**
 * resourceconfig.json for any cluster: `current_group_name` and `current_instance_type` are the
 * current host's group's, `hosts` every host, `instance_groups` each group with its own hosts
 * (the fields TK environment.py reads, shaped as TK's own heterogeneous fixture,
 * test/unit/test_environment.py `RESOURCE_CONFIG` at 33839372faf8: hosts numbered across the groups,
 * algo-1 and algo-2 in the first group, algo-3 in the second).
 */
export function resourceConfigForGroups(hosts: readonly string[], groups: readonly ClusterInstanceGroup[], currentHost: string, networkInterfaceName = 'eth0') {
  const current = groupOfHost(groups, currentHost);
  return {
    current_host: currentHost,
    current_instance_type: current.instanceType,
    current_group_name: current.name,
    hosts: [...hosts],
    instance_groups: groups.map((g) => ({ instance_group_name: g.name, instance_type: g.instanceType, hosts: [...g.hosts] })),
    network_interface_name: networkInterfaceName,
  };
}

/** The group a host is in; a RangeError when none lists it. */
function groupOfHost(groups: readonly ClusterInstanceGroup[], host: string): ClusterInstanceGroup {
  const group = groups.find((g) => g.hosts.includes(host));
  if (!group) throw new RangeError(`Host ${host} is in none of the instance groups ${groups.map((g) => g.name).join(', ')}`);
  return group;
}

/** What TK `Environment.__init__` derives from resourceconfig.json and the framework parameters about the cluster. */
export interface ClusterView {
  currentGroup: string;
  instanceType: string;
  /** TK `get_current_instance_group_hosts`: the hosts of the first group carrying the current group's name. */
  currentGroupHosts: string[];
  /** TK `get_instance_groups`: every group's name, in order (a repeated name repeats). */
  groupNames: string[];
  /** TK `get_instance_groups_dict`: name → group dict; a repeated name keeps its first place and its last group. */
  instanceGroupsDict: PyDict;
  /** `sagemaker_distribution_instance_groups`, else the current group when a distribution flag is on. */
  distributionGroups: PyValue;
  distributionHosts: string[];
  masterHostname: string;
  isMaster: boolean;
  /** TK `_distribution_enabled`: the current group is one of the distribution groups. */
  distributionEnabled: boolean;
  /** TK `is_hetero`: more than one instance group. */
  isHetero: boolean;
}

/**
 * TK environment.py, `Environment.__init__` and the `get_*` helpers it calls, for one host of a
 * cluster of these groups (one `homogeneousCluster` group for a homogeneous job).
 */
export function clusterView(groups: readonly ClusterInstanceGroup[], hosts: readonly string[], currentHost: string, framework: PyDict): ClusterView {
  const current = groupOfHost(groups, currentHost);
  const currentGroup = current.name;
  const currentGroupHosts = [...(groups.find((g) => g.name === currentGroup)?.hosts ?? [])];
  const groupNames = groups.map((g) => g.name);
  const dictEntries: Array<[string, PyValue]> = [];
  for (const g of groups) {
    const value = fromJsValue({ instance_group_name: g.name, instance_type: g.instanceType, hosts: [...g.hosts] });
    const at = dictEntries.findIndex(([name]) => name === g.name);
    if (at >= 0) dictEntries[at] = [g.name, value];
    else dictEntries.push([g.name, value]);
  }
  // The explicit training group(s) the SDK sends for mpi and smdistributed; else, with any distribution flag on, each host's own group.
  const explicitGroups = dictGet(framework, 'sagemaker_distribution_instance_groups');
  const distributionGroups: PyValue = explicitGroups ? explicitGroups : pyList(distributionFlagged(framework) ? [pyStr(currentGroup)] : []);
  const distributionGroupNames = distributionGroups.type === 'list' ? distributionGroups.items.map((g) => pythonStr(g)) : [];
  const distributionHosts = groups.filter((g) => distributionGroupNames.includes(g.name)).flatMap((g) => [...g.hosts]);
  const masterHostname = distributionHosts[0] ?? hosts[0]!;
  return {
    currentGroup,
    instanceType: current.instanceType,
    currentGroupHosts,
    groupNames,
    instanceGroupsDict: pyDict(dictEntries),
    distributionGroups,
    distributionHosts,
    masterHostname,
    isMaster: currentHost === masterHostname,
    distributionEnabled: distributionGroupNames.includes(currentGroup),
    isHetero: groups.length > 1,
  };
}

/** inputdataconfig.json: one entry per channel, in request order. */
export function inputDataConfigFor(channels: readonly ChannelDescription[]): Record<string, Record<string, string>> {
  const config: Record<string, Record<string, string>> = {};
  for (const channel of channels) {
    const entry: Record<string, string> = {};
    if (channel.contentType) entry.ContentType = channel.contentType;
    entry.TrainingInputMode = channel.inputMode ?? 'File';
    entry.S3DistributionType = channel.distribution ?? 'FullyReplicated';
    entry.RecordWrapperType = channel.recordWrapping ?? 'None';
    if (channel.compression && channel.compression !== 'None') entry.CompressionType = channel.compression;
    config[channel.name] = entry;
  }
  return config;
}

/** TK `_entry_point_type.get`. */
export function entryPointTypeOf(entryPoint: string, codeDirEntries: readonly string[]): EntryPointType {
  if (entryPoint.endsWith('.sh')) return 'command';
  if (codeDirEntries.includes('setup.py')) return 'python-package';
  if (entryPoint.endsWith('.py')) return 'python-program';
  return 'command';
}

/** Python's `shlex.quote`. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/**
 * `os.path.join` for the separator the base path already uses: each part follows one separator,
 * none added after a path that already ends in one (`/` gives `/code`, as the toolkit's own join).
 */
function joinPath(base: string, ...parts: string[]): string {
  const separator = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  return parts.reduce((path, part) => (path.endsWith(separator) ? path + part : path + separator + part), base);
}

export function contractPaths(baseDir: string, channelNames: readonly string[]): ContractPaths {
  const inputDir = joinPath(baseDir, 'input');
  const outputDir = joinPath(baseDir, 'output');
  const inputDataDir = joinPath(inputDir, 'data');
  return {
    baseDir,
    codeDir: joinPath(baseDir, 'code'),
    modelDir: joinPath(baseDir, 'model'),
    inputDir,
    inputConfigDir: joinPath(inputDir, 'config'),
    inputDataDir,
    outputDir,
    outputDataDir: joinPath(outputDir, 'data'),
    outputIntermediateDir: joinPath(outputDir, 'intermediate'),
    failureFile: joinPath(outputDir, 'failure'),
    successFile: joinPath(outputDir, 'success'),
    channelDirs: Object.fromEntries(channelNames.map((name) => [name, joinPath(inputDataDir, name)])),
  };
}

/** Computes the whole contract for one host. */
export function computeContainerContract(input: ContainerContractInput): ContainerContract {
  const baseDir = input.baseDir ?? SAGEMAKER_BASE_PATH;
  const hosts = [...input.hosts];
  const hostIndex = hosts.indexOf(input.currentHost);
  if (hostIndex < 0) throw new RangeError(`Host ${input.currentHost} is not one of ${hosts.join(', ')}`);
  const networkInterfaceName = input.networkInterfaceName ?? 'eth0';
  const frameworkModule = input.frameworkModule === undefined ? PYTORCH_TRAINING_MODULE : input.frameworkModule;
  const notes: string[] = [];

  const decoded = decodeHyperparameters(input.hyperparameters);
  const { user, framework, reserved } = splitHyperparameters(decoded);
  const reservedValue = (key: string) => dictGet(reserved, key);

  const groups: readonly ClusterInstanceGroup[] = input.instanceGroups ?? [{ name: HOMOGENEOUS_CLUSTER, instanceType: input.instanceType, hosts }];
  const resourceConfigObject = resourceConfigForGroups(hosts, groups, input.currentHost, networkInterfaceName);
  // A channel for other instance groups is not this host's: no folder, no entry in inputdataconfig.json (so no SM_CHANNEL_*).
  const channels = channelsForGroup(input.channels, resourceConfigObject.current_group_name);
  for (const left of input.channels.filter((c) => !channels.includes(c))) {
    notes.push(
      `Channel ${left.name} is for instance group(s) ${(left.instanceGroups ?? []).join(', ')} only: this host (group ${resourceConfigObject.current_group_name}) has no ${joinPath(baseDir, 'input', 'data', left.name)}, no SM_CHANNEL_${left.name.toUpperCase()} and no ${left.name} in SM_CHANNELS or inputdataconfig.json. SageMaker documents only that the listed groups get the data; a local run leaves the channel out of other hosts' view entirely.`,
    );
  }
  const paths = contractPaths(
    baseDir,
    channels.map((c) => c.name),
  );
  const inputDataConfigObject = inputDataConfigFor(channels);
  const resourceConfig = fromJsValue(resourceConfigObject) as PyDict;
  const inputDataConfig = fromJsValue(inputDataConfigObject) as PyDict;

  // TK Environment.__init__ (SAGEMAKER_PROGRAM in the container env would win over the hyperparameter).
  const programFromEnv = input.environment?.SAGEMAKER_PROGRAM;
  const programValue = reservedValue('sagemaker_program');
  const userEntryPoint = programFromEnv ?? (programValue ? pythonStr(programValue) : undefined);
  const moduleName = parseModuleName(programFromEnv ?? pythonStr(programValue ?? pyNone));
  const submitDirectory = reservedValue('sagemaker_submit_directory');
  const moduleDir = submitDirectory ? pythonStr(submitDirectory) : paths.codeDir;
  const logLevel = reservedValue('sagemaker_container_log_level') ?? pyInt(DEFAULT_LOG_LEVEL);
  // TK get_distribution_instance_groups_from_resource_config / get_distribution_hosts / get_master_hostname.
  const cluster = clusterView(groups, hosts, input.currentHost, framework);
  const { currentGroup, instanceType, distributionHosts, masterHostname, isMaster, distributionEnabled } = cluster;

  const numNeurons = instanceType.includes('trn2.48xlarge') ? 64 : (input.numNeurons ?? 0);
  const userArgs = toCmdArgs(user);
  const jobNameValue = reservedValue('sagemaker_job_name');
  const regionValue = reservedValue('sagemaker_region');

  const { trainingEnv, envVarEntries: smEntries } = toolkitEnvironment({
    input,
    paths,
    hosts,
    cluster,
    framework,
    user,
    userArgs,
    userEntryPoint,
    moduleName,
    moduleDir,
    logLevel,
    frameworkModule,
    networkInterfaceName,
    numNeurons,
    resourceConfig,
    inputDataConfig,
  });

  // The container's own environment: CreateTrainingJob.Environment plus what the platform and the image set.
  const env: Record<string, string> = { ...(input.environment ?? {}) };
  env.TRAINING_JOB_NAME = input.jobName;
  if (frameworkModule !== null) env.SAGEMAKER_TRAINING_MODULE = frameworkModule;
  const localOnlyEnv: string[] = [];
  if (baseDir !== SAGEMAKER_BASE_PATH) {
    // TK environment.py reads it when /opt/ml does not exist; a script importing the toolkit then finds this host's folders.
    env.SAGEMAKER_BASE_DIR = baseDir;
    localOnlyEnv.push('SAGEMAKER_BASE_DIR');
  }
  // TK Environment.__init__ writes these into os.environ.
  env.SAGEMAKER_JOB_NAME = jobNameValue ? pythonStr(jobNameValue) : '';
  env.CURRENT_HOST = input.currentHost;
  env.SAGEMAKER_REGION = regionValue ? pythonStr(regionValue) : (input.region ?? '');
  // PTK train(): _set_nccl_environment and _set_distributed_environment, for every job.
  env.NCCL_SOCKET_IFNAME = networkInterfaceName;
  env.NCCL_IB_DISABLE = '1';
  env.NCCL_DEBUG = 'WARN';
  env.MASTER_ADDR = masterHostname;
  env.MASTER_PORT = String(TOOLKIT_MASTER_PORT);

  const runner: ToolkitRunner = toolkitRunner(framework, distributionEnabled);
  const entryPoint = userEntryPoint ?? '';
  const entryPointType = entryPointTypeOf(entryPoint, input.codeDirEntries ?? []);
  const processCommand = processCommandFor(entryPointType, entryPoint, userArgs, input.pythonExecutable);
  // TK runner.py `_get_by_runner_type`: a distributed runner spans `env.distribution_hosts` (node
  // rank = place there), which in a heterogeneous cluster are the training groups' hosts only.
  const launchHosts = runner === 'process' ? hosts : distributionHosts;
  const launch = RUNNER_LAUNCH[runner]({
    hosts: launchHosts,
    hostIndex: launchHosts.indexOf(input.currentHost),
    masterHostname,
    instanceType,
    framework,
    processesPerHost: processesPerHostFor(framework, input.numGpus, numNeurons),
    entryPoint,
    userArgs,
    processCommand,
    localRendezvous: input.rendezvous,
  });
  Object.assign(env, launch.env);
  localOnlyEnv.push(...launch.localOnlyEnv);
  if (input.rendezvous) {
    // What the script would see on SageMaker (the toolkit's, or the runner's such as torchrun's), then where the hosts meet here.
    const onSageMaker = `${env.MASTER_ADDR}:${env.MASTER_PORT}`;
    const port = input.rendezvous.portByMaster?.[masterHostname] ?? input.rendezvous.port;
    env.MASTER_ADDR = input.rendezvous.address;
    env.MASTER_PORT = String(port);
    notes.push(`MASTER_ADDR/MASTER_PORT are ${input.rendezvous.address}:${port} here; on SageMaker they are ${onSageMaker}.`);
  }
  notes.push(...launch.notes);

  Object.assign(env, toEnvVars(smEntries));
  // TK environment.write_env_vars puts the code directory first on sys.path.
  env.PYTHONPATH = paths.codeDir;

  notes.push(...argvNotes(userArgs));

  const hyperparametersJson = JSON.stringify(input.hyperparameters);
  return {
    host: input.currentHost,
    hostIndex,
    isMaster,
    masterHostname,
    instanceGroup: currentGroup,
    instanceType,
    distributionHosts,
    paths,
    hyperparameters: user,
    frameworkParameters: framework,
    userArgs,
    entryPoint,
    entryPointType,
    runner,
    processCommand,
    containerCommand: launch.containerCommand,
    env,
    localOnlyEnv,
    trainingEnv,
    configFiles: {
      'hyperparameters.json': hyperparametersJson,
      'resourceconfig.json': JSON.stringify(resourceConfigObject),
      'inputdataconfig.json': JSON.stringify(inputDataConfigObject),
    },
    notes,
  };
}

/** What TK `Environment` computes for a host, from the facts `computeContainerContract` gathered. */
interface EnvironmentFacts {
  input: ContainerContractInput;
  paths: ContractPaths;
  hosts: string[];
  cluster: ClusterView;
  framework: PyDict;
  user: PyDict;
  userArgs: string[];
  userEntryPoint: string | undefined;
  moduleName: string | undefined;
  moduleDir: string;
  logLevel: PyValue;
  frameworkModule: string | null;
  networkInterfaceName: string;
  numNeurons: number;
  resourceConfig: PyDict;
  inputDataConfig: PyDict;
}

/** `dict(Environment)` (SM_TRAINING_ENV) and the entries of TK `Environment.to_env_vars`, in its order. */
function toolkitEnvironment(f: EnvironmentFacts): { trainingEnv: PyDict; envVarEntries: Array<readonly [string, PyValue]> } {
  const { input, paths, hosts, cluster, framework, user, userArgs, userEntryPoint, moduleName, moduleDir, logLevel, frameworkModule } = f;
  const { networkInterfaceName, numNeurons, resourceConfig, inputDataConfig } = f;
  const { currentGroup, currentGroupHosts, groupNames, instanceGroupsDict, distributionHosts, distributionGroups, masterHostname, isMaster, isHetero } = cluster;
  const instanceGroups = pyList(groupNames.map(pyStr));
  // dict(Environment): every @property, as SM_TRAINING_ENV and the "Training Env" log show it.
  const trainingEnv = pyDict([
    ['additional_framework_parameters', framework],
    ['channel_input_dirs', fromJsValue(paths.channelDirs)],
    ['current_host', pyStr(input.currentHost)],
    ['current_instance_group', pyStr(currentGroup)],
    ['current_instance_group_hosts', fromJsValue(currentGroupHosts)],
    ['current_instance_type', pyStr(cluster.instanceType)],
    ['distribution_hosts', fromJsValue(distributionHosts)],
    ['distribution_instance_groups', distributionGroups],
    ['framework_module', frameworkModule === null ? pyNone : pyStr(frameworkModule)],
    ['hosts', fromJsValue(hosts)],
    ['hyperparameters', user],
    ['input_config_dir', pyStr(paths.inputConfigDir)],
    ['input_data_config', inputDataConfig],
    ['input_dir', pyStr(paths.inputDir)],
    ['instance_groups', instanceGroups],
    ['instance_groups_dict', instanceGroupsDict],
    ['is_hetero', pyBool(isHetero)],
    ['is_master', pyBool(isMaster)],
    // Read from SM_HP_MP_PARAMETERS before the toolkit has exported it, hence None.
    ['is_modelparallel_enabled', pyNone],
    // No smddprun/smddpmprun binaries exist outside the DLC.
    ['is_smddpmprun_installed', pyBool(false)],
    ['is_smddprun_installed', pyBool(false)],
    ['job_name', pyStr(input.jobName)],
    ['log_level', logLevel],
    ['master_hostname', pyStr(masterHostname)],
    ['model_dir', pyStr(paths.modelDir)],
    ['module_dir', pyStr(moduleDir)],
    ['module_name', moduleName === undefined ? pyNone : pyStr(moduleName)],
    ['network_interface_name', pyStr(networkInterfaceName)],
    ['num_cpus', pyInt(input.numCpus)],
    ['num_gpus', pyInt(input.numGpus)],
    ['num_neurons', pyInt(numNeurons)],
    ['output_data_dir', pyStr(paths.outputDataDir)],
    ['output_dir', pyStr(paths.outputDir)],
    ['output_intermediate_dir', pyStr(paths.outputIntermediateDir)],
    ['resource_config', resourceConfig],
    ['topology', pyList([])],
    ['user_entry_point', userEntryPoint === undefined ? pyNone : pyStr(userEntryPoint)],
  ]);

  // TK Environment.to_env_vars, in its order (later keys win on a clash, as in the dict literal).
  const smEntries: Array<readonly [string, PyValue]> = [
    ['hosts', fromJsValue(hosts)],
    ['network_interface_name', pyStr(networkInterfaceName)],
    ['hps', user],
    ['user_entry_point', userEntryPoint === undefined ? pyNone : pyStr(userEntryPoint)],
    ['framework_params', framework],
    ['resource_config', resourceConfig],
    ['input_data_config', inputDataConfig],
    ['output_data_dir', pyStr(paths.outputDataDir)],
    ['channels', pyList(Object.keys(paths.channelDirs).sort(comparePythonStrings).map(pyStr))],
    ['current_host', pyStr(input.currentHost)],
    ['current_instance_type', pyStr(cluster.instanceType)],
    ['current_instance_group', pyStr(currentGroup)],
    ['current_instance_group_hosts', fromJsValue(currentGroupHosts)],
    ['instance_groups', instanceGroups],
    ['instance_groups_dict', instanceGroupsDict],
    ['distribution_instance_groups', distributionGroups],
    ['is_hetero', pyBool(isHetero)],
    ['module_name', moduleName === undefined ? pyNone : pyStr(moduleName)],
    ['log_level', logLevel],
    ['framework_module', frameworkModule === null ? pyNone : pyStr(frameworkModule)],
    ['input_dir', pyStr(paths.inputDir)],
    ['input_config_dir', pyStr(paths.inputConfigDir)],
    ['output_dir', pyStr(paths.outputDir)],
    ['num_cpus', pyInt(input.numCpus)],
    ['num_gpus', pyInt(input.numGpus)],
    ['num_neurons', pyInt(numNeurons)],
    ['model_dir', pyStr(paths.modelDir)],
    ['module_dir', pyStr(moduleDir)],
    ['training_env', trainingEnv],
    ['user_args', pyList(userArgs.map(pyStr))],
    ['output_intermediate_dir', pyStr(paths.outputIntermediateDir)],
    ...Object.entries(paths.channelDirs).map(([name, dir]) => [`channel_${name}`, pyStr(dir)] as const),
    ...user.entries.map(([key, value]) => [`hp_${key}`, value] as const),
  ];
  return { trainingEnv, envVarEntries: smEntries };
}

/** TK Environment._parse_module_name; `str(None)` is "None" when there is no program at all. */
function parseModuleName(program: string): string {
  return program.endsWith('.py') ? program.slice(0, -3) : program;
}

/** TK ProcessRunner._create_command. */
function processCommandFor(type: EntryPointType, entryPoint: string, args: string[], python: string): string[] {
  switch (type) {
    case 'python-package':
      // Python's str.replace replaces every ".py", not just the suffix.
      return [python, '-m', entryPoint.split('.py').join(''), ...args];
    case 'python-program':
      return [python, entryPoint, ...args];
    case 'command':
      // The toolkit wraps the script in an extra pair of double quotes for its outer shell; this is what the inner one runs.
      return ['/bin/sh', '-c', `./${entryPoint} ${args.map(shellQuote).join(' ')}`];
  }
}

/**
 * PTK runs the script with capture_error=True, so TK process.create joins the command with spaces
 * and hands it to `/bin/sh` (asyncio.create_subprocess_shell): a value with blanks or shell
 * characters does not arrive as one argument, and an empty one does not arrive at all.
 */
export function shellAltersArgument(value: string): 'dropped' | 'split' | undefined {
  if (value === '') return 'dropped';
  return /[\s'"\\$`;&|<>(){}*?[\]#~!]/.test(value) ? 'split' : undefined;
}

/** Worth saying before the job costs money: see shellAltersArgument. */
function argvNotes(args: string[]): string[] {
  const notes: string[] = [];
  for (let i = 1; i < args.length; i += 2) {
    const value = args[i]!;
    const altered = shellAltersArgument(value);
    if (altered === 'dropped') {
      notes.push(`${args[i - 1]} has an empty value: the toolkit's shell drops it, so the script sees ${args[i - 1]} with no value.`);
    } else if (altered === 'split') {
      notes.push(
        `${args[i - 1]} ${JSON.stringify(value)}: SageMaker's toolkit passes the command line through /bin/sh unquoted, ` +
          'so blanks split this value and shell characters are interpreted.',
      );
    }
  }
  return notes;
}

/** The command line exactly as TK process.create gives it to the shell: `" ".join(cmd)`. */
export function toolkitCommandLine(command: readonly string[]): string {
  return command.join(' ');
}
