/**
 * Runs a training job on this machine under SageMaker's container contract, without Docker.
 *
 * Each of the job's N instances becomes a folder `<root>/<job>/algo-N/opt/ml` (standing in for
 * `/opt/ml`) and one process group running the entry point with the argv and environment that the
 * training toolkit would give it (src/core/contract). A heterogeneous cluster (instance_groups)
 * runs every host of every group, numbered across the groups in order, each seeing its own group. The job reports SageMaker's statuses and
 * ends the way SageMaker does: `output/failure` and an `AlgorithmError: …` reason on a non-zero
 * exit, `model.tar.gz`/`output.tar.gz` on success, everything killed on stop.
 */

import { createWriteStream, promises as fs } from 'node:fs';
import type { WriteStream } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { computeContainerContract, shellQuote, toolkitCommandLine } from '../core/contract/containerContract';
import type { ChannelDescription, ClusterInstanceGroup, ContainerContract } from '../core/contract/containerContract';
import { failureFileText, failureReasonFromFile, shellExitCode, toolkitErrorMessage } from '../core/contract/failureReason';
import type { ScriptFailure } from '../core/contract/failureReason';
import { encodeHyperparameter } from '../core/sagemaker/hyperparameters';
import { groupHostNames } from '../core/sagemaker/instanceGroups';
import { isTerminalStatus } from '../core/sagemaker/jobStatus';
import type { TrainingJobStatus } from '../core/sagemaker/jobStatus';
import { mergeFolders, packFolder } from './artifacts';
import type { ChannelFetcher } from '../core/contract/channelFetcher';
import { copyShard, copyTree, exists } from './fileTree';
import { LocalJobError } from './localJobError';
import { LOCAL_JOB_RECORD_VERSION, writeJobRecord } from './localJobRecord';
import type { LocalJobRecord, SecondaryStatus } from './localJobRecord';
import { cpuCount, describeMachine, detectGpuCount, findFreePort, probeInterpreter } from './machine';
import type { PythonInterpreter } from './machine';
import { SIGNAL_NUMBERS, signalProcessGroup, startProcessGroup } from './processTree';
import type { HostProcess } from './processTree';
import { IGNORE_FILE_NAME, IgnoreFileError, IgnoreRules } from '../core/sagemakerIgnore';
import { unreadableText } from '../core/folderWalk';

export const DEFAULT_LOCAL_ROOT_NAME = '.sagemaker-local';
export const DEFAULT_INTERPRETER = 'python3';
/** SageMaker waits 120 s between SIGTERM and SIGKILL; a local stop should feel quicker. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
const JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
/** Lines kept per host and stream for the failure message. */
const KEPT_LINES = 2000;
/** Stderr lines that stand in for an empty toolkit ErrorMessage. */
const FALLBACK_ERROR_LINES = 10;
/** How long output may keep arriving after a host's main process has exited. */
const PIPE_DRAIN_MS = 2000;

/** One input channel of a local run. */
export interface LocalChannel {
  /** A folder or file path (absolute, or relative to `baseDir`), a `file://` URI, or an `s3://` URI. */
  source: string;
  contentType?: string;
  distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  inputMode?: 'File' | 'Pipe' | 'FastFile';
  /** The instance groups whose hosts receive the channel (S3DataSource.InstanceGroupNames); undefined: every host. */
  instanceGroups?: readonly string[];
}

/** One instance group of a heterogeneous cluster (the SDK's `InstanceGroup`). */
export interface LocalInstanceGroup {
  name: string;
  /** The group's ml.* type: its hosts' `current_instance_type`. */
  instanceType: string;
  instanceCount: number;
}

export interface LocalJobOptions {
  jobName: string;
  /** Folder whose content becomes `opt/ml/code`. Without it only the entry point file is copied, as the SDK uploads it. */
  sourceDir?: string;
  /** Relative to `sourceDir`; without `sourceDir`, the path of the script itself. */
  entryPoint: string;
  /** Extra folders or files copied into `opt/ml/code` under their base names (the SDK's `dependencies`). */
  dependencies?: readonly string[];
  /**
   * CreateTrainingJob.HyperParameters (every value `json.dumps`-ed, `sagemaker_*` included). The
   * run points `sagemaker_program`, `sagemaker_submit_directory` (a `file://` URI, as the SDK's
   * local mode does) and `sagemaker_job_name` at itself.
   */
  hyperparameters: Readonly<Record<string, string>>;
  /** A homogeneous job's instance type and count; both absent with `instanceGroups`. */
  instanceType?: string;
  instanceCount?: number;
  /**
   * A heterogeneous cluster, instead of instanceType and instanceCount: every host of every group
   * runs, `algo-1`… numbered across the groups in this order, and each host's resourceconfig.json
   * and SM_* variables name its own group and type.
   */
  instanceGroups?: readonly LocalInstanceGroup[];
  channels?: Readonly<Record<string, LocalChannel>>;
  /** CreateTrainingJob.Environment. */
  environment?: Readonly<Record<string, string>>;
  region?: string;
  /** Folder holding local jobs (relative paths start at `baseDir`); see defaultLocalRoot. */
  root: string;
  /** Resolves relative channel paths; defaults to the process's working directory. */
  baseDir?: string;
  /** Python interpreter command; default `python3`. */
  interpreter?: string;
  /** pip-install `requirements.txt` (or the package) into that interpreter, as the toolkit would. Off by default. */
  installRequirements?: boolean;
  channelFetcher?: ChannelFetcher;
  stopGraceMs?: number;
  /** Replace an existing job folder of the same name instead of refusing. */
  overwrite?: boolean;
  /**
   * `toolkit-shell` (default on POSIX) starts the script through `/bin/sh` with the space-joined
   * command line, exactly as the toolkit does, so hyperparameters split the same way they will on
   * SageMaker; `exact` passes argv untouched.
   */
  argvMode?: 'toolkit-shell' | 'exact';
  /** The machine environment the hosts inherit; defaults to `process.env`. */
  inheritEnv?: NodeJS.ProcessEnv;
  /** Overrides `nvidia-smi` detection. */
  numGpus?: number;
  /** The TrainingImage shown in job.json. */
  trainingImage?: string;
  /** For a tuning trial: its tuning job's ARN, recorded as job.json's TuningJobArn. */
  tuningJobArn?: string;
}

