// Writes src/core/catalog/debuggerRules.ts: the SageMaker Debugger and profiler built-in rules
// (`rule_configs.<name>()`) and the rule evaluator image registries, from their sources.
//
// - The rules come from the smdebug_rulesconfig package at the revision the SageMaker Python SDK
//   v2.257.6 pins (pyproject.toml: "smdebug_rulesconfig==1.0.1"; tag 1.0.1 of
//   github.com/awslabs/sagemaker-debugger-rulesconfig). The package itself is run (python3): each
//   Debugger rule function's config dict, each profiler rule class's `rule_parameters` with its
//   default arguments, stringified as the SDK's `to_profiler_rule_config_dict` does (`str(v)`), and
//   each profiler rule class's keyword arguments read from the class itself: the signature (names,
//   defaults), the check its __init__ runs on each (validate_percentile, validate_positive_integer,
//   or an `assert ... isinstance(..., str)` with its message; an argument with none stops the
//   generator), its docstring's :param: text, and the classes ProfilerReport's `rule_classes` lists.
// - The registries come from the SDK's `image_uri_config/debugger.json` (what
//   `get_rule_container_image_uri` / `image_uris.retrieve("debugger", region)` reads).
// - The one-line summaries: a profiler rule's is the first sentence of its docstring; the Debugger
//   rule functions have no docstrings, so their summaries are written here (SUMMARIES).
//
// Usage: node scripts/generateDebuggerRules.mjs --rulesconfig-git <bare git dir> --sdk-src <dir holding sagemaker/>
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REVISION = '1.0.1';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const SUMMARIES = {
  all_zero: 'Flags tensors whose values are all zero.',
  check_input_images: 'Checks that input images are normalized (mean near 0, standard deviation near 1).',
  class_imbalance: 'Measures class imbalance in the inputs and its effect on the predictions.',
  confusion: 'Checks the confusion matrix: too few correct predictions on the diagonal, too many off it.',
  create_xgboost_report: 'Builds the XGBoost training report (XGBoost jobs only).',
  dead_relu: 'Detects ReLU activations that output zero for almost every input.',
  exploding_tensor: 'Detects tensors with NaN or infinite values.',
  feature_importance_overweight: 'Detects a few features dominating the importance (XGBoost only; the SDK warns).',
  loss_not_decreasing: 'Detects a loss that stops decreasing by a given percentage.',
  nlp_sequence_ratio: 'Checks the ratio of padding or unknown tokens in NLP input sequences.',
  overfit: 'Detects overfitting: the validation loss drifting away from the training loss.',
  overtraining: 'Detects overtraining: the loss no longer improving over many steps.',
  poor_weight_initialization: 'Detects poor weight initialization from the variance of layer inputs.',
  saturated_activation: 'Detects saturated tanh and sigmoid activations.',
  similar_across_runs: 'Compares tensors with another trial (other_trials_s3_input_paths) and flags differences.',
  stalled_training_rule: 'Detects a job that has saved no new tensors for a while (stalled training).',
  tensor_variance: 'Flags tensors whose variance is too high or too low.',
  tree_depth: 'Checks the depth of the boosted trees (XGBoost only; the SDK warns).',
  unchanged_tensor: 'Detects tensors that no longer change between steps.',
  vanishing_gradient: 'Detects gradients that become vanishingly small.',
  weight_update_ratio: 'Checks the ratio of weight updates to weights: too large or too small.',
};

