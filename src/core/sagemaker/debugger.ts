/**
 * SageMaker Debugger, the profiler and TensorBoard output: the job file's `rules`,
 * `debugger_hook_config`, `profiler_config` and `tensorboard_output_config` (and the older
 * `disable_profiler`), and the request fields the SDK v2.257.6 makes of them
 * (estimator.py `_prepare_rules`, `_prepare_debugger_for_training`, `_prepare_profiler_for_training`,
 * `_TrainingJob._get_train_args`; debugger/debugger.py and debugger/profiler_config.py `_to_request_dict`).
 *
 * The YAML forms map one to one onto the SDK's constructor arguments:
 * - `debugger_hook_config`: `true`/`false`, or `DebuggerHookConfig(**map)` with `collection_configs`
 *   a list of `CollectionConfig(name, parameters)`;
 * - `tensorboard_output_config`: `TensorBoardOutputConfig(**map)`;
 * - `profiler_config`: `ProfilerConfig(**map)` (s3_output_path, system_monitor_interval_millis,
 *   disable_profiler);
 * - `rules`: each item `Rule.custom(**rest)` or `ProfilerRule.custom(**rest)`, chosen by `rule:`.
 *
 * Pure: the region and the output path come in; the request builder places the result.
 */
import type { TrainingPlanErrorCode } from '../training/trainingPlanError';
import { excerpt } from '../excerpt';
import { isRecord } from '../isRecord';

export interface CollectionConfigArg {
  name: string;
  parameters?: Record<string, string>;
}

export interface DebuggerHookConfigArg {
  s3_output_path?: string;
  container_local_output_path?: string;
  hook_parameters?: Record<string, string>;
  collection_configs?: CollectionConfigArg[];
}

export interface TensorBoardOutputConfigArg {
  s3_output_path: string;
  container_local_output_path?: string;
}

export interface ProfilerConfigArg {
  s3_output_path?: string;
  system_monitor_interval_millis?: number;
  disable_profiler?: boolean;
}

interface CustomRuleCommon {
  name: string;
  image_uri: string;
  instance_type: string;
  volume_size_in_gb: number;
  source?: string;
  rule_to_invoke?: string;
  container_local_output_path?: string;
  s3_output_path?: string;
  rule_parameters?: Record<string, string>;
}

/** `Rule.custom(...)`: a Debugger rule run by your own evaluator image. */
export interface DebuggerCustomRuleArg extends CustomRuleCommon {
  rule: 'Rule.custom';
  other_trials_s3_input_paths?: string[];
  collections_to_save?: CollectionConfigArg[];
}

/** `ProfilerRule.custom(...)`: a profiler rule run by your own evaluator image. */
export interface ProfilerCustomRuleArg extends CustomRuleCommon {
  rule: 'ProfilerRule.custom';
}

export type RuleArg = DebuggerCustomRuleArg | ProfilerCustomRuleArg;

/** The estimator arguments this module reads. */
export interface DebuggerArguments {
  /** The one type the job runs on (the first of instance_preferences; see core/sagemaker/instancePreferences.ts); undefined with instance_groups: the SDK's profiler check then sees None (not Trainium). */
  instance_type?: string;
  disable_profiler?: boolean;
  rules?: RuleArg[];
  debugger_hook_config?: boolean | DebuggerHookConfigArg;
  tensorboard_output_config?: TensorBoardOutputConfigArg;
  profiler_config?: ProfilerConfigArg;
}

export interface RuleConfiguration {
  RuleConfigurationName: string;
  RuleEvaluatorImage: string;
  InstanceType?: string;
  VolumeSizeInGB?: number;
  LocalPath?: string;
  S3OutputPath?: string;
  RuleParameters?: Record<string, string>;
}

export interface CollectionConfiguration {
  CollectionName: string;
  CollectionParameters?: Record<string, string>;
}