export interface LocalLogLine {
  host: string;
  /** `toolkit` lines are what the training toolkit itself would log. */
  stream: 'stdout' | 'stderr' | 'toolkit';
  line: string;
  time: Date;
}

export interface LocalStatusChange {
  jobName: string;
  status: TrainingJobStatus;
  secondaryStatus: SecondaryStatus;
  message: string;
  time: Date;
  failureReason?: string;
}

export interface LocalJobListener {
  onLine?(line: LocalLogLine): void;
  onStatus?(change: LocalStatusChange): void;
}

export interface LocalJob {
  readonly jobName: string;
  readonly folder: string;
  readonly hosts: readonly string[];
  /** Resolves when the job is Completed, Failed or Stopped (never rejects). */
  readonly completion: Promise<LocalJobRecord>;
  /** SIGTERM to every host's process group, SIGKILL after the grace period; resolves with the final record. */
  stop(): Promise<LocalJobRecord>;
  /** The current record (what job.json holds). */
  record(): LocalJobRecord;
}

export function defaultLocalRoot(workspaceFolder: string): string {
  return path.join(workspaceFolder, DEFAULT_LOCAL_ROOT_NAME);
}

interface ResolvedChannel {
  name: string;
  channel: LocalChannel;
  kind: 'local' | 's3';
  /** Absolute path for local sources. */
  localPath?: string;
}

/**
 * Validates the options, creates the job folder and starts the job. Throws LocalJobError for
 * anything SageMaker would reject at CreateTrainingJob (or a missing interpreter); everything
 * after that is reported through the listener and `completion`.
 */
export async function runLocalJob(options: LocalJobOptions, listener: LocalJobListener = {}): Promise<LocalJob> {
  const baseDir = options.baseDir ?? process.cwd();
  if (!JOB_NAME_PATTERN.test(options.jobName)) {
    throw new LocalJobError('InvalidJobName', `"${options.jobName}" is not a valid training job name: use 1-63 letters, digits and hyphens, starting with a letter or digit.`, {
      jobName: options.jobName,
    });
  }
  checkInstances(options);
  const code = await resolveCode(options, baseDir);
  const channels = await resolveChannels(options, baseDir);
  const inheritEnv = options.inheritEnv ?? process.env;
  const interpreter = await probeInterpreter(options.interpreter ?? DEFAULT_INTERPRETER, inheritEnv);

  const root = path.resolve(baseDir, options.root);
  const folder = path.join(root, options.jobName);
  if (await exists(folder)) {
    if (!options.overwrite) {
      throw new LocalJobError('JobExists', `A local job named ${options.jobName} already exists in ${root}. Use another job name or delete that folder.`, { folder });
    }
    await fs.rm(folder, { recursive: true, force: true });
  }
  await fs.mkdir(folder, { recursive: true });

  const run = new LocalJobRun(options, listener, { folder, root, code, channels, interpreter, inheritEnv });
  await run.begin();
  return run.handle();
}

/** A homogeneous job's count, or each group's name and count (the validator checks job files; this checks callers). */
function checkInstances(options: LocalJobOptions): void {
  const groups = options.instanceGroups;
  if (groups === undefined) {
    if (typeof options.instanceType !== 'string' || options.instanceType === '') {
      throw new LocalJobError('InvalidOptions', 'instance_type is missing: a local run needs instance_type (local, local_gpu or an ml.* type) or instance_groups.');
    }
    if (!Number.isInteger(options.instanceCount) || options.instanceCount! < 1) {
      throw new LocalJobError('InvalidOptions', `instance_count must be a whole number of at least 1 (got ${options.instanceCount}).`);
    }
    return;
  }
  if (options.instanceType !== undefined || options.instanceCount !== undefined) {
    throw new LocalJobError('InvalidOptions', 'instance_groups replaces instance_type and instance_count: give one or the other.');
  }
  if (groups.length === 0) throw new LocalJobError('InvalidOptions', 'instance_groups is empty: list at least one group.');
  for (const [i, g] of groups.entries()) {
    if (g.name === '' || g.instanceType === '') {
      throw new LocalJobError('InvalidOptions', `instance_groups[${i}] needs an instance_group_name and an instance_type.`, { group: i });
    }
    if (!Number.isInteger(g.instanceCount) || g.instanceCount < 1) {
      throw new LocalJobError('InvalidOptions', `instance_groups[${i}] (${g.name}): instance_count must be a whole number of at least 1 (got ${g.instanceCount}).`, { group: i });
    }
  }
}