const PYTHON_DUMP = String.raw`
import inspect, json, re, sys
sys.path.insert(0, sys.argv[1])
import smdebug_rulesconfig as rc
from smdebug_rulesconfig.profiler_rules.rules import ProfilerRuleBase
def parameters(cls):
    """Each keyword argument of the class: its default as the SDK str()-s it, the check the class
    runs on it (validate_percentile / validate_positive_integer, or an assert isinstance(..., str)
    with its message), and its :param: text."""
    source = inspect.getsource(cls.__init__)
    doc = cls.__init__.__doc__ or ""
    out = []
    for p in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if p.kind is not p.POSITIONAL_OR_KEYWORD:
            continue
        entry = {"name": p.name, "default": str(p.default)}
        if re.search(r'validate_percentile\("%s", %s\)' % (p.name, p.name), source):
            entry["check"] = {"kind": "percentile", "message": "%s must be a valid percentile!" % p.name}
        elif re.search(r'validate_positive_integer\("%s", %s\)' % (p.name, p.name), source):
            entry["check"] = {"kind": "positiveInteger", "message": "%s must be a positive integer!" % p.name}
        else:
            m = re.search(r'assert %s is None or isinstance\(%s, str\), "([^"]+)"' % (p.name, p.name), source)
            if not m:
                raise SystemExit("no check found for %s.%s" % (cls.__name__, p.name))
            entry["check"] = {"kind": "stringOrNone", "message": m.group(1)}
        m = re.search(r":param %s:(.*?)(?=:param |$)" % p.name, doc, re.S)
        entry["doc"] = " ".join(m.group(1).split()) if m else ""
        out.append(entry)
    return out

debugger, profiler = [], []
for name in sorted(dir(rc)):
    obj = getattr(rc, name)
    if inspect.isfunction(obj) and obj.__module__.endswith("builtin_rules"):
        config = obj()
        debugger.append({
            "name": name,
            "ruleName": config["DebugRuleConfiguration"]["RuleConfigurationName"],
            "ruleParameters": config["DebugRuleConfiguration"].get("RuleParameters", {}),
            "collections": [{"name": c["CollectionName"], **({"parameters": c["CollectionParameters"]} if "CollectionParameters" in c else {})}
                            for c in config.get("CollectionConfigurations", [])],
        })
    elif inspect.isclass(obj) and issubclass(obj, ProfilerRuleBase) and obj is not ProfilerRuleBase:
        rule = obj()
        doc = " ".join((obj.__init__.__doc__ or "").split())
        profiler.append({
            "name": name,
            "ruleName": rule.rule_name,
            "ruleParameters": {k: str(v) for k, v in rule.rule_parameters.items()},
            "summary": doc.split(". ")[0].rstrip(".") + ".",
            "parameters": parameters(obj),
        })

# ProfilerReport(**rule_parameters) takes <rule_name>_<parameter_name> for the classes it lists
# (Dataloader among them, which rule_configs itself does not export).
from smdebug_rulesconfig.profiler_rules import rules as profiler_rules_module
report_source = inspect.getsource(rc.ProfilerReport.__init__)
report_names = re.findall(r"\w+", re.search(r"rule_classes = \[(.*?)\]", report_source, re.S).group(1))
report = [{"name": n, "parameters": parameters(getattr(profiler_rules_module, n))} for n in report_names]
print(json.dumps({"version": rc.__version__, "debugger": debugger, "profiler": profiler, "report": report}))
`;

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--rulesconfig-git') o.git = argv[++i];
    else if (argv[i] === '--sdk-src') o.sdkSrc = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!o.git || !o.sdkSrc) throw new Error('usage: --rulesconfig-git <bare git dir> --sdk-src <dir holding sagemaker/>');
  return o;
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const commit = execFileSync('git', ['--git-dir', o.git, 'rev-parse', `${REVISION}^{commit}`], { encoding: 'utf8' }).trim();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'rulesconfig-'));
  let dump;
  try {
    const archive = execFileSync('git', ['--git-dir', o.git, 'archive', commit, 'smdebug_rulesconfig']);
    execFileSync('tar', ['-x', '-C', tmp], { input: archive });
    const run = spawnSync('python3', ['-c', PYTHON_DUMP, tmp], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
    dump = JSON.parse(run.stdout);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (dump.version !== REVISION) throw new Error(`expected smdebug_rulesconfig ${REVISION}, found ${dump.version}`);
  for (const r of dump.debugger) if (!SUMMARIES[r.name]) throw new Error(`no summary for ${r.name}`);
  const registries = JSON.parse(readFileSync(path.join(o.sdkSrc, 'sagemaker', 'image_uri_config', 'debugger.json'), 'utf8')).versions.latest;

  const debuggerRules = dump.debugger.map((r) => ({ ...r, summary: SUMMARIES[r.name] }));
  const text = `/**
 * The SageMaker Debugger and profiler built-in rules (\`Rule.sagemaker(rule_configs.<name>())\`,
 * \`ProfilerRule.sagemaker(rule_configs.<Name>())\`) and the registries of their rule evaluator image.
 *
 * GENERATED by scripts/generateDebuggerRules.mjs; do not edit. Sources:
 * - smdebug_rulesconfig ${dump.version} (github.com/awslabs/sagemaker-debugger-rulesconfig, commit
 *   ${commit}), the version the SageMaker Python SDK v2.257.6 pins; each rule's
 *   config as the package returns it (a profiler rule's parameters with their default arguments, as
 *   strings, as the SDK's \`to_profiler_rule_config_dict\` sends them), and each profiler rule
 *   class's keyword arguments (signature, defaults, the checks its __init__ runs, its :param: text);
 * - sagemaker-python-sdk v2.257.6 \`image_uri_config/debugger.json\` (repository ${registries.repository},
 *   tag latest), which \`get_rule_container_image_uri\` reads.
 */

export interface BuiltinCollection {
  name: string;
  parameters?: Record<string, string>;
}

export interface DebuggerBuiltinRule {
  /** The \`rule_configs\` function, e.g. vanishing_gradient. */
  name: string;
  /** The default RuleConfigurationName. */
  ruleName: string;
  ruleParameters: Record<string, string>;
  /** The tensor collections the rule needs the Debugger hook to save (when collections_to_save is not given). */
  collections: BuiltinCollection[];
  summary: string;
}

/** A profiler rule class's keyword argument. */
export interface ProfilerRuleParameter {
  name: string;
  /** The default as the SDK sends it (\`str(default)\`). */
  default: string;
  /**
   * The check the class runs on the value: \`validate_percentile\` (0 ≤ v ≤ 100),
   * \`validate_positive_integer\` (v > 0), or \`assert v is None or isinstance(v, str)\`; each an
   * AssertionError with \`message\`.
   */
  check: { kind: 'percentile' | 'positiveInteger' | 'stringOrNone'; message: string };
  /** The class docstring's \`:param:\` text. */
  doc: string;
}

export interface ProfilerBuiltinRule {
  /** The \`rule_configs\` class, e.g. ProfilerReport. */
  name: string;
  ruleName: string;
  ruleParameters: Record<string, string>;
  summary: string;
  /** The class's keyword arguments, in its signature's order (ProfilerReport's are PROFILER_REPORT_RULES'). */
  parameters: ProfilerRuleParameter[];
}

/** A rule class ProfilerReport(**rule_parameters) takes \`<rule_name>_<parameter_name>\` keys for. */
export interface ProfilerReportRule {
  name: string;
  parameters: ProfilerRuleParameter[];
}

export const RULES_CONFIG_VERSION = ${JSON.stringify(dump.version)};

export const DEBUGGER_BUILTIN_RULES: readonly DebuggerBuiltinRule[] = ${JSON.stringify(debuggerRules, null, 2)};

export const PROFILER_BUILTIN_RULES: readonly ProfilerBuiltinRule[] = ${JSON.stringify(dump.profiler, null, 2)};

/** The classes ProfilerReport validates its \`<rule_name>_<parameter_name>\` keys against, in its own order (Dataloader is not exported by rule_configs). */
export const PROFILER_REPORT_RULES: readonly ProfilerReportRule[] = ${JSON.stringify(dump.report, null, 2)};

/** The rule evaluator image's registry account per region (debugger.json). */
export const RULE_EVALUATOR_REGISTRIES: Readonly<Record<string, string>> = ${JSON.stringify(registries.registries, null, 2)};

export const RULE_EVALUATOR_REPOSITORY = ${JSON.stringify(registries.repository)};
`;
  const out = path.join(root, 'src', 'core', 'catalog', 'debuggerRules.ts');
  writeFileSync(out, text);
  execFileSync(path.join(root, 'node_modules', '.bin', 'prettier'), ['--write', out], { stdio: 'inherit' });
  process.stdout.write(`wrote ${path.relative(root, out)}: ${debuggerRules.length} Debugger rules, ${dump.profiler.length} profiler rules\n`);

  // The job file schema's base_config: the names, and the profiler classes' keyword arguments (for
  // completion and hover; the checks themselves are src/core/sagemaker/debugger.ts's, in the SDK's words).
  const schemaFile = path.join(root, 'schemas', 'sagemaker-job.schema.json');
  let schema = readFileSync(schemaFile, 'utf8');
  schema = replaceJsonValue(schema, ['properties', 'rules', 'items', 'properties', 'base_config'], baseConfigSchema(debuggerRules, dump.profiler, dump.report));
  const conditions = JSON.parse(schema).properties.rules.items.allOf;
  const profilerCondition = conditions.findIndex((c) => c.if?.properties?.rule?.const === 'ProfilerRule.sagemaker');
  if (profilerCondition < 0) throw new Error('the schema has no condition for rule: ProfilerRule.sagemaker');
  schema = replaceJsonValue(schema, ['properties', 'rules', 'items', 'allOf', profilerCondition, 'then', 'properties', 'base_config'], {
    anyOf: [{ enum: dump.profiler.map((r) => r.name) }, { type: 'object' }],
  });
  writeFileSync(schemaFile, schema);
  execFileSync(path.join(root, 'node_modules', '.bin', 'prettier'), ['--write', schemaFile], { stdio: 'inherit' });
  process.stdout.write(`wrote ${path.relative(root, schemaFile)}: rules[].base_config\n`);
}

/** A default as the SDK prints it (`str(default)`) back as the YAML value that denotes it. */
function defaultValue(text) {
  if (text === 'None') return null;
  if (text === 'True' || text === 'False') return text === 'True';
  return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
}

function parameterSchema(p, forRule) {
  const check = { percentile: 'a percentile, 0 to 100', positiveInteger: 'above 0', stringOrNone: 'a string, or null' }[p.check.kind];
  const doc = p.doc ? `${p.doc.replace(/\s*$/, '').replace(/([^.!])$/, '$1.')} ` : '';
  const text = `${forRule ? `${forRule}'s ${p.name}: ` : ''}${doc}Default ${p.default}; must be ${check} (${p.check.message}). Sent as str(value).`;
  return {
    default: defaultValue(p.default),
    description: text,
    markdownDescription: `${forRule ? `\`${forRule}\`'s \`${p.name}\`: ` : ''}${doc}Default \`${p.default}\`; must be ${check} (\`${p.check.message}\`). Sent as \`str(value)\`.`,
    examples: [defaultValue(p.default)],
  };
}

