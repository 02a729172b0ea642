import * as path from 'path';
import { isScalar } from 'yaml';
import { regionPartition, resolveTrainingImage } from '../catalog/huggingfaceImages';
import type { ImageField } from '../catalog/huggingfaceImages';
import { resolveTrainingCompilerImage } from '../catalog/trainingCompilerImages';
import { findInstanceType, isGpuInstanceType, isSmddpUnsupported, listInstanceTypes, SMDDP_SUPPORTED_INSTANCE_TYPES } from '../catalog/instanceTypes';
import { shellAltersArgument, toCmdArgs } from '../contract/containerContract';
import { fromJsValue, pyDict } from '../contract/pythonValue';
import { debuggerRefusals, debuggerWarnings } from '../sagemaker/debugger';
import { enabledStrategies, sdkDistributionHyperparameters, sdkDistributionRefusals, sdkIgnoredStrategies, sdkTrainInstanceGroups } from '../sagemaker/distribution';
import { channelInstanceGroupRefusals } from '../sagemaker/channels';
import { duplicateGroupNames, imageInstanceType, instanceGroupRefusals, instanceGroupsOf, TUNING_INSTANCE_GROUPS_REFUSAL } from '../sagemaker/instanceGroups';
import { instanceCandidates, instancePreferenceFindings, specOnCandidate, TUNING_INSTANCE_PREFERENCES_REFUSAL, usesInstancePreferences } from '../sagemaker/instancePreferences';
import { isRecord } from '../isRecord';
import { firstSentence, JOB_SCHEMA } from './schemaValidation';
import { environmentProblems, gitCredentialProblems } from './credentialFlows';
import { excerpt as q } from '../excerpt';
import { closestMatch } from './didYouMean';
import { ignoreFileProblems } from './ignoreFileCheck';
import type { JobDocument, JsonPath } from './jobDocument';
import type { JobSpec } from './jobSpec';
import type { Problem, ProblemFix } from './problem';
import { quoteAsWritten, replaceScalar } from './quickFixes';
import { SECRET_NAME } from '../sagemaker/secrets';
import { trainingCompilerFindings } from '../sagemaker/trainingCompiler';
import { checkTuning } from './tuningChecks';

/** What the checks may ask of the outside world. All optional: without them, file checks are skipped. */
export interface JobFileContext {
  /** Folder the job file lives in: relative source_dir and dependencies resolve against it. */
  baseDir?: string;
  /** Whether a path exists, and whether it is a directory. */
  stat?: (absolutePath: string) => { isDirectory: boolean } | undefined;
  /** A small text file's content (source_dir's `.sagemakerignore`), undefined when absent or unreadable. */
  readText?: (absolutePath: string) => string | undefined;
  /** The region the job will launch in when the file names none (settings, AWS profile). */
  defaultRegion?: string;
}

export const VERSION_KEYS = ['transformers_version', 'pytorch_version', 'tensorflow_version', 'py_version'];

/** CreateTrainingJob's HyperParameters map: at most 100 entries, keys ≤ 256 and values ≤ 2500 characters (API reference). */
export const HYPERPARAMETER_LIMITS = { entries: 100, keyLength: 256, valueLength: 2500 };

/** Keys the SDK adds to every script-mode job: submit directory, program, log level, job name, region. */
const SDK_ADDED_HYPERPARAMETERS = 5;

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
// No repeated groups in the patterns applied to whole values: V8 keeps a backtracking entry per
// repetition of a group, and a 5 MB value overflows its stack (RangeError) instead of not matching.
/** CreateTrainingJob's RoleArn has at most 2048 characters (an IAM path ≤ 512, a name ≤ 64). */
const ROLE_ARN_MAX = 2048;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
/** Letters and digits with hyphens between them (`-*` allows several in a row), as SageMaker's job-name pattern has it. */
const JOB_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;
const ENV_REFERENCE = /^\$\{env:[A-Za-z_][A-Za-z0-9_]*\}$/;

export function semanticProblems(doc: JobDocument, spec: JobSpec, context: JobFileContext): Problem[] {
  const out: Problem[] = [];
  const add: Add = (severity, code, p, message, on = 'value', fixes) => {
    out.push(doc.problem(severity, code, p, shortWords(message), on, fixes));
  };

  checkVersionsAreStrings(doc, add);
  checkImage(spec, context, add);
  checkInstancePreferences(spec, add);
  checkInstanceType(doc, spec, add);
  checkInstanceGroups(spec, add);
  checkChannelInstanceGroups(doc, spec, add);
  perCandidate(spec, add, checkDistribution);
  checkRole(spec, add);
  checkS3Uris(spec, context, add);
  checkJobName(spec, add);
  checkSpot(spec, add);
  checkHyperparameters(spec, add);
  checkGitConfig(spec, add);
  checkCredentialFlows(spec, add);
  checkSourceFiles(spec, context, add);
  checkMisc(spec, add);
  checkContainerEntryPoint(spec, add);
  checkTrainingRepository(spec, add);
  checkModelChannel(spec, add);
  perCandidate(spec, add, checkDebugger);
  perCandidate(spec, add, checkTrainingCompiler);
  checkTuning(doc, spec, add);
  return out;
}

/** What TrainingCompilerConfig.validate raises (errors) and logs (warnings). */
function checkTrainingCompiler(spec: JobSpec, add: Add): void {
  if (typeof spec.compiler_config !== 'object' || spec.compiler_config === null) return;
  for (const f of trainingCompilerFindings(spec)) add(f.severity, f.code, [...f.path], f.message, 'key');
}