/** The cluster's groups with their hosts: `algo-1`… across the groups in order (one `homogeneousCluster` group for a homogeneous job). */
export function localClusterGroups(options: Pick<LocalJobOptions, 'instanceType' | 'instanceCount' | 'instanceGroups'>): ClusterInstanceGroup[] | undefined {
  if (options.instanceGroups === undefined) return undefined;
  const hosts = groupHostNames(options.instanceGroups.map((g) => g.instanceCount));
  return options.instanceGroups.map((g, i) => ({ name: g.name, instanceType: g.instanceType, hosts: hosts[i]! }));
}

interface ResolvedCode {
  /** Folder copied whole, or the entry point's folder when only the script is copied. */
  sourceDir: string;
  copyWholeDir: boolean;
  /** Relative to sourceDir, `/`-separated. */
  entryPoint: string;
  dependencies: string[];
}

async function resolveCode(options: LocalJobOptions, baseDir: string): Promise<ResolvedCode> {
  let sourceDir: string;
  let entryPoint: string;
  const copyWholeDir = options.sourceDir !== undefined;
  if (options.sourceDir !== undefined) {
    if (/^s3:\/\//.test(options.sourceDir)) {
      throw new LocalJobError('UnsupportedForLocalRun', 'A local run needs source_dir on this machine, not in S3. Point source_dir at a local folder.', {
        sourceDir: options.sourceDir,
      });
    }
    sourceDir = path.resolve(baseDir, options.sourceDir);
    const stat = await fs.stat(sourceDir).catch(() => undefined);
    if (!stat?.isDirectory()) {
      throw new LocalJobError('SourceDirNotFound', `source_dir ${sourceDir} is not a folder. Fix source_dir in the job file.`, { sourceDir });
    }
    entryPoint = options.entryPoint.split(path.sep).join('/');
  } else {
    const script = path.resolve(baseDir, options.entryPoint);
    sourceDir = path.dirname(script);
    entryPoint = path.basename(script);
  }
  const scriptPath = path.join(sourceDir, ...entryPoint.split('/'));
  const scriptStat = await fs.stat(scriptPath).catch(() => undefined);
  if (!scriptStat?.isFile()) {
    throw new LocalJobError('EntryPointNotFound', `Entry point ${entryPoint} does not exist in ${sourceDir}. Fix entry_point (or source_dir) in the job file.`, {
      entryPoint,
      sourceDir,
    });
  }
  const dependencies: string[] = [];
  for (const dependency of options.dependencies ?? []) {
    const resolved = path.resolve(baseDir, dependency);
    if (!(await exists(resolved))) {
      throw new LocalJobError('SourceDirNotFound', `Dependency ${resolved} does not exist. Fix dependencies in the job file.`, { dependency: resolved });
    }
    dependencies.push(resolved);
  }
  return { sourceDir, copyWholeDir, entryPoint, dependencies };
}

async function resolveChannels(options: LocalJobOptions, baseDir: string): Promise<ResolvedChannel[]> {
  const resolved: ResolvedChannel[] = [];
  for (const [name, channel] of Object.entries(options.channels ?? {})) {
    if (channel.inputMode && channel.inputMode !== 'File') {
      // Pipe and FastFile stream from S3 inside the container; locally only File mode has a meaning.
      throw new LocalJobError('UnsupportedForLocalRun', `Channel ${name} uses input_mode ${channel.inputMode}; local runs support File mode only.`, { channel: name });
    }
    const source = channel.source;
    if (source.startsWith('s3://')) {
      if (!options.channelFetcher) {
        throw new LocalJobError('ChannelNeedsFetcher', `Channel ${name} is in S3 (${source}); sign in to AWS or use a local folder for a local run.`, {
          channel: name,
        });
      }
      resolved.push({ name, channel, kind: 's3' });
      continue;
    }
    let localPath: string;
    if (source.startsWith('file://')) localPath = fileURLToPath(source);
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
      throw new LocalJobError('UnsupportedChannel', `Channel ${name}: ${source} is neither a local path, a file:// URI nor an s3:// URI.`, { channel: name });
    } else localPath = path.resolve(baseDir, source);
    if (!(await exists(localPath))) {
      throw new LocalJobError('ChannelNotFound', `Channel ${name}: ${localPath} does not exist. Fix inputs in the job file.`, { channel: name, path: localPath });
    }
    resolved.push({ name, channel, kind: 'local', localPath });
  }
  return resolved;
}