function baseConfigSchema(debuggerRules, profiler, report) {
  const names = [...debuggerRules.map((r) => r.name), ...profiler.map((r) => r.name)];
  const descriptions = [...debuggerRules.map((r) => `Debugger rule ${r.ruleName}: ${r.summary}`), ...profiler.map((r) => `Profiler rule ${r.ruleName}: ${r.summary}`)];
  const classes = {};
  for (const r of profiler) {
    const params =
      r.name === 'ProfilerReport'
        ? Object.fromEntries(report.flatMap((c) => c.parameters.map((p) => [`${c.name}_${p.name}`, parameterSchema(p, c.name)])))
        : Object.fromEntries(r.parameters.map((p) => [p.name, parameterSchema(p)]));
    const first = Object.keys(params)[0];
    const args =
      r.name === 'ProfilerReport'
        ? 'its keyword arguments are <rule>_<parameter> for the rules it runs (' +
          report.map((c) => c.name).join(', ') +
          '; the rule part case-insensitive), each checked by that rule'
        : `its keyword arguments: ${r.parameters.map((p) => `${p.name}=${p.default}`).join(', ')}`;
    classes[r.name] = {
      type: ['object', 'null'],
      description: `rule_configs.${r.name}(...): ${r.summary} As a map, ${args}; null or {} calls it without arguments.`,
      markdownDescription: `\`rule_configs.${r.name}(...)\`: ${r.summary} As a map, ${args.replace(/<rule>_<parameter>/, '`<rule>_<parameter>`')}; \`null\` or \`{}\` calls it without arguments.\n\n\`\`\`yaml\n${r.name}:\n  ${first}: ${JSON.stringify(params[first].examples[0])}\n\`\`\``,
      examples: [{ [first]: params[first].examples[0] }],
      properties: params,
    };
  }
  const description =
    'Built-in rules only: which rule of the SDK\'s rule_configs (smdebug_rulesconfig 1.0.1, the version SDK v2.257.6 pins), as you would call it: rule_configs.vanishing_gradient() is vanishing_gradient, rule_configs.ProfilerReport() is ProfilerReport. A profiler rule class takes its keyword arguments as a one-key map: rule_configs.CPUBottleneck(threshold=60) is {CPUBottleneck: {threshold: 60}}, rule_configs.ProfilerReport(CPUBottleneck_threshold=60) is {ProfilerReport: {CPUBottleneck_threshold: 60}}; the class checks them as in Python and the SDK sends each as str(value) (60.0 stays "60.0", true is "True"). The config gives the rule\'s name (unless name is set), its RuleParameters and, for a Debugger rule, the tensor collections the hook saves (unless collections_to_save is set). A Debugger rule function takes no arguments: give its parameters in rule_parameters.';
  const markdownDescription =
    'Built-in rules only: which rule of the SDK\'s `rule_configs` (`smdebug_rulesconfig` 1.0.1, the version SDK v2.257.6 pins), as you would call it: `rule_configs.vanishing_gradient()` is `vanishing_gradient`, `rule_configs.ProfilerReport()` is `ProfilerReport`. A profiler rule class takes its keyword arguments as a one-key map: `rule_configs.CPUBottleneck(threshold=60)` is `{CPUBottleneck: {threshold: 60}}`, `rule_configs.ProfilerReport(CPUBottleneck_threshold=60)` is `{ProfilerReport: {CPUBottleneck_threshold: 60}}`; the class checks them as in Python and the SDK sends each as `str(value)` (`60.0` stays `"60.0"`, `true` is `"True"`). The config gives the rule\'s name (unless `name` is set), its `RuleParameters` and, for a Debugger rule, the tensor collections the hook saves (unless `collections_to_save` is set). A Debugger rule function takes no arguments: give its parameters in `rule_parameters`.\n\n```yaml\nbase_config:\n  CPUBottleneck:\n    threshold: 60\n```';
  return {
    description,
    markdownDescription,
    examples: ['vanishing_gradient', 'ProfilerReport', { CPUBottleneck: { threshold: 60 } }],
    anyOf: [
      { type: 'string', enum: names, enumDescriptions: descriptions },
      {
        type: 'object',
        description: 'A profiler rule class of rule_configs called with keyword arguments: its name as the one key, the arguments as a map under it.',
        properties: classes,
      },
    ],
  };
}