/** The request fields, in the order session.py `_get_train_request` adds them. */
export interface DebuggerRequestFields {
  DebugRuleConfigurations?: RuleConfiguration[];
  DebugHookConfig?: { S3OutputPath: string; LocalPath?: string; HookParameters?: Record<string, string>; CollectionConfigurations: CollectionConfiguration[] };
  TensorBoardOutputConfig?: { S3OutputPath: string; LocalPath?: string };
  ProfilerRuleConfigurations?: RuleConfiguration[];
  ProfilerConfig?: { S3OutputPath?: string; DisableProfiler: boolean; ProfilingIntervalInMilliseconds?: number };
}

/** Something the SDK raises for these arguments; `path` is from the job file's root. */
export interface DebuggerRefusal {
  code: TrainingPlanErrorCode;
  message: string;
  path: readonly (string | number)[];
}

/** fw_utils.py DEBUGGER_UNSUPPORTED_REGIONS (PROFILER_UNSUPPORTED_REGIONS is the same list in v2.257). */
export const DEBUGGER_UNSUPPORTED_REGIONS: readonly string[] = [
  'us-iso-east-1',
  'us-isob-east-1',
  'ap-southeast-3',
  'ap-southeast-4',
  'eu-south-2',
  'me-central-1',
  'ap-south-2',
  'eu-central-2',
  'us-gov-east-1',
];

export function regionSupportsDebugger(region: string): boolean {
  return !DEBUGGER_UNSUPPORTED_REGIONS.includes(region.toLowerCase());
}

/** The profiler is off when asked, in regions without it, and on Trainium (EstimatorBase.__init__). */
export function profilerDisabled(args: Pick<DebuggerArguments, 'disable_profiler' | 'instance_type'>, region: string): boolean {
  if (args.disable_profiler === true) return true;
  if (!regionSupportsDebugger(region)) return true;
  // fw_utils._instance_type_supports_profiler reads `self.instance_type`, None with instance groups.
  const family = /^ml[._]([a-z\d-]+)\.?\w*$/.exec(args.instance_type ?? '');
  return family !== null && family[1]!.startsWith('trn');
}

