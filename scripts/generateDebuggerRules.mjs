// Writes src/core/catalog/debuggerRules.ts: the SageMaker Debugger and profiler built-in rules
// (`rule_configs.<name>()`) and the rule evaluator image registries, from their sources.
//
// - The rules come from the smdebug_rulesconfig package at the revision the SageMaker Python SDK
//   v2.257.6 pins (pyproject.toml: "smdebug_rulesconfig==1.0.1"; tag 1.0.1 of
//   github.com/awslabs/sagemaker-debugger-rulesconfig). The package itself is run (python3): each
//   Debugger rule function's config dict, each profiler rule class's `rule_parameters` with its
//   default arguments, stringified as the SDK's `to_profiler_rule_config_dict` does (`str(v)`).
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

const PYTHON_DUMP = `
import inspect, json, sys
sys.path.insert(0, sys.argv[1])
import smdebug_rulesconfig as rc
from smdebug_rulesconfig.profiler_rules.rules import ProfilerRuleBase
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
        })
print(json.dumps({"version": rc.__version__, "debugger": debugger, "profiler": profiler}))
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
 *   strings, as the SDK's \`to_profiler_rule_config_dict\` sends them);
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

export interface ProfilerBuiltinRule {
  /** The \`rule_configs\` class, e.g. ProfilerReport. */
  name: string;
  ruleName: string;
  ruleParameters: Record<string, string>;
  summary: string;
}

export const RULES_CONFIG_VERSION = ${JSON.stringify(dump.version)};

export const DEBUGGER_BUILTIN_RULES: readonly DebuggerBuiltinRule[] = ${JSON.stringify(debuggerRules, null, 2)};

export const PROFILER_BUILTIN_RULES: readonly ProfilerBuiltinRule[] = ${JSON.stringify(dump.profiler, null, 2)};

/** The rule evaluator image's registry account per region (debugger.json). */
export const RULE_EVALUATOR_REGISTRIES: Readonly<Record<string, string>> = ${JSON.stringify(registries.registries, null, 2)};

export const RULE_EVALUATOR_REPOSITORY = ${JSON.stringify(registries.repository)};
`;
  const out = path.join(root, 'src', 'core', 'catalog', 'debuggerRules.ts');
  writeFileSync(out, text);
  execFileSync(path.join(root, 'node_modules', '.bin', 'prettier'), ['--write', out], { stdio: 'inherit' });
  process.stdout.write(`wrote ${path.relative(root, out)}: ${debuggerRules.length} Debugger rules, ${dump.profiler.length} profiler rules\n`);
}

main();