/** What the SDK raises for rules, the Debugger hook and the profiler; region-bound refusals only when the file names its region. */
function checkDebugger(spec: JobSpec, add: Add): void {
  if (typeof spec.instance_type !== 'string' && !Array.isArray(spec.instance_groups)) return;
  for (const refusal of debuggerRefusals(spec, str(spec.region) ?? '')) add('error', refusal.code, [...refusal.path], refusal.message, refusal.on ?? 'key');
  for (const warning of debuggerWarnings(spec)) add('warning', warning.code, [...warning.path], warning.message, 'key');
}

type Add = (severity: Problem['severity'], code: string, p: JsonPath, message: string, on?: 'key' | 'value', fixes?: readonly ProblemFix[]) => void;

/** `pytorch_version: 1.10` is the float 1.1 in YAML: the job would ask for a version nobody meant. */
function checkVersionsAreStrings(doc: JobDocument, add: Add): void {
  for (const key of VERSION_KEYS) {
    const node = doc.nodeAt([key]);
    if (!isScalar(node) || typeof node.value !== 'number') continue;
    const written = doc.sourceOf(node) ?? String(node.value);
    const denotes = String(node.value);
    const meaning = written === denotes ? `the number ${q(denotes)}` : `the number ${q(denotes)}, not "${q(written)}"`;
    add(
      'error',
      'version.yamlNumber',
      [key],
      `\`${key}: ${q(written)}\` is ${meaning} in YAML. Quote it: ${key}: "${q(written)}".`,
      'value',
      quoteAsWritten(doc.writtenScalar([key])),
    );
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function checkImage(spec: JobSpec, context: JobFileContext, add: Add): void {
  const region = str(spec.region) ?? context.defaultRegion;
  if (str(spec.region) !== undefined && !regionPartition(spec.region!)) {
    add('error', 'region.invalid', ['region'], `\`${q(spec.region!)}\` is not an AWS region name (for example us-east-1, eu-west-1, cn-north-1).`);
    return;
  }
  if (str(spec.image_uri)) {
    if (spec.transformers_version !== undefined || spec.pytorch_version !== undefined || spec.tensorflow_version !== undefined) {
      add(
        'info',
        'image.overrides',
        ['image_uri'],
        'image_uri is used as given; transformers_version, pytorch_version and tensorflow_version only name the image and are not checked.',
        'key',
      );
    }
    return;
  }
  if (spec.pytorch_version !== undefined && spec.tensorflow_version !== undefined) {
    add('error', 'image.twoFrameworks', ['tensorflow_version'], 'Set pytorch_version or tensorflow_version, not both: a Hugging Face image is built on one of them.', 'key');
    return;
  }
  const versions = [spec.transformers_version, spec.pytorch_version, spec.tensorflow_version, spec.py_version];
  if (versions.some((v) => v !== undefined && typeof v !== 'string')) return; // reported as YAML numbers or by the schema
  if (spec.transformers_version === undefined) {
    add(
      'error',
      'image.noVersions',
      ['transformers_version'],
      'Set transformers_version (with pytorch_version or tensorflow_version and py_version) to pick a Hugging Face training image, or set image_uri.',
      'key',
    );
    return;
  }
  if (spec.pytorch_version === undefined && spec.tensorflow_version === undefined) {
    add('error', 'image.noFramework', ['transformers_version'], 'Set pytorch_version or tensorflow_version: the SDK needs one of them to pick the image.', 'key');
    return;
  }
  const request = {
    transformersVersion: spec.transformers_version,
    ...(spec.pytorch_version !== undefined ? { pytorchVersion: spec.pytorch_version } : {}),
    ...(spec.tensorflow_version !== undefined ? { tensorflowVersion: spec.tensorflow_version } : {}),
    ...(spec.py_version !== undefined ? { pyVersion: spec.py_version } : {}),
  };
  // With compiler_config the SDK looks the image up in the Training Compiler's table instead.
  const resolution =
    typeof spec.compiler_config === 'object' && spec.compiler_config !== null
      ? resolveTrainingCompilerImage(request, region ?? 'us-east-1')
      : resolveTrainingImage(request, region ?? 'us-east-1');
  if (!resolution.ok) {
    const field: ImageField = resolution.field;
    if (field === 'region' && !str(spec.region)) return; // the default region is not the file's fault
    add('error', 'image.matrix', [field], sentence(resolution.message));
  }
}

/**
 * The SDK's checks of one instance_type, made for every type instance_preferences lists (SageMaker
 * may pick any): each candidate is checked as the job's instance_type, a problem about the type is
 * reported at the candidate, and a problem found for several candidates is reported once.
 */
function perCandidate(spec: JobSpec, add: Add, check: (spec: JobSpec, add: Add) => void): void {
  if (!usesInstancePreferences(spec)) {
    check(spec, add);
    return;
  }
  const seen = new Set<string>();
  for (const candidate of instanceCandidates(spec)) {
    // A problem about the type is at the candidate; one about the count at the entry that gives it.
    const entry = candidate.path.slice(0, 2);
    const moved = (p: JsonPath) => p[0] === 'instance_type' || (p[0] === 'instance_count' && spec.instance_count === undefined && p.length === 1 ? true : false);
    check(specOnCandidate(spec, candidate), (severity, code, p, message, on, fixes) => {
      const at = !moved(p) ? p : p[0] === 'instance_type' ? [...candidate.path, ...p.slice(1)] : entry;
      const key = `${code}|${at.join('.')}|${message}`;
      if (seen.has(key)) return;
      seen.add(key);
      add(severity, code, at, message, moved(p) ? 'value' : on, fixes);
    });
  }
}

/** What CreateTrainingJob (and CreateHyperParameterTuningJob) refuse about instance_preferences (core/sagemaker/instancePreferences.ts). */
function checkInstancePreferences(spec: JobSpec, add: Add): void {
  for (const f of instancePreferenceFindings(spec)) add('error', f.code, [...f.path], f.message, f.on);
  if (spec.tuning !== undefined && usesInstancePreferences(spec)) add('error', 'tuning.instancePreferences', ['instance_preferences'], TUNING_INSTANCE_PREFERENCES_REFUSAL, 'key');
  // The training image is chosen once for the job, and GPU, Trainium and CPU instances need different
  // images: every type SageMaker may pick must be of the first one's kind.
  const candidates = instanceCandidates(spec);
  const first = candidates[0];
  if (!usesInstancePreferences(spec) || !first) return;
  const kind = processorKind(first.instanceType);
  for (const c of candidates.slice(1)) {
    const other = processorKind(c.instanceType);
    if (other === kind) continue;
    add(
      'error',
      'instancePreferences.mixedProcessors',
      [...c.path],
      `${q(c.instanceType)} is a ${other} instance and the first preference ${q(first.instanceType)} a ${kind} one: the job has one training image, and ${kind} and ${other} instances need different ones. List only ${kind} types.`,
    );
  }
}

function processorKind(type: string): 'GPU' | 'Trainium' | 'CPU' {
  if (isGpuInstanceType(type)) return 'GPU';
  return findInstanceType(type)?.accelerator === 'Trainium' || /^ml\.trn/.test(type) ? 'Trainium' : 'CPU';
}

function checkInstanceType(doc: JobDocument, spec: JobSpec, add: Add): void {
  // instance_type, each instance group's type, or each instance_preferences type: known to the catalog?
  const groups = instanceGroupsOf(spec);
  const written: Array<{ type: string | undefined; path: JsonPath }> = groups
    ? groups.map((g) => ({ type: g.type, path: ['instance_groups', g.index, 'instance_type'] }))
    : usesInstancePreferences(spec)
      ? instanceCandidates(spec).map((c) => ({ type: c.instanceType, path: [...c.path] }))
      : [{ type: str(spec.instance_type), path: ['instance_type'] }];
  for (const { type, path: at } of written) {
    if (!type || type === 'local' || type === 'local_gpu') continue;
    if (findInstanceType(type)) continue;
    if (!/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(type)) continue; // the schema's pattern reports the shape
    const guess = closestMatch(
      type,
      listInstanceTypes().map((t) => t.name),
    );
    add(
      'warning',
      'instance.unknown',
      at,
      `\`${q(type)}\` is not a SageMaker training instance type this extension knows${guess ? `; did you mean \`${guess}\`?` : '.'} If it is new, launch will still try it.`,
      'value',
      guess ? replaceScalar(doc.writtenScalar(at), guess, `Change to ${guess}`) : [],
    );
  }
  // The image is chosen for one type: instance_type, or with groups the first GPU group's, else the first group's.
  if (usesInstancePreferences(spec)) {
    // The image is chosen for the first preference, but SageMaker may run any: each CPU type is reported at its entry.
    if (str(spec.image_uri)) return;
    for (const c of instanceCandidates(spec)) {
      if (!findInstanceType(c.instanceType) || isGpuInstanceType(c.instanceType)) continue;
      add(
        'error',
        'instance.noGpu',
        [...c.path],
        `\`${q(c.instanceType)}\` has no GPU, and the Hugging Face training images are GPU-only (the SDK fails with "Unsupported processor: cpu"). Pick a GPU type such as ml.g5.xlarge, or set image_uri.`,
      );
    }
    return;
  }
  const imageType = imageInstanceType(spec);
  if (!imageType || imageType === 'local' || imageType === 'local_gpu' || !findInstanceType(imageType)) return;
  if (!str(spec.image_uri) && !isGpuInstanceType(imageType)) {
    const at: JsonPath = groups ? ['instance_groups', groups.find((g) => g.type === imageType)?.index ?? 0, 'instance_type'] : ['instance_type'];
    add(
      'error',
      'instance.noGpu',
      at,
      groups
        ? `No instance group has a GPU, and the Hugging Face training images are GPU-only: the SDK picks the image for the first group's type, \`${q(imageType)}\`, and fails with "Unsupported processor: cpu". Make one group a GPU type such as ml.g5.xlarge, or set image_uri.`
        : `\`${q(imageType)}\` has no GPU, and the Hugging Face training images are GPU-only (the SDK fails with "Unsupported processor: cpu"). Pick a GPU type such as ml.g5.xlarge, or set image_uri.`,
    );
  }
}