/**
 * `text` (JSON) with the value at `keys` replaced by `value`, everything else as written (so numbers
 * such as `1e-5` keep their spelling; prettier lays the new value out afterwards).
 */
function replaceJsonValue(text, keys, value) {
  let i = 0;
  const ws = () => {
    while (/\s/.test(text[i])) i++;
  };
  const str = () => {
    const start = i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  // Skips the value at i; when `want` is the path still to go, returns [start, end] of the target.
  const walk = (want) => {
    ws();
    const start = i;
    if (want.length === 0) {
      skip();
      return [start, i];
    }
    if (text[i] === '{') {
      i++;
      for (;;) {
        ws();
        if (text[i] === '}') break;
        const key = str();
        ws();
        i++; // :
        const found = key === want[0] ? walk(want.slice(1)) : (skip(), undefined);
        if (found) return found;
        ws();
        if (text[i] === ',') i++;
      }
    } else if (text[i] === '[') {
      i++;
      for (let n = 0; ; n++) {
        ws();
        if (text[i] === ']') break;
        const found = n === want[0] ? walk(want.slice(1)) : (skip(), undefined);
        if (found) return found;
        ws();
        if (text[i] === ',') i++;
      }
    }
    throw new Error(`no ${keys.join('.')} in the schema`);
  };
  const skip = () => {
    ws();
    if (text[i] === '"') return void str();
    if (text[i] === '{' || text[i] === '[') {
      const close = text[i] === '{' ? '}' : ']';
      i++;
      for (;;) {
        ws();
        if (text[i] === close) return void i++;
        if (close === '}') {
          str();
          ws();
          i++;
        }
        skip();
        ws();
        if (text[i] === ',') i++;
      }
    }
    while (i < text.length && !/[\s,}\]]/.test(text[i])) i++;
  };
  const [start, end] = walk(keys);
  return text.slice(0, start) + JSON.stringify(value) + text.slice(end);
}

main();
