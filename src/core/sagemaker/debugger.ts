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
 *   rules' configs come from core/catalog/debuggerRules.ts (smdebug_rulesconfig 1.0.1). A profiler
 *   rule's `base_config` may be a one-key map, the class called with keyword arguments:
 *   `{CPUBottleneck: {threshold: 60}}` is `rule_configs.CPUBottleneck(threshold=60)`;
 * - `actions` (Rule.custom, Rule.sagemaker): `rule_configs.ActionList(...)` of one-key maps, each
 *   an action class called with its one argument or its keyword arguments: `{StopTraining: null}`
 *   is `StopTraining()`, `{StopTraining: my-job}` / `{StopTraining: {training_job_prefix: my-job}}`
 *   `StopTraining(training_job_prefix="my-job")`, `{Email: a@b.com}`, `{SMS: "+15555550100"}`.
 *
 * Pure: the region and the output path come in; the request builder places the result.
 */
import type { TrainingPlanErrorCode } from '../training/trainingPlanError';
import { excerpt } from '../excerpt';
import { isRecord } from '../isRecord';
import { closestMatch } from '../jobFile/didYouMean';
import { DEBUGGER_BUILTIN_RULES, PROFILER_BUILTIN_RULES, PROFILER_REPORT_RULES, RULE_EVALUATOR_REGISTRIES, RULE_EVALUATOR_REPOSITORY } from '../catalog/debuggerRules';
import type { DebuggerBuiltinRule, ProfilerBuiltinRule, ProfilerRuleParameter } from '../catalog/debuggerRules';
import { ecrHostname } from '../catalog/huggingfaceImages';
import { pythonFloatRepr, pythonStrOfParsed } from '../training/pythonJson';
import { pyNone } from '../contract/pythonValue';
import type { PyValue } from '../contract/pythonValue';

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

/**
 * One action of `rule_configs.ActionList(...)`: the class, called with its one argument (a scalar) or
 * its keyword arguments (a map); `StopTraining: null` is `StopTraining()`.
 */
export type ActionArg =
  { StopTraining: null | string | { training_job_prefix?: string | null } } | { Email: string | { email_address: string } } | { SMS: string | { phone_number: string } };

/** The action classes of smdebug_rulesconfig 1.0.1 and their keyword arguments (each takes one). */
export const ACTION_KEYWORDS = { StopTraining: 'training_job_prefix', Email: 'email_address', SMS: 'phone_number' } as const;

/** `Rule.custom(...)`: a Debugger rule run by your own evaluator image. */
export interface DebuggerCustomRuleArg extends CustomRuleCommon {
  rule: 'Rule.custom';
  other_trials_s3_input_paths?: string[];
  collections_to_save?: CollectionConfigArg[];
  actions?: ActionArg[];
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
  actions?: ActionArg[];
}

/**
 * A profiler rule of rule_configs: its class name (`CPUBottleneck()`), or a one-key map of the class
 * name to its keyword arguments (`{CPUBottleneck: {threshold: 60}}` is `CPUBottleneck(threshold=60)`;
 * a null or empty map calls it without arguments).
 */
export type ProfilerBaseConfigArg = string | Record<string, Record<string, unknown> | null>;