/** Everything the SDK raises about these arguments for a job in `region`, in the order it raises. */
export function debuggerRefusals(args: DebuggerArguments, region: string): DebuggerRefusal[] {
  const out: DebuggerRefusal[] = [];
  // The validator calls this on the file as written, before its shape is known to be right (the schema's
  // problems say what is wrong with it): a `rules` that is no list, or an item that is no map, is skipped here.
  const rules = Array.isArray(args.rules) ? args.rules.filter((r) => isRecord(r)) : [];
  rules.forEach((rule, i) => {
    // RuleBase._set_rule_parameters
    if (Boolean(rule.source) !== Boolean(rule.rule_to_invoke)) {
      out.push({
        code: 'rules.sourceWithoutRuleToInvoke',
        message: `rules[${i}] (${excerpt(String(rule.name))}): give source and rule_to_invoke together or neither — the SageMaker SDK refuses one without the other ("If you provide a source, you must also provide a rule to invoke (and vice versa).").`,
        path: ['rules', i, rule.source ? 'source' : 'rule_to_invoke'],
      });
    }
    // ProfilerRule.custom has no such keyword arguments: Python raises TypeError.
    if (rule.rule === 'ProfilerRule.custom') {
      for (const key of ['other_trials_s3_input_paths', 'collections_to_save'] as const) {
        if ((rule as unknown as Record<string, unknown>)[key] !== undefined) {
          out.push({
            code: 'rules.debuggerRuleOnly',
            message: `rules[${i}] (${excerpt(String(rule.name))}): ${key} belongs to Rule.custom (a Debugger rule); ProfilerRule.custom takes no ${key}, and the SDK raises TypeError for it.`,
            path: ['rules', i, key],
          });
        }
      }
    }
    // estimator._set_source_s3_uri uploads a local source to the default bucket; a job file takes S3 only.
    if (rule.source && !/^s3:\/\//.test(rule.source)) {
      out.push({
        code: 'rules.sourceNotS3',
        message: `rules[${i}] (${excerpt(String(rule.name))}): source ${excerpt(String(rule.source))} is a local file, which the SageMaker SDK would upload to the default bucket; a job file takes the rule's source as an s3:// URI. Upload it and write its S3 URI.`,
        path: ['rules', i, 'source'],
      });
    }
  });
  const hook = args.debugger_hook_config;
  const debuggerRules = rules.filter((r) => r.rule === 'Rule.custom');
  // _validate_and_set_debugger_configs: a hook object (given, or made for a Debugger rule) where Debugger is not.
  if (!regionSupportsDebugger(region) && (typeof hook === 'object' || (hook === undefined && debuggerRules.length > 0))) {
    out.push({
      code: 'debugger.regionUnsupported',
      message: `${region} has no SageMaker Debugger, and the SDK refuses a Debugger hook there ("Current region does not support debugger but debugger hook config is set!")${typeof hook === 'object' ? '' : ': a Debugger rule turns the hook on; set debugger_hook_config: false to run the rule without it'}.`,
      path: typeof hook === 'object' ? ['debugger_hook_config'] : ['rules'],
    });
  }
  if (profilerDisabled(args, region)) {
    const why =
      args.disable_profiler === true
        ? 'disable_profiler is true'
        : !regionSupportsDebugger(region)
          ? `${region} has no SageMaker profiler`
          : `the profiler does not run on Trainium (${args.instance_type})`;
    if (isRecord(args.profiler_config) && args.profiler_config.disable_profiler !== true) {
      out.push({
        code: 'profiler.disabled',
        message: `profiler_config turns the profiler on, but ${why}, and the SDK refuses the two together ("profiler_config.disable_profiler cannot be False when disable_profiler is True."). Set profiler_config.disable_profiler: true or remove profiler_config.`,
        path: ['profiler_config'],
      });
    }
    const index = rules.findIndex((r) => r.rule === 'ProfilerRule.custom');
    if (index >= 0) {
      out.push({
        code: 'profiler.disabled',
        message: `rules[${index}] is a profiler rule, but ${why}, and the SDK refuses profiler rules then ("ProfilerRule cannot be set when disable_profiler is True.").`,
        path: ['rules', index],
      });
    }
  }
  return out;
}

/**
 * DebugRuleConfigurations, DebugHookConfig, TensorBoardOutputConfig, ProfilerRuleConfigurations
 * and ProfilerConfig as the SDK sends them; call only when `debuggerRefusals` found nothing.
 */
