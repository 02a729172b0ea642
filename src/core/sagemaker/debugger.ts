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
 * - `rules`: each item `Rule.custom(**rest)`, `ProfilerRule.custom(**rest)`,
 *   `Rule.sagemaker(rule_configs.<base_config>(), **rest)` or
 *   `ProfilerRule.sagemaker(rule_configs.<base_config>(), **rest)`, chosen by `rule:`; the built-in
 *   rules' configs come from core/catalog/debuggerRules.ts (smdebug_rulesconfig 1.0.1).
 *
 * Pure: the region and the output path come in; the request builder places the result.
 */
import type { TrainingPlanErrorCode } from '../training/trainingPlanError';
import { excerpt } from '../excerpt';
import { isRecord } from '../isRecord';
import { DEBUGGER_BUILTIN_RULES, PROFILER_BUILTIN_RULES, RULE_EVALUATOR_REGISTRIES, RULE_EVALUATOR_REPOSITORY } from '../catalog/debuggerRules';
import type { DebuggerBuiltinRule, ProfilerBuiltinRule } from '../catalog/debuggerRules';
import { ecrHostname } from '../catalog/huggingfaceImages';

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

/** `Rule.sagemaker(rule_configs.<base_config>(), ...)`: a built-in Debugger rule. */
export interface DebuggerBuiltinRuleArg {
  rule: 'Rule.sagemaker';
  base_config: string;
  name?: string;
  container_local_output_path?: string;
  s3_output_path?: string;
  other_trials_s3_input_paths?: string[];
  rule_parameters?: Record<string, string>;
  collections_to_save?: CollectionConfigArg[];
}

/** `ProfilerRule.sagemaker(rule_configs.<base_config>(), ...)`: a built-in profiler rule. */
export interface ProfilerBuiltinRuleArg {
  rule: 'ProfilerRule.sagemaker';
  base_config: string;
  name?: string;
  container_local_output_path?: string;
  s3_output_path?: string;
  /** Taken, and then dropped by the SDK (`_set_default_rule_config`) for every built-in rule. */
  instance_type?: string;
  volume_size_in_gb?: number;
}

export type RuleArg = DebuggerCustomRuleArg | ProfilerCustomRuleArg | DebuggerBuiltinRuleArg | ProfilerBuiltinRuleArg;

/** The keyword arguments each constructor takes besides `rule` (Python raises TypeError for any other). */
export const RULE_KEYWORDS: Readonly<Record<RuleArg['rule'], readonly string[]>> = {
  'Rule.custom': [
    'name',
    'image_uri',
    'instance_type',
    'volume_size_in_gb',
    'source',
    'rule_to_invoke',
    'container_local_output_path',
    's3_output_path',
    'other_trials_s3_input_paths',
    'rule_parameters',
    'collections_to_save',
  ],
  'ProfilerRule.custom': [
    'name',
    'image_uri',
    'instance_type',
    'volume_size_in_gb',
    'source',
    'rule_to_invoke',
    'container_local_output_path',
    's3_output_path',
    'rule_parameters',
  ],
  'Rule.sagemaker': ['base_config', 'name', 'container_local_output_path', 's3_output_path', 'other_trials_s3_input_paths', 'rule_parameters', 'collections_to_save'],
  'ProfilerRule.sagemaker': ['base_config', 'name', 'container_local_output_path', 's3_output_path', 'instance_type', 'volume_size_in_gb'],
};

const isDebuggerRule = (r: RuleArg): r is DebuggerCustomRuleArg | DebuggerBuiltinRuleArg => r.rule === 'Rule.custom' || r.rule === 'Rule.sagemaker';
const isProfilerRule = (r: RuleArg): r is ProfilerCustomRuleArg | ProfilerBuiltinRuleArg => r.rule === 'ProfilerRule.custom' || r.rule === 'ProfilerRule.sagemaker';

export function debuggerBuiltinRule(name: unknown): DebuggerBuiltinRule | undefined {
  return DEBUGGER_BUILTIN_RULES.find((r) => r.name === name);
}