/** What the SDK refuses about instance_groups, a job with none of instance_type, instance_groups and instance_preferences, and group names the container cannot tell apart. */
function checkInstanceGroups(spec: JobSpec, add: Add): void {
  // A tuning job cannot carry the groups (so a local tuning run, whose trials would be heterogeneous, is refused here too).
  if (spec.tuning !== undefined && spec.instance_groups !== undefined) add('error', 'tuning.instanceGroups', ['instance_groups'], TUNING_INSTANCE_GROUPS_REFUSAL, 'key');
  for (const refusal of instanceGroupRefusals(spec)) {
    if (refusal.code === 'instanceGroups.missing') {
      // As the schema's `required` says it, with the alternative and the SDK's reason.
      const about = JOB_SCHEMA.properties?.instance_type?.description;
      add(
        'error',
        'schema.required',
        ['instance_type'],
        `Missing required key \`instance_type\`.${about ? ` ${firstSentence(about)}` : ''} Or instance_groups, for a heterogeneous cluster; or instance_preferences, an ordered list of up to 5 types SageMaker picks one of by capacity. Write exactly one of the three (the SageMaker SDK refuses a job with none: "instance_count and instance_type must be set if instance_groups is not set").`,
        'key',
      );
    } else {
      add('error', refusal.code, [...refusal.path], refusal.message, 'key');
    }
  }
  for (const d of duplicateGroupNames(spec)) {
    add(
      'warning',
      'instanceGroups.duplicateName',
      ['instance_groups', d.index, 'instance_group_name'],
      `Instance groups ${d.first + 1} and ${d.index + 1} are both named ${q(d.name)}. The SDK sends them, but the training toolkit keys the container's groups by name (SM_INSTANCE_GROUPS_DICT), so one of them disappears from every host's view, and distribution.instance_groups cannot say which trains. Give each group its own name.`,
    );
  }
  const groups = instanceGroupsOf(spec) ?? [];
  const d = spec.distribution;
  const launcher = isRecord(d) ? (['pytorchddp', 'torch_distributed'] as const).find((k) => isRecord(d[k])) : undefined;
  if (groups.length > 1 && launcher !== undefined && isRecord(d) && enabled(d[launcher])) {
    add(
      'warning',
      'instanceGroups.launcherEveryGroup',
      ['distribution', launcher],
      `With ${launcher} the SDK sends no training group (no sagemaker_distribution_instance_groups), so SageMaker's training toolkit starts ${launcher === 'torch_distributed' ? 'torchrun' : 'the launcher'} in every instance group, each group as its own world with its own master: the groups do not train together, and every group runs the entry point. Use mpi (which sends the group), or branch on SM_CURRENT_INSTANCE_GROUP in the script.`,
      'key',
    );
  }
}