/** `ProfilerRule.sagemaker(rule_configs.<base_config>(...), ...)`: a built-in profiler rule. */
export interface ProfilerBuiltinRuleArg {
  rule: 'ProfilerRule.sagemaker';
  base_config: ProfilerBaseConfigArg;
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
    'actions',
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
  'Rule.sagemaker': ['base_config', 'name', 'container_local_output_path', 's3_output_path', 'other_trials_s3_input_paths', 'rule_parameters', 'collections_to_save', 'actions'],
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
 * The rule_configs call a built-in rule's `base_config` writes: the name, and the keyword arguments
 * when it is a one-key map (`{CPUBottleneck: {threshold: 60}}`). `keys` counts the map's keys.
 */
export function baseConfigCall(baseConfig: unknown): { name: unknown; args?: unknown; keys: number } {
  if (!isRecord(baseConfig)) return { name: baseConfig, keys: 0 };
  const keys = Object.keys(baseConfig);
  return keys.length === 0 ? { name: undefined, keys: 0 } : { name: keys[0], args: baseConfig[keys[0]!], keys: keys.length };
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
  if (rule.rule === 'ProfilerRule.sagemaker') {
    const { name } = baseConfigCall(rule.base_config);
    return profilerBuiltinRule(name)?.ruleName ?? String(name);
  }
  return String(rule.name);
}

/** What the request builder knows besides the arguments: the job's name, and values encoded from the YAML. */
export interface DebuggerRequestContext {
  /** The training job's name: `prepare_actions` makes it the prefix of a StopTraining without one. */
  jobName: string;
  /**
   * Python's `str()` of each keyword argument of a profiler rule's `base_config` map, by rule index,
   * encoded from the YAML nodes (`1.0` stays "1.0"; pythonJson.ts `encodeDocumentValues`). Without
   * them the values are `str()`-ed from the parsed numbers, which cannot tell `1.0` from `1`.
   */
  ruleParameterValues?: ReadonlyArray<Readonly<Record<string, string>> | undefined>;
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

/** Something the SDK raises for these arguments; `path` is from the job file's root, `on` which part of it to mark (the key by default). */
export interface DebuggerRefusal {
  code: TrainingPlanErrorCode;
  message: string;
  path: readonly (string | number)[];
  on?: 'key' | 'value';
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
    const label = `rules[${i}] (${excerpt(String(rule.name ?? baseConfigCall(given['base_config']).name))})`;
    if ((rule.rule === 'Rule.custom' || rule.rule === 'Rule.sagemaker') && given['actions'] !== undefined) actionRefusals(given['actions'], i, label, out);
    if (rule.rule === 'Rule.sagemaker' || rule.rule === 'ProfilerRule.sagemaker') {
      builtinRuleRefusals(rule, i, label, region, profilerOn, out);
      return;
    }
    // No constructor, or one the SDK does not have: the schema's problem says which to write; what each takes follows from it.
    if (rule.rule !== 'Rule.custom' && rule.rule !== 'ProfilerRule.custom') return;
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
      for (const key of ['other_trials_s3_input_paths', 'collections_to_save', 'actions'] as const) {
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
    if (key === 'rule' || taken.includes(key)) continue;
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
  const call = baseConfigCall(rule.base_config);
  const mapped = isRecord(rule.base_config);
  // A map names the class by its one key: the problems are about that key.
  const namePath = mapped && call.name !== undefined ? ['rules', i, 'base_config', call.name as string] : ['rules', i, 'base_config'];
  if (mapped && call.keys !== 1) {
    out.push({
      code: 'rules.builtinArguments',
      message: `${label}: base_config as a map names one rule_configs class and its keyword arguments, e.g. {CPUBottleneck: {threshold: 60}} for rule_configs.CPUBottleneck(threshold=60); this one has ${call.keys === 0 ? 'no key' : `${call.keys} keys`}.`,
      path: ['rules', i, 'base_config'],
    });
    return;
  }
  const known = rule.rule === 'Rule.sagemaker' ? debuggerBuiltinRule(call.name) : profilerBuiltinRule(call.name);
  if (rule.base_config !== undefined && !known) {
    const names = (rule.rule === 'Rule.sagemaker' ? DEBUGGER_BUILTIN_RULES : PROFILER_BUILTIN_RULES).map((r) => r.name);
    const elsewhere = rule.rule === 'Rule.sagemaker' ? profilerBuiltinRule(call.name) : debuggerBuiltinRule(call.name);
    const guess = elsewhere ? undefined : closestMatch(String(call.name), names);
    out.push({
      code: 'rules.unknownBuiltin',
      message: `${label}: ${excerpt(String(call.name))} is not a ${rule.rule === 'Rule.sagemaker' ? 'Debugger' : 'profiler'} rule of rule_configs (smdebug_rulesconfig 1.0.1)${elsewhere ? `; it is a ${rule.rule === 'Rule.sagemaker' ? 'profiler rule: write rule: ProfilerRule.sagemaker' : 'Debugger rule: write rule: Rule.sagemaker'}` : ''}.${guess ? ` Did you mean ${guess}?` : ''} Known: ${names.join(', ')}.`,
      path: namePath,
    });
  }
  // rule_configs.<debugger rule>() takes no arguments (TypeError); Rule.sagemaker's rule_parameters set them.
  if (rule.rule === 'Rule.sagemaker' && mapped && known) {
    out.push({
      code: 'rules.builtinArguments',
      message: `${label}: rule_configs.${call.name as string}() takes no arguments, and Python raises TypeError for any; write base_config: ${call.name as string} and give the rule's parameters as rule_parameters (strings), as Rule.sagemaker takes them.`,
      path: namePath,
    });
  }
  if (rule.rule === 'ProfilerRule.sagemaker' && known && call.args !== undefined && call.args !== null)
    profilerArgumentRefusals(known as ProfilerBuiltinRule, call.args, [...namePath], label, out);
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
      path: rule.name ? ['rules', i, 'name'] : namePath,
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

/** Python's type name of a value parsed from YAML, as its TypeError messages print it. */
function pythonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'string') return 'str';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'bigint') return 'int';
  return Array.isArray(v) ? 'list' : 'dict';
}

/** The number Python compares a YAML value as (a bool is an int), or undefined when the comparison raises TypeError. */
function pythonNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/**
 * What the class's check raises for `value` (smdebug_rulesconfig profiler_rules/utils.py and the
 * class's own asserts), or undefined when it passes.
 */
export function profilerParameterProblem(parameter: ProfilerRuleParameter, value: unknown): string | undefined {
  const { kind, message } = parameter.check;
  if (kind === 'stringOrNone') return value === null || typeof value === 'string' ? undefined : `AssertionError: ${message}`;
  const n = pythonNumber(value);
  if (kind === 'percentile') {
    // assert 0 <= val <= 100
    if (n === undefined) return `TypeError: '<=' not supported between instances of 'int' and '${pythonTypeName(value)}' (${parameter.name} must be a number)`;
    return n >= 0 && n <= 100 ? undefined : `AssertionError: ${message}`;
  }
  // assert val > 0
  if (n === undefined) return `TypeError: '>' not supported between instances of '${pythonTypeName(value)}' and 'int' (${parameter.name} must be a number)`;
  return n > 0 ? undefined : `AssertionError: ${message}`;
}

/** The class's signature as inspect.signature prints it, e.g. `(self, threshold=50, patience=1000)`. */
function pythonSignature(parameters: readonly ProfilerRuleParameter[]): string {
  return `(self, ${parameters.map((p) => `${p.name}=${p.default}`).join(', ')})`;
}

/**
 * ProfilerReport's key `<rule_name>_<parameter_name>`: the class (case-insensitive) and its parameter,
 * or what ProfilerReport.__init__ raises for the key.
 */
export function profilerReportKey(key: string): { rule: (typeof PROFILER_REPORT_RULES)[number]; parameter: ProfilerRuleParameter } | { error: string; guess?: string } {
  const names = PROFILER_REPORT_RULES.map((r) => r.name);
  if (!key.includes('_')) return { error: `AssertionError: Key (${key}) does not follow naming scheme: <rule_name>_<parameter_name>` };
  const [head, ...tail] = key.split('_');
  const ruleName = head!.toLowerCase();
  const parameterName = tail.join('_').toLowerCase();
  const rule = PROFILER_REPORT_RULES.find((r) => r.name.toLowerCase() === ruleName);
  if (!rule) {
    const guess = closestMatch(head!, names);
    return {
      error: `AssertionError: ${ruleName} is an invalid rule name! Accepted rule names (case insensitive) are: [${names.map((n) => `'${n}'`).join(', ')}]`,
      ...(guess ? { guess: `${guess}_${tail.join('_')}` } : {}),
    };
  }
  const parameter = rule.parameters.find((p) => p.name === parameterName);
  if (!parameter) {
    const guess = closestMatch(
      parameterName,
      rule.parameters.map((p) => p.name),
    );
    return {
      error: `TypeError: ${parameterName} is an invalid parameter name! Accepted parameter names for ${rule.name} are: ${pythonSignature(rule.parameters)}`,
      ...(guess ? { guess: `${head}_${guess}` } : {}),
    };
  }
  return { rule, parameter };
}

/** What `rule_configs.<Class>(**args)` raises: a keyword it does not take (TypeError), a value its checks refuse. */
function profilerArgumentRefusals(rule: ProfilerBuiltinRule, args: unknown, at: Array<string | number>, label: string, out: DebuggerRefusal[]): void {
  const call = `rule_configs.${rule.name}(...)`;
  if (!isRecord(args)) {
    out.push({
      code: 'rules.profilerParameter',
      message: `${label}: ${rule.name} under base_config takes its keyword arguments as a map (e.g. ${rule.parameters[0] ? `${rule.parameters[0].name}: ${rule.parameters[0].default}` : 'CPUBottleneck_threshold: 60'}), or null for none; not ${pythonTypeName(args) === 'list' ? 'a list' : 'a single value'}.`,
      path: at,
      on: 'value',
    });
    return;
  }
  for (const [key, value] of Object.entries(args)) {
    const where = [...at, key];
    if (rule.name === 'ProfilerReport') {
      const found = profilerReportKey(key);
      if ('error' in found) {
        out.push({
          code: 'rules.profilerParameter',
          message: `${label}: ${call} refuses ${excerpt(key)}: ${found.error}.${found.guess ? ` Did you mean ${found.guess}?` : ''}`,
          path: where,
        });
        continue;
      }
      const problem = profilerParameterProblem(found.parameter, value);
      if (problem)
        out.push({
          code: 'rules.profilerParameter',
          message: `${label}: ${call} checks ${key} as ${found.rule.name}'s ${found.parameter.name}: ${problem}`,
          path: where,
          on: 'value',
        });
      continue;
    }
    const parameter = rule.parameters.find((p) => p.name === key);
    if (!parameter) {
      const guess = closestMatch(
        key,
        rule.parameters.map((p) => p.name),
      );
      out.push({
        code: 'rules.profilerParameter',
        message: `${label}: TypeError: ${rule.name}.__init__() got an unexpected keyword argument '${excerpt(key)}'.${guess ? ` Did you mean ${guess}?` : ''} Its keyword arguments: ${rule.parameters.map((p) => p.name).join(', ')}.`,
        path: where,
      });
      continue;
    }
    const problem = profilerParameterProblem(parameter, value);
    if (problem) out.push({ code: 'rules.profilerParameter', message: `${label}: ${call}: ${problem}`, path: where, on: 'value' });
  }
}

// smdebug_rulesconfig actions/utils.py, with Python's `re.match` and `$` (which also matches before a
// final newline); `\w` and `\d` of a str pattern are Unicode's.
const TRAINING_JOB_PREFIX = /^[A-Za-z0-9-]+\n?$/;
const EMAIL_ADDRESS = /^[a-z0-9]+@[\p{L}\p{N}_]+\.[\p{L}\p{N}_]{2,3}\n?$/u;
const PHONE_NUMBER = /^\+\p{Nd}{1,15}\n?$/u;
const ACTION_MESSAGES = {
  training_job_prefix: 'Invalid training job prefix! Must contain only letters, numbers and hyphens!',
  email_address: 'Invalid email address provided! Must follow this scheme: username@domain',
  phone_number: 'Invalid phone number provided! Must follow the E.164 format. See https://docs.aws.amazon.com/sns/latest/dg/sms_publish-to-phone.html for more info.',
} as const;

type ActionClass = keyof typeof ACTION_KEYWORDS;

/** An action item's class and its one argument (undefined: not given), or why the item has no such form. */
function actionCall(item: unknown): { cls: ActionClass; value: unknown; given: boolean; unexpected: string[] } | { error: string } {
  if (!isRecord(item))
    return { error: 'each action is a one-key map of the action class to its argument, e.g. {StopTraining: null}, {Email: someone@example.com}, {SMS: "+15555550100"}' };
  const keys = Object.keys(item);
  if (keys.length !== 1)
    return {
      error: `an action names one class (StopTraining, Email or SMS); this one has ${keys.length === 0 ? 'none' : `${keys.length}: ${keys.map((k) => excerpt(k)).join(', ')}`}`,
    };
  const cls = keys[0]!;
  if (!Object.prototype.hasOwnProperty.call(ACTION_KEYWORDS, cls)) {
    const guess = closestMatch(cls, Object.keys(ACTION_KEYWORDS));
    return { error: `${excerpt(cls)} is not an action of smdebug_rulesconfig 1.0.1${guess ? ` (did you mean ${guess}?)` : ''}; the actions are StopTraining, Email and SMS` };
  }
  const keyword = ACTION_KEYWORDS[cls as ActionClass];
  const arg = item[cls];
  if (isRecord(arg)) {
    const unexpected = Object.keys(arg).filter((k) => k !== keyword);
    const given = Object.prototype.hasOwnProperty.call(arg, keyword);
    return { cls: cls as ActionClass, value: arg[keyword], given, unexpected };
  }
  // `StopTraining: null` is StopTraining() (its argument defaults to None); `Email: null` is Email(None).
  return { cls: cls as ActionClass, value: arg, given: !(cls === 'StopTraining' && arg === null), unexpected: [] };
}

/** What `ActionList(*actions)` raises for the job file's `actions` (each action class validates its argument). */
function actionRefusals(actions: unknown, i: number, label: string, out: DebuggerRefusal[]): void {
  if (!Array.isArray(actions)) {
    out.push({
      code: 'rules.action',
      message: `${label}: actions is a list of actions (rule_configs.ActionList), e.g. [{StopTraining: null}, {Email: someone@example.com}].`,
      path: ['rules', i, 'actions'],
    });
    return;
  }
  actions.forEach((item, j) => {
    const at: Array<string | number> = ['rules', i, 'actions', j];
    const call = actionCall(item);
    if ('error' in call) {
      out.push({ code: 'rules.action', message: `${label}: actions[${j}]: ${call.error}.`, path: at });
      return;
    }
    const keyword = ACTION_KEYWORDS[call.cls];
    const argPath = isRecord((item as Record<string, unknown>)[call.cls]) ? [...at, call.cls, keyword] : [...at, call.cls];
    for (const key of call.unexpected) {
      out.push({
        code: 'rules.action',
        message: `${label}: actions[${j}]: TypeError: ${call.cls}.__init__() got an unexpected keyword argument '${excerpt(key)}'; it takes ${keyword}.`,
        path: [...at, call.cls, key],
      });
    }
    if (!call.given) {
      if (call.cls !== 'StopTraining')
        out.push({
          code: 'rules.action',
          message: `${label}: actions[${j}]: TypeError: ${call.cls}.__init__() missing 1 required positional argument: '${keyword}'.`,
          path: [...at, call.cls],
        });
      return;
    }
    // StopTraining(None) is StopTraining(): its prefix is then the job's name.
    if (call.cls === 'StopTraining' && call.value === null) return;
    if (typeof call.value !== 'string') {
      const hint = call.cls === 'SMS' && typeof call.value === 'number' ? ' (YAML reads +15555550100 unquoted as a number: quote it)' : '';
      out.push({ code: 'rules.action', message: `${label}: actions[${j}]: ${call.cls} refuses it: ValueError: ${keyword} must be a string!${hint}`, path: argPath, on: 'value' });
      return;
    }
    const pattern = call.cls === 'StopTraining' ? TRAINING_JOB_PREFIX : call.cls === 'Email' ? EMAIL_ADDRESS : PHONE_NUMBER;
    if (!pattern.test(call.value)) {
      out.push({
        code: 'rules.action',
        message: `${label}: actions[${j}]: ${call.cls} refuses ${excerpt(call.value)}: ValueError: ${ACTION_MESSAGES[keyword]}`,
        path: argPath,
        on: 'value',
      });
      return;
    }
    // Action.__init__ then parses its own serialization inside a Python string literal, where the
    // newline `$` let through ends the literal.
    if (call.value.endsWith('\n')) {
      out.push({
        code: 'rules.action',
        message: `${label}: actions[${j}]: ${call.cls} refuses a value ending in a line break: Exception: Error <class 'SyntaxError'> occurred during action string validation. See the docstring for more info.`,
        path: argPath,
        on: 'value',
      });
    }
  });
}

/**
 * `ActionList.serialize()` after `update_training_job_prefix_if_not_specified(jobName)`: the
 * rule parameter `action_json`. Each action's parameters in their dict order (its argument, then
 * `name`; a StopTraining without a prefix gets the job name after `name`), quotes escaped with a
 * backslash as smdebug_rulesconfig writes them.
 */
export function actionJson(actions: readonly ActionArg[], jobName: string): string {
  const serialized = actions.map((item) => {
    const call = actionCall(item);
    if ('error' in call) throw new Error(`actionJson: ${call.error}`); // debuggerRefusals refuses these first
    const params: Array<[string, string]> = [];
    if (call.cls === 'StopTraining') {
      if (call.value === null || call.value === undefined) params.push(['name', 'stoptraining'], ['training_job_prefix', jobName]);
      else params.push(['training_job_prefix', String(call.value)], ['name', 'stoptraining']);
    } else {
      params.push(['endpoint', String(call.value)], ['name', call.cls.toLowerCase()]);
    }
    return `{${params.map(([k, v]) => `\\"${k}\\": \\"${v}\\"`).join(', ')}}`;
  });
  return `[${serialized.join(', ')}]`;
}

/**
 * A built-in profiler rule's RuleParameters: `rule_configs.<Class>(**args).rule_parameters`, each
 * value `str()`-ed by to_profiler_rule_config_dict. The classes pass their arguments on in their
 * defaults' order with rule_to_invoke last; ProfilerReport passes its keys as written.
 */
function profilerRuleParameters(rule: ProfilerBuiltinRuleArg, encoded: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const call = baseConfigCall(rule.base_config);
  const builtin = profilerBuiltinRule(call.name)!;
  const args = isRecord(call.args) ? call.args : {};
  const str = (key: string): string => encoded?.[key] ?? pythonStrOfParsed(args[key]);
  if (builtin.name === 'ProfilerReport') {
    const params: Record<string, string> = {};
    for (const key of Object.keys(args)) params[key] = str(key);
    params['rule_to_invoke'] = builtin.ruleParameters['rule_to_invoke']!;
    return params;
  }
  const params = { ...builtin.ruleParameters };
  for (const key of Object.keys(args)) params[key] = str(key);
  return params;
}

/**
 * DebugRuleConfigurations, DebugHookConfig, TensorBoardOutputConfig, ProfilerRuleConfigurations
 * and ProfilerConfig as the SDK sends them; call only when `debuggerRefusals` found nothing.
 */
export function debuggerRequestFields(args: DebuggerArguments, region: string, outputPath: string, context: DebuggerRequestContext): DebuggerRequestFields {
  const out: DebuggerRequestFields = {};
  const rules = args.rules ?? [];
  const debuggerRules = rules.filter(isDebuggerRule);
  const profilerRules = rules.filter(isProfilerRule);

  if (debuggerRules.length > 0)
    out.DebugRuleConfigurations = debuggerRules.map((r) =>
      r.rule === 'Rule.custom' ? ruleConfiguration(r, debuggerRuleParameters(r, context.jobName)) : builtinRuleConfiguration(r, region, context, undefined),
    );

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
      r.rule === 'ProfilerRule.custom'
        ? ruleConfiguration(r, mergedRuleParameters(r))
        : builtinRuleConfiguration(r, region, context, context.ruleParameterValues?.[rules.indexOf(r)]),
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

/** Rule._set_rule_parameters puts the other trials first; then prepare_actions. */
function debuggerRuleParameters(rule: DebuggerCustomRuleArg, jobName: string): Record<string, string> {
  const params: Record<string, string> = {};
  (rule.other_trials_s3_input_paths ?? []).forEach((p, i) => (params[`other_trial_${i}`] = p));
  Object.assign(params, mergedRuleParameters(rule));
  prepareActions(params, rule.actions, jobName);
  return params;
}

/**
 * Rule.prepare_actions: without actions, action_json is dropped (a user cannot set it); with them it
 * is set to their serialization, in place when rule_parameters had one (dict.update keeps the place).
 */
function prepareActions(params: Record<string, string>, actions: readonly ActionArg[] | undefined, jobName: string): void {
  if (actions === undefined) delete params['action_json'];
  else params['action_json'] = actionJson(actions, jobName);
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
 * `prepare_actions` (a Debugger rule's action_json). Call only when `debuggerRefusals` found nothing.
 */
function builtinRuleConfiguration(
  rule: DebuggerBuiltinRuleArg | ProfilerBuiltinRuleArg,
  region: string,
  context: DebuggerRequestContext,
  encoded: Readonly<Record<string, string>> | undefined,
): RuleConfiguration {
  const config: RuleConfiguration = { RuleConfigurationName: ruleName(rule), RuleEvaluatorImage: ruleEvaluatorImage(region)! };
  if (rule.container_local_output_path) config.LocalPath = rule.container_local_output_path;
  if (rule.s3_output_path) config.S3OutputPath = rule.s3_output_path;
  let parameters: Record<string, string>;
  if (rule.rule === 'Rule.sagemaker') {
    // Rule.sagemaker: the other trials, the config's RuleParameters, then the user's.
    parameters = {};
    (rule.other_trials_s3_input_paths ?? []).forEach((p, i) => (parameters[`other_trial_${i}`] = p));
    Object.assign(parameters, debuggerBuiltinRule(rule.base_config)!.ruleParameters, rule.rule_parameters ?? {});
    prepareActions(parameters, rule.actions, context.jobName);
  } else {
    parameters = profilerRuleParameters(rule, encoded);
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

/**
 * The actions `action_json` (ActionList.serialize()) was made from, when `actionJson` makes exactly it
 * again for this job: a StopTraining whose prefix followed its name was given none (the SDK filled in
 * `jobName`). Undefined for anything else.
 */
export function actionsFromJson(json: string, jobName: string | undefined): ActionArg[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.replace(/\\"/g, '"'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const actions: ActionArg[] = [];
  for (const item of parsed) {
    if (!isRecord(item)) return undefined;
    const keys = Object.keys(item);
    if (item['name'] === 'stoptraining') actions.push({ StopTraining: keys[0] === 'name' ? null : String(item['training_job_prefix']) });
    else if (item['name'] === 'email') actions.push({ Email: String(item['endpoint']) });
    else if (item['name'] === 'sms') actions.push({ SMS: String(item['endpoint']) });
    else return undefined;
  }
  const problems: DebuggerRefusal[] = [];
  actionRefusals(actions, 0, '', problems);
  return problems.length === 0 && actionJson(actions, jobName ?? '') === json ? actions : undefined;
}

/**
 * A Debugger rule's described parameters: an action_json becomes `args.actions`; it stays in the
 * parameters only where it was not last (rule_parameters had one, which the actions then replaced in
 * place). False when action_json is there but is no ActionList a job file can write.
 */
export function takeActions(params: Record<string, string>, args: Record<string, unknown>, jobName: string | undefined): boolean {
  const json = params['action_json'];
  if (json === undefined) return true;
  const actions = actionsFromJson(json, jobName);
  if (!actions) return false;
  args['actions'] = actions;
  if (Object.keys(params).at(-1) === 'action_json') delete params['action_json'];
  return true;
}

/**
 * A value of the class's keyword argument whose `str()` is `text` and which the class accepts:
 * None, a bool, an int, a float (Python's repr digits) or, for a string argument, the text itself.
 */
export function profilerArgumentFromStr(parameter: ProfilerRuleParameter, text: string): PyValue | undefined {
  let value: PyValue | undefined;
  if (text === 'None') value = pyNone;
  else if (parameter.check.kind === 'stringOrNone') value = { type: 'str', value: text };
  else if (text === 'True' || text === 'False') value = { type: 'bool', value: text === 'True' };
  else if (/^-?\d+$/.test(text)) value = { type: 'int', value: BigInt(text) };
  else if (/^-?(\d+\.\d+(e[-+]\d+)?|\d+e[-+]\d+|inf|nan)$/.test(text) && pythonFloatRepr(Number(text.replace('inf', 'Infinity').replace('nan', 'NaN'))) === text)
    value = { type: 'float', value: Number(text.replace('inf', 'Infinity').replace('nan', 'NaN')) };
  if (value === undefined) return undefined;
  const plain =
    value.type === 'none' ? null : value.type === 'int' ? Number(value.value) : value.type === 'bool' || value.type === 'float' || value.type === 'str' ? value.value : undefined;
  return profilerParameterProblem(parameter, plain) === undefined ? value : undefined;
}

/**
 * The keyword arguments a described profiler rule's parameters were made from (only those that differ
 * from the class's defaults; ProfilerReport's as sent), or undefined when no call of the class sends them.
 */
function profilerArgumentsFromParameters(rule: ProfilerBuiltinRule, params: Readonly<Record<string, string>>): Array<[string, PyValue]> | undefined {
  const keys = Object.keys(params);
  if (keys.at(-1) !== 'rule_to_invoke') return undefined;
  const out: Array<[string, PyValue]> = [];
  if (rule.name === 'ProfilerReport') {
    for (const key of keys.slice(0, -1)) {
      const found = profilerReportKey(key);
      if ('error' in found) return undefined;
      const value = profilerArgumentFromStr(found.parameter, params[key]!);
      if (!value) return undefined;
      out.push([key, value]);
    }
    return out;
  }
  // The other classes pass every argument on, in their own order.
  if (JSON.stringify(keys) !== JSON.stringify(Object.keys(rule.ruleParameters))) return undefined;
  for (const parameter of rule.parameters) {
    const text = params[parameter.name]!;
    if (text === rule.ruleParameters[parameter.name]) continue;
    const value = profilerArgumentFromStr(parameter, text);
    if (!value) return undefined;
    out.push([parameter.name, value]);
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
 * SDK sends the union of both as a set). A profiler rule's parameters come back as the class's
 * keyword arguments (`base_config: {Class: {key: PyValue}}`, the values that `str()` back to what was
 * sent), a Debugger rule's action_json as `actions` (see `takeActions`; `jobName` is the described
 * job's). Undefined when the config is not a built-in rule a job file can write.
 */
export function builtinRuleArguments(
  kind: 'debugger' | 'profiler',
  config: RuleConfigurationLike,
  region: string | undefined,
  hookCollections: readonly CollectionConfigArg[] | undefined,
  jobName?: string,
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
    if (!takeActions(params, args, jobName)) return undefined;
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
  if (!builtin) return undefined;
  const keywordArguments = profilerArgumentsFromParameters(builtin, params);
  if (!keywordArguments) return undefined;
  Object.assign(args, { rule: 'ProfilerRule.sagemaker', base_config: keywordArguments.length > 0 ? { [builtin.name]: Object.fromEntries(keywordArguments) } : builtin.name });
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