export function profilerBuiltinRule(name: unknown): ProfilerBuiltinRule | undefined {
  return PROFILER_BUILTIN_RULES.find((r) => r.name === name);
}

/**
 * debugger.py `get_rule_container_image_uri` (image_uris.retrieve("debugger", region)): the built-in
 * rules' evaluator image, or undefined where debugger.json has no registry (the SDK raises there).
 */
export function ruleEvaluatorImage(region: string): string | undefined {
  const account = RULE_EVALUATOR_REGISTRIES[region];
  const host = ecrHostname(region);
  return account && host ? `${account}.dkr.${host}/${RULE_EVALUATOR_REPOSITORY}:latest` : undefined;
}

/** The rule's name as the request carries it (a built-in rule without `name` takes its config's). */
function ruleName(rule: RuleArg): string {
  if (rule.name) return rule.name;
  if (rule.rule === 'Rule.sagemaker') return debuggerBuiltinRule(rule.base_config)?.ruleName ?? String(rule.base_config);
  if (rule.rule === 'ProfilerRule.sagemaker') return profilerBuiltinRule(rule.base_config)?.ruleName ?? String(rule.base_config);
  return String(rule.name);
}

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
  const profilerOn = region !== '' && !profilerDisabled(args, region);
  rules.forEach((rule, i) => {
    const given = rule as unknown as Record<string, unknown>;
    const label = `rules[${i}] (${excerpt(String(rule.name ?? given['base_config']))})`;
    if (given['actions'] !== undefined) {
      out.push({
        code: 'rules.actionsUnsupported',
        message: `${label}: actions (smdebug_rulesconfig's StopTraining, Email, SMS: what to do when the rule fires) are not supported in a job file yet; remove actions, and watch the rule's status in the Job dashboard instead.`,
        path: ['rules', i, 'actions'],
      });
    }
    if (rule.rule === 'Rule.sagemaker' || rule.rule === 'ProfilerRule.sagemaker') {
      builtinRuleRefusals(rule, i, label, region, profilerOn, out);
      return;
    }
    if (given['base_config'] !== undefined) {
      out.push({
        code: 'rules.notAKeyword',
        message: `${label}: base_config belongs to the built-in rules (rule: Rule.sagemaker or ProfilerRule.sagemaker); ${excerpt(String(rule.rule))} takes no base_config, and Python raises TypeError for it.`,
        path: ['rules', i, 'base_config'],
      });
    }
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
  const debuggerRules = rules.filter(isDebuggerRule);
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
    const index = rules.findIndex(isProfilerRule);
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
 * What Rule.sagemaker / ProfilerRule.sagemaker raise when called (TypeError for a keyword they do not
 * take, RuntimeError for a rule_to_invoke), and what fit() raises for them (the rule image's region).
 */
function builtinRuleRefusals(rule: DebuggerBuiltinRuleArg | ProfilerBuiltinRuleArg, i: number, label: string, region: string, profilerOn: boolean, out: DebuggerRefusal[]): void {
  const given = rule as unknown as Record<string, unknown>;
  const taken = RULE_KEYWORDS[rule.rule];
  for (const key of Object.keys(given)) {
    if (key === 'rule' || key === 'actions' || taken.includes(key)) continue;
    const other = rule.rule === 'Rule.sagemaker' ? 'ProfilerRule.sagemaker' : 'Rule.sagemaker';
    const where = RULE_KEYWORDS[other].includes(key)
      ? `; ${other} takes it`
      : RULE_KEYWORDS['Rule.custom'].includes(key)
        ? '; it belongs to the custom rules (Rule.custom, ProfilerRule.custom)'
        : '';
    out.push({
      code: 'rules.notAKeyword',
      message: `${label}: ${excerpt(String(rule.rule))} takes no ${excerpt(String(key))}, and Python raises TypeError for it${where}. Its keyword arguments: ${taken.join(', ')}.`,
      path: ['rules', i, key],
    });
  }
  const known = rule.rule === 'Rule.sagemaker' ? debuggerBuiltinRule(rule.base_config) : profilerBuiltinRule(rule.base_config);
  if (rule.base_config !== undefined && !known) {
    const names = (rule.rule === 'Rule.sagemaker' ? DEBUGGER_BUILTIN_RULES : PROFILER_BUILTIN_RULES).map((r) => r.name);
    const elsewhere = rule.rule === 'Rule.sagemaker' ? profilerBuiltinRule(rule.base_config) : debuggerBuiltinRule(rule.base_config);
    out.push({
      code: 'rules.unknownBuiltin',
      message: `${label}: ${excerpt(String(rule.base_config))} is not a ${rule.rule === 'Rule.sagemaker' ? 'Debugger' : 'profiler'} rule of rule_configs (smdebug_rulesconfig 1.0.1)${elsewhere ? `; it is a ${rule.rule === 'Rule.sagemaker' ? 'profiler rule: write rule: ProfilerRule.sagemaker' : 'Debugger rule: write rule: Rule.sagemaker'}` : ''}. Known: ${names.join(', ')}.`,
      path: ['rules', i, 'base_config'],
    });
  }
  // Rule.sagemaker: "You cannot provide a 'rule_to_invoke' for SageMaker rules."
  if (rule.rule === 'Rule.sagemaker' && isRecord(rule.rule_parameters) && rule.rule_parameters['rule_to_invoke'] != null) {
    out.push({
      code: 'rules.builtinRuleToInvoke',
      message: `${label}: a built-in rule takes no rule_to_invoke in rule_parameters; the SageMaker SDK refuses it ("You cannot provide a 'rule_to_invoke' for SageMaker rules. Either remove the rule_to_invoke or use a custom rule."). Remove it, or write a Rule.custom.`,
      path: ['rules', i, 'rule_parameters', 'rule_to_invoke'],
    });
  }
  // ProfilerRule.sagemaker under this name picks the detailed profiler's image and keeps instance_type
  // and volume_size_in_gb: the SDK's own default profiler processing job, which a job file does not make.
  if (rule.rule === 'ProfilerRule.sagemaker' && ruleName(rule).startsWith('DetailedProfilerProcessingJobConfig')) {
    out.push({
      code: 'rules.detailedProfilerName',
      message: `${label}: a rule named DetailedProfilerProcessingJobConfig… is the SDK's detailed-profiler processing job (another image, its own instance settings), which a job file does not support; give the rule another name.`,
      path: ['rules', i, rule.name ? 'name' : 'base_config'],
    });
  }
  // fit(): _set_default_rule_config → image_uris.retrieve("debugger", region) for each rule that runs
  // (a profiler rule runs only with the profiler on; where it is off the profiler refusal says so).
  if (region !== '' && !ruleEvaluatorImage(region) && (rule.rule === 'Rule.sagemaker' || profilerOn)) {
    out.push({
      code: 'rules.builtinRegionUnsupported',
      message: `${label}: the built-in rules' evaluator image (sagemaker-debugger-rules) has no registry in ${region} as the SageMaker SDK v2.257.6 knows it, and the SDK refuses the rule there ("Unsupported region: ${region}."). Regions with it: ${Object.keys(RULE_EVALUATOR_REGISTRIES).join(', ')}.`,
      path: ['rules', i],
    });
  }
}

/**
 * DebugRuleConfigurations, DebugHookConfig, TensorBoardOutputConfig, ProfilerRuleConfigurations
 * and ProfilerConfig as the SDK sends them; call only when `debuggerRefusals` found nothing.
 */
export function debuggerRequestFields(args: DebuggerArguments, region: string, outputPath: string): DebuggerRequestFields {
  const out: DebuggerRequestFields = {};
  const rules = args.rules ?? [];
  const debuggerRules = rules.filter(isDebuggerRule);
  const profilerRules = rules.filter(isProfilerRule);

  if (debuggerRules.length > 0)
    out.DebugRuleConfigurations = debuggerRules.map((r) => (r.rule === 'Rule.custom' ? ruleConfiguration(r, debuggerRuleParameters(r)) : builtinRuleConfiguration(r, region)));

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
    const collections = dedupeCollections([...debuggerRules.flatMap(ruleCollections), ...(hookConfig.collection_configs ?? [])]);
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
    out.ProfilerRuleConfigurations = profilerRules.map((r) =>
      r.rule === 'ProfilerRule.custom' ? ruleConfiguration(r, mergedRuleParameters(r)) : builtinRuleConfiguration(r, region),
    );
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

/**
 * The collections a Debugger rule adds to the hook: Rule.custom's collections_to_save; Rule.sagemaker's
 * `collections_to_save or` its config's collections, each `CollectionConfig(name, parameters or {})`.
 */
function ruleCollections(rule: DebuggerCustomRuleArg | DebuggerBuiltinRuleArg): CollectionConfigArg[] {
  if (rule.rule === 'Rule.custom' || (rule.collections_to_save ?? []).length > 0) return rule.collections_to_save ?? [];
  return (debuggerBuiltinRule(rule.base_config)?.collections ?? []).map((c) => ({ name: c.name, parameters: c.parameters ?? {} }));
}

/**
 * A built-in rule's configuration: Rule.sagemaker / ProfilerRule.sagemaker, then fit()'s
 * `_set_default_rule_config` (the region's evaluator image; no instance type or volume) and
 * `prepare_actions` (no action_json). Call only when `debuggerRefusals` found nothing.
 */
function builtinRuleConfiguration(rule: DebuggerBuiltinRuleArg | ProfilerBuiltinRuleArg, region: string): RuleConfiguration {
  const config: RuleConfiguration = { RuleConfigurationName: ruleName(rule), RuleEvaluatorImage: ruleEvaluatorImage(region)! };
  if (rule.container_local_output_path) config.LocalPath = rule.container_local_output_path;
  if (rule.s3_output_path) config.S3OutputPath = rule.s3_output_path;
  let parameters: Record<string, string>;
  if (rule.rule === 'Rule.sagemaker') {
    // Rule.sagemaker: the other trials, the config's RuleParameters, then the user's.
    parameters = {};
    (rule.other_trials_s3_input_paths ?? []).forEach((p, i) => (parameters[`other_trial_${i}`] = p));
    Object.assign(parameters, debuggerBuiltinRule(rule.base_config)!.ruleParameters, rule.rule_parameters ?? {});
    delete parameters['action_json'];
  } else {
    parameters = { ...profilerBuiltinRule(rule.base_config)!.ruleParameters };
  }
  if (Object.keys(parameters).length > 0) config.RuleParameters = parameters;
  return config;
}

/**
 * CollectionConfig.__eq__/__hash__: the name and the parameters. `parameters: None` and `{}` hash
 * alike but are not equal, so a set keeps both.
 */
function dedupeCollections(collections: readonly CollectionConfigArg[]): CollectionConfigArg[] {
  const seen = new Set<string>();
  const out: CollectionConfigArg[] = [];
  for (const c of collections) {
    const key = JSON.stringify([c.name, c.parameters === undefined, Object.entries(c.parameters ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/** A rule configuration as DescribeTrainingJob returns it. */
export interface RuleConfigurationLike {
  RuleConfigurationName?: string;
  RuleEvaluatorImage?: string;
  InstanceType?: string;
  VolumeSizeInGB?: number;
  LocalPath?: string;
  S3OutputPath?: string;
  RuleParameters?: Record<string, string>;
}

/**
 * The `Rule.sagemaker` / `ProfilerRule.sagemaker` keyword arguments that send `config` again, when it
 * is a built-in rule: the region's rule evaluator image, no instance settings, and the rule_to_invoke
 * of a rule_configs rule (a profiler rule: with exactly its default parameters, the only ones a job
 * file sends). `hookCollections` are the DebugHookConfig's collections: a Debugger rule whose own
 * collections are not among them had collections_to_save, which the hook's list stands in for (the
 * SDK sends the union of both as a set). Undefined when the config is not a built-in rule.
 */
export function builtinRuleArguments(
  kind: 'debugger' | 'profiler',
  config: RuleConfigurationLike,
  region: string | undefined,
  hookCollections: readonly CollectionConfigArg[] | undefined,
): Record<string, unknown> | undefined {
  if (region === undefined || config.RuleConfigurationName === undefined || config.RuleEvaluatorImage !== ruleEvaluatorImage(region)) return undefined;
  if (config.InstanceType !== undefined || config.VolumeSizeInGB !== undefined) return undefined;
  const params = { ...(config.RuleParameters ?? {}) };
  const invoked = params['rule_to_invoke'];
  const args: Record<string, unknown> = {};
  if (kind === 'debugger') {
    const builtin = DEBUGGER_BUILTIN_RULES.find((r) => r.ruleParameters['rule_to_invoke'] === invoked);
    if (!builtin) return undefined;
    Object.assign(args, { rule: 'Rule.sagemaker', base_config: builtin.name });
    if (config.RuleConfigurationName !== builtin.ruleName) args['name'] = config.RuleConfigurationName;
    const trials: string[] = [];
    while (params[`other_trial_${trials.length}`] !== undefined) trials.push(params[`other_trial_${trials.length}`]!);
    trials.forEach((_, i) => delete params[`other_trial_${i}`]);
    for (const [key, value] of Object.entries(builtin.ruleParameters)) if (params[key] === value) delete params[key];
    if (config.LocalPath !== undefined) args['container_local_output_path'] = config.LocalPath;
    if (config.S3OutputPath !== undefined) args['s3_output_path'] = config.S3OutputPath;
    if (trials.length > 0) args['other_trials_s3_input_paths'] = trials;
    if (Object.keys(params).length > 0) args['rule_parameters'] = params;
    const own = builtin.collections.map((c) => ({ name: c.name, parameters: c.parameters ?? {} }));
    const hook = hookCollections ?? [];
    const sameCollection = (a: CollectionConfigArg, b: CollectionConfigArg): boolean => dedupeCollections([a, b]).length === 1;
    if (hookCollections !== undefined && hook.length > 0 && !own.every((c) => hook.some((h) => sameCollection(c, h)))) args['collections_to_save'] = hook;
    return args;
  }
  const builtin = PROFILER_BUILTIN_RULES.find((r) => r.ruleParameters['rule_to_invoke'] === invoked);
  if (!builtin || JSON.stringify(Object.entries(params)) !== JSON.stringify(Object.entries(builtin.ruleParameters))) return undefined;
  Object.assign(args, { rule: 'ProfilerRule.sagemaker', base_config: builtin.name });
  if (config.RuleConfigurationName !== builtin.ruleName) args['name'] = config.RuleConfigurationName;
  if (config.LocalPath !== undefined) args['container_local_output_path'] = config.LocalPath;
  if (config.S3OutputPath !== undefined) args['s3_output_path'] = config.S3OutputPath;
  return args;
}

/**
 * What the SDK logs as a warning about the rules (EstimatorBase._check_debugger_rule): a Debugger rule
 * named TreeDepth or FeatureImportanceOverweight is meant for XGBoost, not for this estimator.
 */
export function debuggerWarnings(args: Pick<DebuggerArguments, 'rules'>): Array<{ code: 'rules.xgboostOnly'; message: string; path: (string | number)[] }> {
  const rules = Array.isArray(args.rules) ? args.rules : [];
  const out: Array<{ code: 'rules.xgboostOnly'; message: string; path: (string | number)[] }> = [];
  rules.forEach((rule, i) => {
    if (!isRecord(rule) || !isDebuggerRule(rule)) return;
    const name = ruleName(rule);
    if (name === 'TreeDepth' || name === 'FeatureImportanceOverweight')
      out.push({
        code: 'rules.xgboostOnly',
        message: `rules[${i}] (${name}) is valid only for the XGBoost algorithm, as the SageMaker SDK warns; on a Hugging Face job it finds no tree data to check.`,
        path: ['rules', i],
      });
  });
  return out;
}