/** A channel's instance_groups: only the job's own groups can receive it (core/sagemaker/channels.ts). */
function checkChannelInstanceGroups(doc: JobDocument, spec: JobSpec, add: Add): void {
  for (const refusal of channelInstanceGroupRefusals(spec)) {
    const at = [...refusal.path];
    const fixes = refusal.suggestion !== undefined ? replaceScalar(doc.writtenScalar(at), refusal.suggestion, `Change to ${refusal.suggestion}`) : [];
    add('error', refusal.code, at, refusal.message, refusal.value !== undefined ? 'value' : 'key', fixes);
  }
}

function enabled(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as { enabled?: unknown }).enabled === true;
}

function checkDistribution(spec: JobSpec, add: Add): void {
  const d = spec.distribution;
  if (typeof d !== 'object' || d === null) {
    if ((spec.instance_count ?? 1) > 1 && spec.distribution === undefined) {
      add(
        'info',
        'distribution.none',
        ['instance_count'],
        `With instance_count ${spec.instance_count} and no distribution, every instance runs the script on its own: set distribution (e.g. torch_distributed) for data-parallel training.`,
      );
    }
    return;
  }
  const smddp = enabled(d.smdistributed?.dataparallel);
  const smp = enabled(d.smdistributed?.modelparallel);
  const strategies = enabledStrategies(d);
  const ignored = sdkIgnoredStrategies(d);
  // Blocks the SDK ignores are warned about below; the rest must be one choice.
  const effective = strategies.filter((id) => !ignored.some((i) => i.strategy.id === id));
  if (effective.length > 1) {
    add('error', 'distribution.conflict', ['distribution'], `Choose one distribution strategy; this file enables ${effective.join(' and ')}.`, 'key');
  }
  for (const { strategy, message } of ignored) add('warning', 'distribution.ignored', ['distribution', ...strategy.path], message, 'key');
  // What HuggingFace(...) raises (fit()'s image and p5 checks are reported by smdistributed.p5 below).
  // With instance_groups the p5 refusal is the SDK's own (any group's type); without, smdistributed.p5 below says it.
  const groupsWritten = spec.instance_groups !== undefined;
  for (const refusal of sdkDistributionRefusals(spec).filter((r) => (groupsWritten || r.code !== 'distribution.p5Unsupported') && r.code !== 'distribution.imageUnsupported')) {
    add('error', refusal.code, [...refusal.path], refusal.message, 'key');
  }
  if (smp && !enabled(d.mpi) && !ignored.some((i) => i.strategy.id === 'smdistributed.modelparallel')) {
    // The SDK sends mp_parameters without sagemaker_mpi_enabled; the PyTorch toolkit then starts one
    // plain process per host, and transformers' is_sagemaker_mp_enabled() is false without the MPI flag.
    add(
      'warning',
      'distribution.smpNeedsMpi',
      ['distribution', 'smdistributed', 'modelparallel'],
      "Without distribution.mpi.enabled: true the job runs, but not model parallel: SageMaker's training toolkit starts one plain process per host, and the Hugging Face Trainer turns smdistributed.modelparallel on only under MPI. Also set mpi.enabled: true (and processes_per_host).",
      'key',
    );
  }
  // The type the SDK's distribution checks read: instance_type, or the training group's.
  const trainIndex = sdkTrainInstanceGroups(d, spec.instance_groups).trainIndex;
  const type = groupsWritten ? (trainIndex !== undefined ? instanceGroupsOf(spec)?.[trainIndex]?.type : undefined) : str(spec.instance_type);
  const smdistributedIgnored = ignored.some((i) => i.strategy.id.startsWith('smdistributed.'));
  if ((smddp || smp) && type && !smdistributedIgnored) {
    const path = ['distribution', 'smdistributed', smddp ? 'dataparallel' : 'modelparallel'];
    if (!groupsWritten && /^ml\.p5[a-z]*\./.test(type)) {
      add(
        'error',
        'smdistributed.p5',
        path,
        `SMDataParallel and SMModelParallel do not support ${q(type)} (the SDK refuses it). Use distribution.torch_distributed instead.`,
        'key',
      );
    } else if (smddp && isSmddpUnsupported(type)) {
      add(
        'warning',
        'smdistributed.unsupportedInstance',
        path,
        `smdistributed.dataparallel is reported not to work on ${q(type)}; use torch_distributed, or one of ${SMDDP_SUPPORTED_INSTANCE_TYPES.join(', ')}.`,
        'key',
      );
    } else if (smddp && !SMDDP_SUPPORTED_INSTANCE_TYPES.includes(type) && type !== 'local_gpu') {
      add(
        'warning',
        'smdistributed.instanceType',
        path,
        `smdistributed.dataparallel was built for ${SMDDP_SUPPORTED_INSTANCE_TYPES.join(', ')}; ${q(type)} is not among them. Older SDKs refuse it; newer ones let the job fail at run time.`,
        'key',
      );
    }
  }
}