interface RunContext {
  folder: string;
  root: string;
  code: ResolvedCode;
  channels: ResolvedChannel[];
  interpreter: PythonInterpreter;
  inheritEnv: NodeJS.ProcessEnv;
}

interface HostRun {
  host: string;
  contract: ContainerContract;
  process?: HostProcess;
  exited: boolean;
  stdout: string[];
  stderr: string[];
  log: WriteStream;
}

interface HostOutcome {
  host: string;
  exitCode: number;
  /** Set when the process never started. */
  spawnError?: string;
  endedAt: number;
}

class Stopped extends Error {
  constructor() {
    super('stopped');
  }
}

class LocalJobRun {
  private readonly hosts: string[];
  /** A heterogeneous cluster's groups with their hosts; undefined for a homogeneous job. */
  private readonly groups: ClusterInstanceGroup[] | undefined;
  private readonly abort = new AbortController();
  private readonly hyperparameters: Record<string, string>;
  private state: LocalJobRecord;
  private recordWrites: Promise<void> = Promise.resolve();
  private hostRuns: HostRun[] = [];
  private stopRequested = false;
  private trainingStarted = false;
  private completionPromise!: Promise<LocalJobRecord>;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: LocalJobOptions,
    private readonly listener: LocalJobListener,
    private readonly context: RunContext,
  ) {
    this.groups = localClusterGroups(options);
    this.hosts = this.groups ? this.groups.flatMap((g) => g.hosts) : Array.from({ length: options.instanceCount! }, (_, i) => `algo-${i + 1}`);
    this.hyperparameters = {
      ...options.hyperparameters,
      sagemaker_program: encodeHyperparameter(context.code.entryPoint),
      sagemaker_submit_directory: encodeHyperparameter(pathToFileURL(context.code.sourceDir).href),
      sagemaker_job_name: encodeHyperparameter(options.jobName),
    };
    if (this.hyperparameters.sagemaker_container_log_level === undefined) this.hyperparameters.sagemaker_container_log_level = '20';
    if (this.hyperparameters.sagemaker_region === undefined && options.region) {
      this.hyperparameters.sagemaker_region = encodeHyperparameter(options.region);
    }
    const now = new Date().toISOString();
    this.state = {
      TrainingJobName: options.jobName,
      TrainingJobStatus: 'InProgress',
      SecondaryStatus: 'Starting',
      CreationTime: now,
      LastModifiedTime: now,
      HyperParameters: this.hyperparameters,
      AlgorithmSpecification: { TrainingInputMode: 'File', TrainingImage: options.trainingImage ?? `local:${context.interpreter.executable}` },
      // DescribeTrainingJob's shape: InstanceGroups instead of InstanceType and InstanceCount for a heterogeneous cluster.
      ResourceConfig: options.instanceGroups
        ? {
            InstanceGroups: options.instanceGroups.map((g) => ({ InstanceGroupName: g.name, InstanceType: g.instanceType, InstanceCount: g.instanceCount })),
            VolumeSizeInGB: 0,
          }
        : { InstanceType: options.instanceType!, InstanceCount: options.instanceCount!, VolumeSizeInGB: 0 },
      InputDataConfig: context.channels.map((c) => ({
        ChannelName: c.name,
        Source: c.channel.source,
        ...(c.channel.contentType ? { ContentType: c.channel.contentType } : {}),
        S3DataDistributionType: c.channel.distribution ?? 'FullyReplicated',
      })),
      OutputDataConfig: { S3OutputPath: `${pathToFileURL(context.root).href}/` },
      SecondaryStatusTransitions: [],
      ...(options.tuningJobArn ? { TuningJobArn: options.tuningJobArn } : {}),
      Local: {
        version: LOCAL_JOB_RECORD_VERSION,
        folder: context.folder,
        hosts: this.hosts,
        sourceDir: context.code.sourceDir,
        entryPoint: context.code.entryPoint,
        interpreter: context.interpreter.executable,
        pythonVersion: context.interpreter.version,
        packages: context.interpreter.packages,
        logFiles: Object.fromEntries(this.hosts.map((h) => [h, path.join(context.folder, 'logs', `${h}.log`)])),
        runnerPid: process.pid,
      },
    };
  }

  async begin(): Promise<void> {
    this.transition('InProgress', 'Starting', 'Preparing the instances for training');
    await this.recordWrites;
    this.completionPromise = this.execute();
  }

  handle(): LocalJob {
    return {
      jobName: this.options.jobName,
      folder: this.context.folder,
      hosts: this.hosts,
      completion: this.completionPromise,
      stop: () => this.stop(),
      record: () => structuredClone(this.state),
    };
  }

  private async stop(): Promise<LocalJobRecord> {
    // Once uploading has begun the job is as good as done, as on SageMaker.
    if (!this.isFinished() && !this.stopRequested && this.state.SecondaryStatus !== 'Uploading') {
      this.stopRequested = true;
      this.transition('Stopping', 'Stopping', 'Stopping the training job');
      this.abort.abort();
      this.terminateHosts();
    }
    return this.completionPromise;
  }

  private isFinished(): boolean {
    return isTerminalStatus(this.state.TrainingJobStatus);
  }

  private async execute(): Promise<LocalJobRecord> {
    try {
      await this.prepareHosts();
      this.checkStopped();
      this.transition('InProgress', 'Downloading', 'Downloading input data');
      await this.downloadChannels();
      this.checkStopped();
      this.transition('InProgress', 'Training', 'Training image download completed. Training in progress.');
      this.trainingStarted = true;
      this.state.TrainingStartTime = new Date().toISOString();
      const installFailure = await this.installRequirements();
      this.checkStopped();
      const failure = installFailure ?? (await this.runHosts());
      if (this.stopRequested) throw new Stopped();
      if (failure) {
        await this.finishFailed(failure.reason);
      } else {
        for (const run of this.hostRuns) await fs.writeFile(run.contract.paths.successFile, '');
        await this.finishUploaded('Completed', 'Completed', 'Training job completed');
      }
    } catch (err) {
      if (err instanceof Stopped || this.stopRequested) {
        if (this.trainingStarted) await this.finishUploaded('Stopped', 'Stopped', 'Training job stopped').catch(() => undefined);
        else this.finish('Stopped', 'Stopped', 'Training job stopped');
      } else {
        // What SageMaker reports for a platform-side problem (a download or copy that failed).
        await this.finishFailed(`ClientError: ${(err as Error).message}`).catch(() => undefined);
      }
    } finally {
      clearTimeout(this.killTimer);
      await Promise.all(this.hostRuns.map((run) => new Promise<void>((resolve) => run.log.end(() => resolve()))));
      await this.recordWrites;
    }
    return structuredClone(this.state);
  }

  private checkStopped(): void {
    if (this.stopRequested) throw new Stopped();
  }

  private async prepareHosts(): Promise<void> {
    const { folder, code, interpreter } = this.context;
    const ignore = code.copyWholeDir ? await readIgnoreFile(code.sourceDir) : IgnoreRules.empty();
    const numGpus = this.options.numGpus ?? (await detectGpuCount());
    this.state.Local.machine = describeMachine(numGpus);
    // One rendezvous port per possible master: every master is the first host of a group, and in a
    // heterogeneous cluster each group may be a world of its own (torch_distributed without a training group).
    const port = await findFreePort();
    const portByMaster: Record<string, number> = {};
    for (const group of this.groups ?? []) {
      let groupPort = await findFreePort();
      while (groupPort === port || Object.values(portByMaster).includes(groupPort)) groupPort = await findFreePort();
      portByMaster[group.hosts[0]!] = groupPort;
    }
    await fs.mkdir(path.join(folder, 'logs'), { recursive: true });
    const channelDescriptions: ChannelDescription[] = this.context.channels.map((c) => ({
      name: c.name,
      contentType: c.channel.contentType,
      distribution: c.channel.distribution,
      inputMode: 'File',
      ...(c.channel.instanceGroups !== undefined ? { instanceGroups: c.channel.instanceGroups } : {}),
    }));

    for (const host of this.hosts) {
      this.checkStopped();
      const hostBase = path.join(folder, host, 'opt', 'ml');
      const codeDir = path.join(hostBase, 'code');
      // TK files.download_and_extract: the source lands in /opt/ml/code before anything runs.
      if (code.copyWholeDir) {
        await copyTree(code.sourceDir, codeDir, { ignore, exclude: [this.context.root], signal: this.abort.signal });
      } else {
        await fs.mkdir(codeDir, { recursive: true });
        await fs.copyFile(path.join(code.sourceDir, code.entryPoint), path.join(codeDir, path.basename(code.entryPoint)));
      }
      for (const dependency of code.dependencies) {
        const target = path.join(codeDir, path.basename(dependency));
        if ((await fs.stat(dependency)).isDirectory()) await copyTree(dependency, target, { signal: this.abort.signal });
        else await fs.copyFile(dependency, target);
      }
      const contract = computeContainerContract({
        hyperparameters: this.hyperparameters,
        hosts: this.hosts,
        currentHost: host,
        channels: channelDescriptions,
        instanceType: this.options.instanceType ?? '',
        ...(this.groups ? { instanceGroups: this.groups } : {}),
        jobName: this.options.jobName,
        baseDir: hostBase,
        region: this.options.region,
        numGpus,
        numCpus: cpuCount(),
        environment: this.options.environment,
        pythonExecutable: interpreter.executable,
        codeDirEntries: await fs.readdir(codeDir),
        // algo-N are not names this machine resolves: the hosts meet on the loopback interface.
        rendezvous: { address: '127.0.0.1', port, ...(this.groups ? { portByMaster } : {}) },
      });
      if (this.groups) {
        // Every local host runs on this machine, whatever its group's type.
        contract.notes.push(
          `${host} is in instance group ${contract.instanceGroup} (${contract.instanceType}); here it gets this machine's ${numGpus} GPU(s) and ${cpuCount()} CPU(s), as every local host does, where SageMaker gives it those of a ${contract.instanceType}.`,
        );
      }
      const paths = contract.paths;
      for (const dir of [paths.modelDir, paths.inputConfigDir, paths.outputDataDir, paths.outputIntermediateDir, paths.inputDataDir]) {
        await fs.mkdir(dir, { recursive: true });
      }
      for (const [name, text] of Object.entries(contract.configFiles)) {
        await fs.writeFile(path.join(paths.inputConfigDir, name), text);
      }
      const log = createWriteStream(this.state.Local.logFiles[host]!, { flags: 'a' });
      this.hostRuns.push({ host, contract, exited: false, stdout: [], stderr: [], log });
    }
  }

  private async downloadChannels(): Promise<void> {
    for (const resolved of this.context.channels) {
      this.checkStopped();
      // The hosts whose contract has the channel: all of them, or those of its instance groups. Sharding spreads the data over these.
      const receivers = this.hostRuns.filter((run) => run.contract.paths.channelDirs[resolved.name] !== undefined);
      if (receivers.length === 0) continue;
      const hostCount = receivers.length;
      let source = resolved.localPath;
      let cache: string | undefined;
      if (resolved.kind === 's3') {
        cache = path.join(this.context.folder, '.channel-cache', resolved.name);
        await fs.mkdir(cache, { recursive: true });
        await this.options.channelFetcher!.fetchChannel({
          channel: resolved.name,
          uri: resolved.channel.source,
          destination: cache,
          signal: this.abort.signal,
        });
        source = cache;
      }
      const sourcePath = source!;
      const isFile = (await fs.stat(sourcePath)).isFile();
      for (const [shard, run] of receivers.entries()) {
        const target = run.contract.paths.channelDirs[resolved.name]!;
        await fs.mkdir(target, { recursive: true });
        if (isFile) {
          // A single object (or file) prefix lands under its own name, as in File mode.
          if (resolved.channel.distribution !== 'ShardedByS3Key' || shard === 0) {
            await fs.copyFile(sourcePath, path.join(target, path.basename(sourcePath)));
          }
        } else if (resolved.channel.distribution === 'ShardedByS3Key' && hostCount > 1) {
          await copyShard(sourcePath, target, shard, hostCount, this.abort.signal);
        } else {
          await copyTree(sourcePath, target, { signal: this.abort.signal });
        }
      }
      if (cache) await fs.rm(cache, { recursive: true, force: true });
    }
    await fs.rm(path.join(this.context.folder, '.channel-cache'), { recursive: true, force: true });
  }

  /** TK entry_point.install: requirements (or the package) go into the interpreter before the script runs. */
  private async installRequirements(): Promise<{ reason: string } | undefined> {
    const first = this.hostRuns[0]!;
    const codeDir = first.contract.paths.codeDir;
    const hasRequirements = await exists(path.join(codeDir, 'requirements.txt'));
    const isPackage = first.contract.entryPointType === 'python-package';
    if (!hasRequirements && !isPackage) return undefined;
    if (!this.options.installRequirements) {
      for (const run of this.hostRuns) {
        this.emit(
          run,
          'toolkit',
          `${isPackage ? 'setup.py' : 'requirements.txt'} found, but installing packages is off for local runs: ` +
            'install them into the interpreter yourself, or allow installing requirements.',
        );
      }
      return undefined;
    }
    // One interpreter serves every local host, so one install is enough.
    const args = isPackage ? ['-m', 'pip', 'install', '.', ...(hasRequirements ? ['-r', 'requirements.txt'] : [])] : ['-m', 'pip', 'install', '-r', 'requirements.txt'];
    const command = [this.context.interpreter.executable, ...args];
    this.emit(first, 'toolkit', isPackage ? 'Installing module.' : 'Installing dependencies from requirements.txt');
    const outcome = await this.runProcess(first, command, codeDir, this.hostEnv(first));
    if (outcome.exitCode === 0 || this.stopRequested) {
      first.stdout.length = 0;
      first.stderr.length = 0;
      return undefined;
    }
    const failure: ScriptFailure = {
      errorClass: isPackage ? 'InstallModuleError' : 'InstallRequirementsError',
      exitCode: outcome.exitCode,
      errorMessage: this.errorMessage(first, outcome),
      command: toolkitCommandLine(command),
    };
    return { reason: await this.writeFailure(first, failure) };
  }

  private hostEnv(run: HostRun): NodeJS.ProcessEnv {
    const inherited = this.context.inheritEnv;
    const env: NodeJS.ProcessEnv = { ...inherited, ...run.contract.env };
    // TK write_env_vars: the code folder first, then the toolkit's own sys.path (here: the user's PYTHONPATH).
    if (inherited.PYTHONPATH) env.PYTHONPATH = `${run.contract.env.PYTHONPATH}${path.delimiter}${inherited.PYTHONPATH}`;
    env.PYTHONUNBUFFERED = inherited.PYTHONUNBUFFERED ?? '1'; // lines should arrive while they happen, as in CloudWatch
    return env;
  }

  private async runHosts(): Promise<{ reason: string } | undefined> {
    const shell = (this.options.argvMode ?? (process.platform === 'win32' ? 'exact' : 'toolkit-shell')) === 'toolkit-shell';
    let firstFailure: { run: HostRun; outcome: HostOutcome } | undefined;
    await Promise.all(
      this.hostRuns.map(async (run) => {
        const contract = run.contract;
        const command = contract.processCommand;
        for (const note of contract.notes) this.emit(run, 'toolkit', note);
        this.emit(run, 'toolkit', 'Invoking script with the following command:');
        this.emit(run, 'toolkit', toolkitCommandLine(command));
        let launch: string[] = command;
        if (shell && contract.entryPointType !== 'command') {
          // TK process.create: " ".join(cmd) through /bin/sh. Only the interpreter path is quoted, in case it has blanks.
          launch = ['/bin/sh', '-c', [shellQuote(command[0]!), ...command.slice(1)].join(' ')];
        }
        if (contract.entryPointType === 'command') await fs.chmod(path.join(contract.paths.codeDir, contract.entryPoint), 0o777);
        const outcome = await this.runProcess(run, launch, contract.paths.codeDir, this.hostEnv(run));
        if (outcome.exitCode !== 0 && !this.stopRequested && !firstFailure) {
          firstFailure = { run, outcome };
          // One failed instance fails the job: SageMaker tears the others down.
          this.terminateHosts();
        }
      }),
    );
    if (!firstFailure || this.stopRequested) return undefined;
    const { run, outcome } = firstFailure;
    const failure: ScriptFailure = {
      errorClass: 'ExecuteUserScriptError',
      exitCode: outcome.exitCode,
      errorMessage: outcome.spawnError ?? this.errorMessage(run, outcome),
      command: toolkitCommandLine(run.contract.processCommand),
    };
    return { reason: await this.writeFailure(run, failure) };
  }

  private errorMessage(run: HostRun, outcome: HostOutcome): string {
    const message = toolkitErrorMessage(run.stdout, run.stderr);
    if (message || outcome.spawnError) return message;
    // SageMaker would leave ErrorMessage empty when no line names an error class; the last stderr lines help more.
    return run.stderr.slice(-FALLBACK_ERROR_LINES).join('\n').trim();
  }

  /** TK files.write_failure_file: keeps a failure file the script wrote itself. */
  private async writeFailure(run: HostRun, failure: ScriptFailure): Promise<string> {
    const file = run.contract.paths.failureFile;
    let text = await fs.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) {
      text = failureFileText(failure);
      await fs.writeFile(file, text);
    }
    return failureReasonFromFile(text);
  }

  private runProcess(run: HostRun, command: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<HostOutcome> {
    return new Promise((resolve) => {
      let child: HostProcess;
      try {
        child = startProcessGroup({ command: command[0]!, args: command.slice(1), cwd, env });
      } catch (err) {
        resolve({ host: run.host, exitCode: 127, spawnError: (err as Error).message, endedAt: Date.now() });
        return;
      }
      run.process = child;
      run.exited = false;
      if (child.pid !== undefined) {
        // The dashboard and `metrics` read each host's CPU and memory from its process group (/proc).
        this.state.Local.processGroups = { ...this.state.Local.processGroups, [run.host]: child.pid };
        this.persist();
      }
      let exitCode: number | undefined;
      let spawnError: string | undefined;
      this.pipeLines(run, child.stdout, 'stdout');
      this.pipeLines(run, child.stderr, 'stderr');
      child.once('error', (err) => {
        spawnError = err.message;
        exitCode ??= 127;
      });
      let settled = false;
      const settle = () => {
        if (settled) return;
        settled = true;
        run.exited = true;
        resolve({ host: run.host, exitCode: exitCode ?? 1, spawnError, endedAt: Date.now() });
      };
      child.once('exit', (code, signal) => {
        exitCode = shellExitCode(code, signal, SIGNAL_NUMBERS);
        run.exited = true;
        // The container ends with its main process: whatever the script left running goes too.
        if (child.pid !== undefined) signalProcessGroup(child.pid, 'SIGKILL');
        // A process that left the group (setsid) may still hold the pipes; do not wait for it forever.
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
          settle();
        }, PIPE_DRAIN_MS).unref();
      });
      child.once('close', settle);
    });
  }

  private pipeLines(run: HostRun, stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr'): void {
    const decoder = new StringDecoder('utf8');
    let pending = '';
    const flush = (text: string) => {
      // A terminal shows what follows the last carriage return (progress bars redraw that way).
      const line = text.endsWith('\r') ? text.slice(0, -1) : text;
      const shown = line.includes('\r') ? line.slice(line.lastIndexOf('\r') + 1) : line;
      this.emit(run, name, shown);
    };
    stream.on('data', (chunk: Buffer) => {
      pending += decoder.write(chunk);
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        flush(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      if (pending.length > 1 << 20) {
        flush(pending);
        pending = '';
      }
    });
    stream.on('end', () => {
      pending += decoder.end();
      if (pending) flush(pending);
      pending = '';
    });
  }

  private emit(run: HostRun, stream: LocalLogLine['stream'], line: string): void {
    if (stream !== 'toolkit') {
      const kept = stream === 'stdout' ? run.stdout : run.stderr;
      kept.push(line);
      if (kept.length > KEPT_LINES) kept.splice(0, kept.length - KEPT_LINES);
    }
    run.log.write(`${line}\n`);
    notify(() => this.listener.onLine?.({ host: run.host, stream, line, time: new Date() }));
  }

  private terminateHosts(): void {
    const grace = this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    for (const run of this.hostRuns) {
      if (run.process?.pid !== undefined && !run.exited) signalProcessGroup(run.process.pid, 'SIGTERM');
    }
    clearTimeout(this.killTimer);
    this.killTimer = setTimeout(() => {
      for (const run of this.hostRuns) {
        if (run.process?.pid !== undefined && !run.exited) signalProcessGroup(run.process.pid, 'SIGKILL');
      }
    }, grace);
  }

  private async finishFailed(reason: string): Promise<void> {
    this.state.FailureReason = reason;
    this.finish('Failed', 'Failed', 'Training job failed');
  }

  /** SageMaker uploads what the model and output/data folders hold after success and after a stop. */
  private async finishUploaded(status: TrainingJobStatus, secondary: SecondaryStatus, message: string): Promise<void> {
    this.transition(this.stopRequested ? 'Stopping' : 'InProgress', 'Uploading', 'Uploading generated training model');
    const outputDir = path.join(this.context.folder, 'output');
    const staging = path.join(this.context.folder, '.upload');
    try {
      const modelArtifact = path.join(outputDir, 'model.tar.gz');
      await mergeFolders(
        this.hostRuns.map((r) => r.contract.paths.modelDir),
        path.join(staging, 'model'),
      );
      await packFolder(path.join(staging, 'model'), modelArtifact);
      const outputArtifact = path.join(outputDir, 'output.tar.gz');
      await mergeFolders(
        this.hostRuns.map((r) => r.contract.paths.outputDataDir),
        path.join(staging, 'data'),
      );
      await packFolder(path.join(staging, 'data'), outputArtifact);
      this.state.ModelArtifacts = { S3ModelArtifacts: pathToFileURL(modelArtifact).href };
      this.state.Local.modelArtifact = modelArtifact;
      this.state.Local.outputArtifact = outputArtifact;
    } finally {
      await fs.rm(staging, { recursive: true, force: true });
    }
    this.finish(status, secondary, message);
  }

  private finish(status: TrainingJobStatus, secondary: SecondaryStatus, message: string): void {
    const end = new Date();
    if (this.state.TrainingStartTime) {
      this.state.TrainingEndTime = end.toISOString();
      this.state.TrainingTimeInSeconds = Math.max(0, Math.round((end.getTime() - Date.parse(this.state.TrainingStartTime)) / 1000));
    }
    this.transition(status, secondary, message, end, true);
  }

  /** Writes job.json as the state is now (writes are queued, so they land in order). */
  private persist(): void {
    const snapshot = structuredClone(this.state);
    this.recordWrites = this.recordWrites.then(() => writeJobRecord(snapshot)).catch(() => undefined);
  }

  private transition(status: TrainingJobStatus, secondary: SecondaryStatus, message: string, time = new Date(), final = false): void {
    const iso = time.toISOString();
    const transitions = this.state.SecondaryStatusTransitions;
    const previous = transitions.at(-1);
    if (previous && !previous.EndTime) previous.EndTime = iso;
    transitions.push({ Status: secondary, StartTime: iso, StatusMessage: message, ...(final ? { EndTime: iso } : {}) });
    this.state.TrainingJobStatus = status;
    this.state.SecondaryStatus = secondary;
    this.state.LastModifiedTime = iso;
    this.persist();
    notify(() =>
      this.listener.onStatus?.({
        jobName: this.options.jobName,
        status,
        secondaryStatus: secondary,
        message,
        time,
        ...(this.state.FailureReason && status === 'Failed' ? { failureReason: this.state.FailureReason } : {}),
      }),
    );
  }
}

/** A listener that throws (a closed output channel, say) must not take the running job down with it. */
function notify(call: () => void): void {
  try {
    call();
  } catch {
    // the job goes on; its log file and job.json still have everything
  }
}

/** source_dir's `.sagemakerignore` (none: nothing ignored); an unreadable file or an unusable line is a LocalJobError naming it. */
async function readIgnoreFile(sourceDir: string): Promise<IgnoreRules> {
  const file = path.join(sourceDir, IGNORE_FILE_NAME);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return IgnoreRules.empty();
    throw new LocalJobError('PathUnreadable', `${unreadableText('file', file, code)}. Make it readable, or remove it.`, { path: file, errno: code });
  }
  try {
    return IgnoreRules.parse(text, file);
  } catch (err) {
    if (err instanceof IgnoreFileError) throw new LocalJobError('IgnoreFileInvalid', err.message, { path: file, line: err.problems[0]?.line });
    throw err;
  }
}