export function debuggerRequestFields(args: DebuggerArguments, region: string, outputPath: string): DebuggerRequestFields {
  const out: DebuggerRequestFields = {};
  const rules = args.rules ?? [];
  const debuggerRules = rules.filter((r): r is DebuggerCustomRuleArg => r.rule === 'Rule.custom');
  const profilerRules = rules.filter((r): r is ProfilerCustomRuleArg => r.rule === 'ProfilerRule.custom');

  if (debuggerRules.length > 0) out.DebugRuleConfigurations = debuggerRules.map((r) => ruleConfiguration(r, debuggerRuleParameters(r)));

  // `true` is the SDK's `{}`: the default hook where Debugger is, none elsewhere. An object is
  // DebuggerHookConfig(...), whose missing s3_output_path becomes output_path. A Debugger rule
  // without a hook gets the default one.
  const hook = args.debugger_hook_config;
  let hookConfig: DebuggerHookConfigArg | undefined;
  if (typeof hook === 'object') hookConfig = { ...hook, s3_output_path: hook.s3_output_path || outputPath };
  else if (hook !== false && regionSupportsDebugger(region)) hookConfig = { s3_output_path: outputPath };
  if (hookConfig) {
    // _prepare_collection_configs: the rules' collections and the hook's, as a set (sent in its
    // iteration order, which Python's string hashing makes vary between runs; here the order written).
    const collections = dedupeCollections([...debuggerRules.flatMap((r) => r.collections_to_save ?? []), ...(hookConfig.collection_configs ?? [])]);
    out.DebugHookConfig = {
      S3OutputPath: hookConfig.s3_output_path!,
      ...(hookConfig.container_local_output_path !== undefined ? { LocalPath: hookConfig.container_local_output_path } : {}),
      ...(hookConfig.hook_parameters !== undefined ? { HookParameters: hookConfig.hook_parameters } : {}),
      CollectionConfigurations: collections.map((c) => ({ CollectionName: c.name, ...(c.parameters !== undefined ? { CollectionParameters: c.parameters } : {}) })),
    };
  }

  const tensorboard = args.tensorboard_output_config;
  if (tensorboard !== undefined) {
    out.TensorBoardOutputConfig = {
      S3OutputPath: tensorboard.s3_output_path,
      ...(tensorboard.container_local_output_path !== undefined ? { LocalPath: tensorboard.container_local_output_path } : {}),
    };
  }

  const disabled = profilerDisabled(args, region);
  if (!disabled && profilerRules.length > 0) {
    out.ProfilerRuleConfigurations = profilerRules.map((r) => ruleConfiguration(r, mergedRuleParameters(r)));
  }
  const given = args.profiler_config;
  const config: ProfilerConfigArg =
    given !== undefined ? { ...given, s3_output_path: given.s3_output_path || outputPath } : disabled ? { disable_profiler: true } : { s3_output_path: outputPath };
  const disableProfiler = config.disable_profiler ?? false;
  out.ProfilerConfig = {
    ...(config.s3_output_path !== undefined && disableProfiler === false ? { S3OutputPath: config.s3_output_path } : {}),
    DisableProfiler: disableProfiler,
    ...(config.system_monitor_interval_millis !== undefined ? { ProfilingIntervalInMilliseconds: config.system_monitor_interval_millis } : {}),
  };
  return out;
}

/** RuleBase._set_rule_parameters: source_s3_uri, rule_to_invoke, then the user's parameters. */
function mergedRuleParameters(rule: CustomRuleCommon): Record<string, string> {
  const params: Record<string, string> = {};
  if (rule.source) params['source_s3_uri'] = rule.source;
  if (rule.rule_to_invoke) params['rule_to_invoke'] = rule.rule_to_invoke;
  return Object.assign(params, rule.rule_parameters ?? {});
}

/** Rule._set_rule_parameters puts the other trials first; prepare_actions drops action_json (no actions). */
function debuggerRuleParameters(rule: DebuggerCustomRuleArg): Record<string, string> {
  const params: Record<string, string> = {};
  (rule.other_trials_s3_input_paths ?? []).forEach((p, i) => (params[`other_trial_${i}`] = p));
  Object.assign(params, mergedRuleParameters(rule));
  delete params['action_json'];
  return params;
}

/** to_debugger_rule_config_dict / to_profiler_rule_config_dict: `build_dict` leaves out falsy values. */
function ruleConfiguration(rule: CustomRuleCommon, parameters: Record<string, string>): RuleConfiguration {
  const config: RuleConfiguration = { RuleConfigurationName: rule.name, RuleEvaluatorImage: rule.image_uri };
  if (rule.instance_type) config.InstanceType = rule.instance_type;
  if (rule.volume_size_in_gb) config.VolumeSizeInGB = rule.volume_size_in_gb;
  if (rule.container_local_output_path) config.LocalPath = rule.container_local_output_path;
  if (rule.s3_output_path) config.S3OutputPath = rule.s3_output_path;
  if (Object.keys(parameters).length > 0) config.RuleParameters = parameters;
  return config;
}

/** CollectionConfig.__eq__/__hash__: the name and the parameters. */
function dedupeCollections(collections: readonly CollectionConfigArg[]): CollectionConfigArg[] {
  const seen = new Set<string>();
  const out: CollectionConfigArg[] = [];
  for (const c of collections) {
    const key = JSON.stringify([c.name, Object.entries(c.parameters ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}