function checkRole(spec: JobSpec, add: Add): void {
  const role = str(spec.role);
  if (role === undefined || role === '') return;
  if (role.startsWith('arn:')) {
    if (role.length <= ROLE_ARN_MAX && ROLE_ARN.test(role)) return;
    const service = /^arn:[^:]*:([^:]*):/.exec(role)?.[1];
    const what =
      service && service !== 'iam'
        ? `an ARN of ${q(service)}, not an IAM role`
        : role.length > ROLE_ARN_MAX
          ? `${role.length.toLocaleString('en-US')} characters long, and a role ARN has at most ${ROLE_ARN_MAX}`
          : 'not a valid IAM role ARN';
    add('error', 'role.invalid', ['role'], `role is ${what}. Give the execution role's ARN (arn:aws:iam::<account>:role/<name>) or its bare name.`);
  } else if (!ROLE_NAME.test(role)) {
    add('error', 'role.invalid', ['role'], `\`${q(role)}\` is neither an IAM role ARN nor a role name (letters, digits and +=,.@_- up to 64 characters).`);
  }
}

/** Problem with an `s3://bucket/key` URI, or undefined when it is well-formed. */
export function s3UriProblem(uri: string): string | undefined {
  const m = /^s3:\/\/([^/]*)(\/.*)?$/.exec(uri);
  if (!m) return `\`${q(uri)}\` is not an S3 URI; write s3://bucket/prefix.`;
  const bucket = m[1]!;
  if (bucket.length < 3 || bucket.length > 63) return `S3 bucket names have 3 to 63 characters; \`${q(bucket)}\` has ${bucket.length}.`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    return `\`${q(bucket)}\` is not a valid S3 bucket name (lowercase letters, digits, dots and hyphens; starts and ends with a letter or digit).`;
  }
  return undefined;
}

function checkS3Uris(spec: JobSpec, context: JobFileContext, add: Add): void {
  for (const key of ['output_path', 'code_location', 'checkpoint_s3_uri'] as const) {
    const v = str(spec[key]);
    if (v === undefined) continue;
    const p = s3UriProblem(v);
    if (p) add('error', 's3.uri', [key], p);
  }
  const src = str(spec.source_dir);
  if (src?.startsWith('s3://')) {
    const p = s3UriProblem(src);
    if (p) add('error', 's3.uri', ['source_dir'], p);
    else if (src.endsWith('/') || /^s3:\/\/[^/]+$/.test(src))
      add(
        'error',
        's3.sourceDir',
        ['source_dir'],
        "An S3 source_dir must be one gzipped tar file, not a folder: the SDK passes it as sagemaker_submit_directory as is, and SageMaker's training toolkit downloads that one object, so the job fails at start-up. Point it at a sourcedir.tar.gz.",
      );
    else if (!/\.(tar\.gz|tgz)$/.test(src))
      add(
        'warning',
        's3.sourceDir',
        ['source_dir'],
        "SageMaker's training toolkit downloads this object and opens it as a gzipped tar (whatever its name), so the job fails at start-up unless it is one. The SDK documents sourcedir.tar.gz.",
      );
  }
  const inputs = spec.inputs;
  const channels: Array<[JsonPath, unknown]> =
    typeof inputs === 'string'
      ? [[['inputs'], inputs]]
      : typeof inputs === 'object' && inputs !== null
        ? Object.entries(inputs).map(([k, v]) => [
            typeof v === 'object' && v !== null ? ['inputs', k, 's3_data'] : ['inputs', k],
            typeof v === 'object' && v !== null ? (v as { s3_data?: unknown }).s3_data : v,
          ])
        : [];
  for (const [p, v] of channels) {
    if (typeof v !== 'string') continue;
    if (v.startsWith('s3://')) {
      const problem = s3UriProblem(v);
      if (problem) add('error', 's3.uri', p, problem);
      continue;
    }
    // A local folder is what Run Locally reads; CreateTrainingJob takes S3 (or EFS/FSx) only, and the SDK
    // refuses it too ("must be a valid S3 or FILE URI") unless it runs in local mode.
    const folder = localInputPath(v, context.baseDir);
    if (folder !== undefined && context.stat && !context.stat(folder)) {
      add('warning', 'inputs.missing', p, `\`${q(v)}\` does not exist on this machine (looked in ${q(folder)}): a local run would fail to mount this channel.`);
    } else {
      add(
        'info',
        'inputs.local',
        p,
        `A folder on this machine: Run Locally mounts it as this channel, but a job on SageMaker reads its channels from S3. Upload it (aws s3 sync ${q(v)} s3://<bucket>/<prefix>) and use that URI to launch there.`,
      );
    }
  }
}

/** The absolute path a non-S3 channel names (`./data`, `/data`, `file:///data`), when there is a folder to resolve against. */
function localInputPath(value: string, baseDir: string | undefined): string | undefined {
  if (value.startsWith('file://')) {
    try {
      return decodeURIComponent(new URL(value).pathname);
    } catch {
      return undefined;
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined; // another scheme: the schema or launch says why
  return baseDir === undefined ? (path.isAbsolute(value) ? value : undefined) : path.resolve(baseDir, value);
}

function checkJobName(spec: JobSpec, add: Add): void {
  const name = str(spec.base_job_name);
  if (name === undefined) return;
  if (!JOB_NAME.test(name)) {
    add(
      'error',
      'jobName.pattern',
      ['base_job_name'],
      `base_job_name \`${q(name)}\` can't start a SageMaker job name: use letters, digits and single hyphens, starting with a letter or digit (no underscores or dots).`,
    );
  } else if (name.length > 39) {
    add(
      'info',
      'jobName.truncated',
      ['base_job_name'],
      `The SDK keeps ${63 - 24} characters of base_job_name to make room for the timestamp: the job will be named ${name.slice(0, 39)}-<timestamp>.`,
    );
  }
}

function checkSpot(spec: JobSpec, add: Add): void {
  const maxRun = typeof spec.max_run === 'number' ? spec.max_run : 86400;
  if (spec.use_spot_instances === true) {
    if (spec.max_wait === undefined) {
      add(
        'error',
        'spot.maxWait',
        ['use_spot_instances'],
        `Managed spot training needs max_wait (seconds to wait for spot capacity plus run time), at least max_run (${maxRun}).`,
        'key',
      );
    } else if (typeof spec.max_wait === 'number' && spec.max_wait < maxRun) {
      add('error', 'spot.maxWaitTooShort', ['max_wait'], `max_wait (${spec.max_wait}) must be at least max_run (${maxRun}${spec.max_run === undefined ? ', the default' : ''}).`);
    }
  } else if (spec.max_wait !== undefined) {
    add('warning', 'spot.maxWaitWithoutSpot', ['max_wait'], 'max_wait only applies to managed spot training: set use_spot_instances: true, or remove it.', 'key');
  }
}

function checkHyperparameters(spec: JobSpec, add: Add): void {
  const hps = spec.hyperparameters;
  if (typeof hps !== 'object' || hps === null || Array.isArray(hps)) return;
  const keys = Object.keys(hps);
  const total = keys.length + SDK_ADDED_HYPERPARAMETERS + distributionHyperparameterCount(spec);
  if (total > HYPERPARAMETER_LIMITS.entries) {
    add(
      'error',
      'hyperparameters.count',
      ['hyperparameters'],
      `CreateTrainingJob takes at most ${HYPERPARAMETER_LIMITS.entries} hyperparameters; with the keys the SDK adds this job would send ${total}.`,
      'key',
    );
  }
  for (const key of keys) {
    if (key.length > HYPERPARAMETER_LIMITS.keyLength) {
      add('error', 'hyperparameters.keyLength', ['hyperparameters', key], `Hyperparameter names have at most ${HYPERPARAMETER_LIMITS.keyLength} characters.`, 'key');
    }
    // JSON.stringify is at most a few characters shorter than Python's json.dumps (", " separators, \u escapes).
    const encodedLength = JSON.stringify(hps[key])?.length ?? 0;
    if (encodedLength > HYPERPARAMETER_LIMITS.valueLength) {
      add(
        'error',
        'hyperparameters.valueLength',
        ['hyperparameters', key],
        `This value is ${encodedLength} characters once JSON-encoded; CreateTrainingJob takes at most ${HYPERPARAMETER_LIMITS.valueLength}. Put large values in a file in source_dir or an input channel.`,
      );
    }
    if (SECRET_NAME.test(key)) {
      add(
        'warning',
        'hyperparameters.secret',
        ['hyperparameters', key],
        `\`${q(key)}\` looks like a secret. Hyperparameters are visible to anyone who can describe the job (console, API, logs); pass secrets through environment or Secrets Manager instead.`,
        'key',
      );
    }
    if (key.startsWith('sagemaker_')) {
      add(
        'warning',
        'hyperparameters.reserved',
        ['hyperparameters', key],
        `Keys starting with sagemaker_ are set by the SDK and read by the training toolkit; yours would be overwritten or confuse it.`,
        'key',
      );
    } else {
      checkCommandLineArgument(key, hps[key], add);
    }
  }
}

/**
 * The training toolkit turns each hyperparameter into `--key value` (value as Python's str()) and, for
 * the Hugging Face containers, runs the script through /bin/sh with the arguments joined by spaces and
 * unquoted. The script's argparse then sees something else than the job file says, and only once the
 * instances are paid for. The same holds for the name: `--my key` is two arguments to the shell.
 */
function checkCommandLineArgument(key: string, value: unknown, add: Add): void {
  let args: string[];
  try {
    args = toCmdArgs(pyDict([[key, fromJsValue(value)]]));
  } catch {
    return; // not a JSON value: the schema says so
  }
  const [flag, arg] = args as [string, string];
  const path = ['hyperparameters', key];
  // Python refuses to start a process whose command line holds NUL ("embedded null byte").
  if (key.includes('\0')) {
    add(
      'error',
      'hyperparameters.nul',
      path,
      'This name holds a NUL character (\\0): SageMaker\'s training toolkit cannot start the script with it on the command line (Python refuses it: "embedded null byte"), so the job fails once its instances are running. Remove it.',
      'key',
    );
    return;
  }
  if (key === '') {
    add(
      'warning',
      'hyperparameters.emptyName',
      path,
      `An empty name gives the script no flag: SageMaker's training toolkit passes only the value${arg === '' ? '' : ` \`${q(arg)}\``}, a stray argument the script's argparse refuses. Give it a name.`,
      'key',
    );
  } else if (shellAltersArgument(flag) === 'split') {
    add(
      'warning',
      'hyperparameters.shellSplitName',
      path,
      `The script will not receive this name as written: SageMaker's training toolkit runs \`${q(flag)} …\` through /bin/sh unquoted, so blanks split it into several arguments and characters such as $ ; * ' " are interpreted by the shell. Name it with letters, digits, _ and - only.`,
      'key',
    );
  }
  if (arg.includes('\0')) {
    add(
      'error',
      'hyperparameters.nul',
      path,
      'This value holds a NUL character (\\0): SageMaker\'s training toolkit cannot start the script with it on the command line (Python refuses it: "embedded null byte"), so the job fails once its instances are running. Remove it.',
    );
    return;
  }
  const altered = shellAltersArgument(arg);
  if (altered === 'dropped') {
    add(
      'warning',
      'hyperparameters.emptyArgument',
      path,
      `An empty value reaches the script as nothing at all: SageMaker's training toolkit runs \`${q(flag)}\` through /bin/sh unquoted, so the script sees ${q(flag)} with no value (argparse then takes the next flag or fails). Remove the key, or give it a value.`,
      value === null || value === undefined ? 'key' : 'value',
    );
  } else if (altered === 'split') {
    add(
      'warning',
      'hyperparameters.shellSplit',
      path,
      `The script will not receive this value as written: SageMaker's training toolkit runs \`${q(`${flag} ${arg}`)}\` through /bin/sh unquoted, so blanks split it into several arguments and characters such as $ ; * ' " are interpreted by the shell. Use a value without them, or pass it through environment.`,
    );
  }
}

/** The distribution keys the SDK adds for this file (src/core/sagemaker/distribution.ts). */
function distributionHyperparameterCount(spec: JobSpec): number {
  return sdkDistributionHyperparameters(spec.distribution, {
    instanceType: str(spec.instance_type) ?? (spec.instance_groups !== undefined ? undefined : ''),
    instanceGroups: spec.instance_groups,
  }).length;
}

function checkGitConfig(spec: JobSpec, add: Add): void {
  const g = spec.git_config;
  if (typeof g !== 'object' || g === null) return;
  for (const key of ['token', 'password'] as const) {
    const v = g[key];
    if (typeof v === 'string' && !ENV_REFERENCE.test(v)) {
      add(
        'error',
        'git.literalSecret',
        ['git_config', key],
        `Don't write a ${key} into the job file: reference an environment variable instead, e.g. ${key}: \${env:GIT_${key.toUpperCase()}}.`,
      );
    }
  }
  if (typeof g.repo === 'string' && !/^(https?:\/\/|git@|ssh:\/\/)/.test(g.repo)) {
    add('error', 'git.repo', ['git_config', 'repo'], 'git_config.repo must be an https://, http://, ssh:// or git@ URL.');
  }
  if (g.branch !== undefined && g.commit !== undefined) {
    add('info', 'git.commitWins', ['git_config', 'commit'], 'With both branch and commit, the commit is checked out (as the SDK does).', 'key');
  }
}

/** Where git_config's and environment's secrets go (credentialFlows.ts): refused flows, secrets in clear. */
function checkCredentialFlows(spec: JobSpec, add: Add): void {
  for (const p of [...gitCredentialProblems(spec.git_config), ...environmentProblems(spec.environment)]) add(p.severity, p.code, p.path, p.message, p.on);
}

function checkSourceFiles(spec: JobSpec, context: JobFileContext, add: Add): void {
  if (!context.stat || !context.baseDir || spec.git_config) return;
  const src = str(spec.source_dir);
  if (src?.startsWith('s3://')) return;
  const entry = str(spec.entry_point);
  const dir = src !== undefined ? path.resolve(context.baseDir, src) : context.baseDir;
  if (src !== undefined) {
    const s = context.stat(dir);
    if (!s) {
      add('error', 'source.missing', ['source_dir'], `source_dir \`${q(src)}\` does not exist (looked in ${q(dir)}).`);
      return;
    }
    if (!s.isDirectory) {
      add('error', 'source.notDir', ['source_dir'], `source_dir \`${q(src)}\` is a file; it must be a folder (or an s3://…tar.gz).`);
      return;
    }
    if (context.readText) for (const message of ignoreFileProblems(dir, context.readText)) add('error', 'source.ignoreFile', ['source_dir'], message);
  }
  if (entry !== undefined && !entry.startsWith('s3://')) {
    const s = context.stat(path.resolve(dir, entry));
    if (!s || s.isDirectory) {
      add(
        'error',
        'source.entryPoint',
        ['entry_point'],
        `entry_point \`${q(entry)}\` is not a file in ${src !== undefined ? `source_dir \`${q(src)}\`` : "the job file's folder"}.`,
      );
    }
  }
  (Array.isArray(spec.dependencies) ? spec.dependencies : []).forEach((dep, i) => {
    if (typeof dep === 'string' && !context.stat!(path.resolve(context.baseDir!, dep))) {
      add('error', 'source.dependency', ['dependencies', i], `dependency \`${q(dep)}\` does not exist.`);
    }
  });
}

function checkMisc(spec: JobSpec, add: Add): void {
  const hasSubnets = Array.isArray(spec.subnets) && spec.subnets.length > 0;
  const hasGroups = Array.isArray(spec.security_group_ids) && spec.security_group_ids.length > 0;
  if (hasSubnets !== hasGroups) {
    const [missing, present] = hasSubnets ? ['security_group_ids', 'subnets'] : ['subnets', 'security_group_ids'];
    add('error', 'vpc.incomplete', [present], `A VPC configuration needs both subnets and security_group_ids; ${missing} is missing.`, 'key');
  }
  if (spec.checkpoint_local_path !== undefined && spec.checkpoint_s3_uri === undefined) {
    add('warning', 'checkpoint.localOnly', ['checkpoint_local_path'], 'checkpoint_local_path does nothing without checkpoint_s3_uri.', 'key');
  }
  const hps = spec.hyperparameters as Record<string, unknown> | undefined;
  if (spec.enable_network_isolation === true && hps && (typeof hps['dataset_name'] === 'string' || typeof hps['model_name_or_path'] === 'string')) {
    const key = typeof hps['model_name_or_path'] === 'string' ? 'model_name_or_path' : 'dataset_name';
    add(
      'warning',
      'network.isolatedHub',
      ['enable_network_isolation'],
      `With network isolation the container cannot reach the Hugging Face Hub, so ${key} "${q(String(hps[key]))}" cannot be downloaded; pass it as an input channel instead.`,
      'key',
    );
  }
}

/**
 * ContainerEntrypoint replaces the image's entry point, which in the Hugging Face images is what
 * starts SageMaker's training toolkit: the toolkit is what installs requirements.txt and runs
 * entry_point with the hyperparameters, so with a command of one's own none of that happens.
 */
function checkContainerEntryPoint(spec: JobSpec, add: Add): void {
  if (!Array.isArray(spec.container_entry_point) || spec.container_entry_point.length === 0) return;
  add(
    'warning',
    'container.entryPointReplacesToolkit',
    ['container_entry_point'],
    `container_entry_point replaces the image's entry point, so SageMaker's training toolkit does not start: entry_point \`${q(String(spec.entry_point))}\` is not run with the hyperparameters and requirements.txt is not installed unless your command does it (the code reaches the container only as sourcedir.tar.gz, which the toolkit would download and unpack). Leave container_entry_point out to run entry_point as usual.`,
    'key',
  );
}

/** The SDK drops the credentials provider without an access mode; a Vpc registry is reached through the job's VPC. */
function checkTrainingRepository(spec: JobSpec, add: Add): void {
  if (spec.training_repository_credentials_provider_arn !== undefined && spec.training_repository_access_mode === undefined) {
    add(
      'warning',
      'trainingRepository.credentialsNotSent',
      ['training_repository_credentials_provider_arn'],
      'training_repository_credentials_provider_arn is not sent without training_repository_access_mode (the SDK sends it only inside TrainingImageConfig); set training_repository_access_mode: Vpc for a private registry.',
      'key',
    );
  }
  if (spec.training_repository_access_mode === 'Vpc' && spec.subnets === undefined) {
    add(
      'warning',
      'trainingRepository.vpcWithoutVpc',
      ['training_repository_access_mode'],
      "training_repository_access_mode Vpc pulls the image through the job's VPC, but the job has no subnets and security_group_ids: add them so SageMaker can reach the registry.",
      'key',
    );
  }
}

/** job.py _Job._prepare_channel: model_uri is one more channel, S3 (or file:// for a local run), with a name of its own. */
function checkModelChannel(spec: JobSpec, add: Add): void {
  const name = typeof spec.model_channel_name === 'string' ? spec.model_channel_name : 'model';
  if (typeof spec.model_uri !== 'string' || spec.model_uri === '') {
    if (spec.model_channel_name !== undefined) add('warning', 'modelChannel.withoutModelUri', ['model_channel_name'], 'model_channel_name does nothing without model_uri.', 'key');
    return;
  }
  const s3Problem = spec.model_uri.startsWith('s3://') ? s3UriProblem(spec.model_uri) : undefined;
  if (s3Problem) add('error', 's3.uri', ['model_uri'], s3Problem);
  if (!/^(s3|file):\/\//.test(spec.model_uri) && !(spec.instance_type === 'local' || spec.instance_type === 'local_gpu')) {
    add(
      'error',
      'modelChannel.notS3Uri',
      ['model_uri'],
      `model_uri \`${q(spec.model_uri)}\` must be an s3:// URI (the SDK refuses anything else; file:// and local paths work only in local runs).`,
    );
  }
  const inputs = spec.inputs;
  const taken = typeof inputs === 'string' ? ['training'] : inputs && typeof inputs === 'object' ? Object.keys(inputs) : [];
  if (taken.includes(name)) {
    const where = spec.model_channel_name !== undefined ? 'model_channel_name' : 'model_uri';
    add(
      'error',
      'modelChannel.duplicate',
      [where],
      `model_uri is sent as the input channel "${q(name)}", which inputs already has (SageMaker refuses duplicate channels); ${spec.model_channel_name !== undefined ? 'pick another model_channel_name' : 'set model_channel_name to another name'}.`,
      'key',
    );
  }
}

/**
 * A message with every word over 80 characters cut (excerpt): checks shared with plan (the SDK's
 * refusals, the image catalog) quote the value they refuse, which may be megabytes long in a job file.
 */
function shortWords(message: string): string {
  return message.length <= 1000 ? message : message.replace(/\S{81,}/g, (word) => q(word));
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
