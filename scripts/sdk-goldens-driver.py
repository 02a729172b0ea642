"""Runs the sdk-oracle (sdk_request.py) over many specs in one Python process, for scripts/sdk-goldens.mjs.

Each spec goes through the oracle's own code, unchanged (runpy, as `python3 sdk_request.py spec`);
only the import of the SDK is shared, which is what takes the time. Before the first run this
driver changes these things, none of them in the request path:

- the oracle's sdk_stubs.py stands in for smdebug_rulesconfig (the built-in rule configs); this
  driver puts the real package in its place: it exports smdebug_rulesconfig at tag 1.0.1 (the version
  the SDK v2.257.6 pins: "smdebug_rulesconfig==1.0.1") from a git copy of
  github.com/awslabs/sagemaker-debugger-rulesconfig (--rulesconfig-git) into a temporary folder, puts
  that folder first on sys.path and imports the package before sdk_stubs is imported (so the stub's
  finder never sees it), and takes the name off the stubs' list as well;

- the SDK's telemetry is not sent (it would try STS over the network and retry for seconds; it
  builds no part of the request);
- `TrainingInput(...)` takes `shuffle_config` as the keyword arguments of `ShuffleConfig` (JSON
  cannot carry the object), built one to one: `ShuffleConfig(**value)`;
- `HuggingFace(...)` takes the SDK objects a job file writes as maps, each built one to one from its
  keyword arguments: `debugger_hook_config` (a map) is `DebuggerHookConfig(**value)`,
  `tensorboard_output_config` `TensorBoardOutputConfig(**value)`, `profiler_config`
  `ProfilerConfig(**value)`, each `rules` item `Rule.custom(**rest)` or `ProfilerRule.custom(**rest)`
  as its `rule` says, or for the built-in rules `Rule.sagemaker(getattr(rule_configs,
  base_config)(), **rest)` / `ProfilerRule.sagemaker(getattr(rule_configs, base_config)(), **rest)`
  (a `base_config` map `{Class: arguments}` is `getattr(rule_configs, Class)(**arguments)`), a
  rule's `actions` list `rule_configs.ActionList(*items)` with each `{Class: argument}` item
  `Class(**argument)` for a map, `Class()` for StopTraining's null, `Class(argument)` otherwise,
  and every collection `CollectionConfig(**value)`;
  `compiler_config` (a map) is `TrainingCompilerConfig(**value)` (sagemaker.huggingface's);
  each `instance_groups` item is `InstanceGroup(**item)`, and `distribution.instance_groups` (names)
  becomes those same objects, as a notebook passes them (the SDK compares by identity); a name no
  group has becomes a new `InstanceGroup(name)`, which the SDK then refuses as it would any other.
- `HyperparameterTuner(...)` (the oracle's "tuner" spec, a job file's `tuning:` block) takes the SDK
  objects a job file writes as maps, each built one to one: `warm_start_config` (a map) is
  `WarmStartConfig(WarmStartTypes(value["warm_start_type"]), set(value["parents"]))`,
  `strategy_config` is `StrategyConfig(HyperbandStrategyConfig(**value["hyperband_strategy_config"]))`
  and `completion_criteria_config` is `TuningJobCompletionCriteriaConfig(**value)`. The parents are
  a set, as the SDK's signature asks, so the request lists them in the set's order (PYTHONHASHSEED
  pins it; the service treats them as a set).

stdin: a JSON list of {"name", "spec" (path), "cwd"}; stdout: one JSON line per spec,
{"name", "output": <what the oracle printed, parsed>}.

Usage: python3 sdk-goldens-driver.py --oracle <sdk_request.py> --sdk-src <dir holding sagemaker/>
       --rulesconfig-git <git dir of sagemaker-debugger-rulesconfig>
"""
import argparse
import atexit
import contextlib
import io
import json
import os
import runpy
import shutil
import subprocess
import sys
import tarfile
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--oracle", required=True)
parser.add_argument("--sdk-src", required=True)
parser.add_argument("--rulesconfig-git", required=True)
args = parser.parse_args()
jobs = json.load(sys.stdin)

RULESCONFIG_VERSION = "1.0.1"
rulesconfig_dir = tempfile.mkdtemp(prefix="smdebug-rulesconfig-")
atexit.register(shutil.rmtree, rulesconfig_dir, True)
archive = subprocess.run(
    ["git", "--git-dir", args.rulesconfig_git, "archive", "--format=tar", RULESCONFIG_VERSION, "smdebug_rulesconfig"],
    check=True,
    capture_output=True,
).stdout
with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
    tar.extractall(rulesconfig_dir)
sys.path.insert(0, rulesconfig_dir)
import smdebug_rulesconfig  # noqa: E402  (the real package, before the stubs)

assert smdebug_rulesconfig.__version__ == RULESCONFIG_VERSION, smdebug_rulesconfig.__version__

oracle_dir = os.path.dirname(os.path.abspath(args.oracle))
sys.path.insert(0, oracle_dir)
sys.path.insert(0, args.sdk_src)
os.environ["SAGEMAKER_SUPPRESS_V2_WARNING"] = "1"
import sdk_stubs  # noqa: E402  (the oracle's stand-ins, loaded before the SDK as the oracle does)

sdk_stubs.MISSING.discard("smdebug_rulesconfig")

import sagemaker.huggingface  # noqa: E402
import sagemaker.inputs  # noqa: E402
import sagemaker.telemetry.telemetry_logging as telemetry  # noqa: E402
from sagemaker.debugger import (  # noqa: E402
    CollectionConfig,
    DebuggerHookConfig,
    ProfilerConfig,
    ProfilerRule,
    Rule,
    TensorBoardOutputConfig,
    rule_configs,
)
from sagemaker.huggingface import TrainingCompilerConfig  # noqa: E402
from sagemaker.inputs import ShuffleConfig  # noqa: E402
import sagemaker.tuner  # noqa: E402
from sagemaker.tuner import (  # noqa: E402
    HyperbandStrategyConfig,
    StrategyConfig,
    TuningJobCompletionCriteriaConfig,
    WarmStartConfig,
    WarmStartTypes,
)
from sagemaker.instance_group import InstanceGroup  # noqa: E402

telemetry._send_telemetry_request = lambda *a, **k: None


_TrainingInput = sagemaker.inputs.TrainingInput


def training_input(s3_data, **kwargs):
    if isinstance(kwargs.get("shuffle_config"), dict):
        kwargs["shuffle_config"] = ShuffleConfig(**kwargs["shuffle_config"])
    return _TrainingInput(s3_data, **kwargs)


sagemaker.inputs.TrainingInput = training_input


def collections(values):
    return None if values is None else [CollectionConfig(**c) for c in values]


def action_list(items):
    """A job file's `actions`: rule_configs.ActionList of each one-key map {Class: argument}, the class
    called with the argument (a map: its keyword arguments; StopTraining's null: no argument)."""
    if not isinstance(items, list):
        return items
    actions = []
    for item in items:
        ((name, argument),) = item.items()
        cls = getattr(rule_configs, name)
        if isinstance(argument, dict):
            actions.append(cls(**argument))
        elif argument is None and name == "StopTraining":
            actions.append(cls())
        else:
            actions.append(cls(argument))
    return rule_configs.ActionList(*actions)


_HuggingFace = sagemaker.huggingface.HuggingFace
RULES = {"Rule.custom": Rule.custom, "ProfilerRule.custom": ProfilerRule.custom}
BUILT_IN_RULES = {"Rule.sagemaker": Rule.sagemaker, "ProfilerRule.sagemaker": ProfilerRule.sagemaker}


def hugging_face(**kwargs):
    if isinstance(kwargs.get("instance_groups"), list):
        kwargs["instance_groups"] = [InstanceGroup(**g) for g in kwargs["instance_groups"]]
    distribution = kwargs.get("distribution")
    if isinstance(distribution, dict) and isinstance(distribution.get("instance_groups"), list):
        by_name = {}
        for g in kwargs.get("instance_groups") or []:
            by_name.setdefault(g.instance_group_name, g)
        distribution = dict(distribution)
        distribution["instance_groups"] = [by_name.get(n) or InstanceGroup(n) for n in distribution["instance_groups"]]
        kwargs["distribution"] = distribution
    if isinstance(kwargs.get("debugger_hook_config"), dict):
        hook = dict(kwargs["debugger_hook_config"])
        if "collection_configs" in hook:
            hook["collection_configs"] = collections(hook["collection_configs"])
        kwargs["debugger_hook_config"] = DebuggerHookConfig(**hook)
    if isinstance(kwargs.get("tensorboard_output_config"), dict):
        kwargs["tensorboard_output_config"] = TensorBoardOutputConfig(**kwargs["tensorboard_output_config"])
    if isinstance(kwargs.get("compiler_config"), dict):
        kwargs["compiler_config"] = TrainingCompilerConfig(**kwargs["compiler_config"])
    if isinstance(kwargs.get("profiler_config"), dict):
        kwargs["profiler_config"] = ProfilerConfig(**kwargs["profiler_config"])
    if isinstance(kwargs.get("rules"), list):
        rules = []
        for item in kwargs["rules"]:
            rest = dict(item)
            kind = rest.pop("rule")
            if "collections_to_save" in rest:
                rest["collections_to_save"] = collections(rest["collections_to_save"])
            if "actions" in rest:
                rest["actions"] = action_list(rest["actions"])
            if kind in BUILT_IN_RULES:
                base_config = rest.pop("base_config")
                if isinstance(base_config, dict):
                    # {Class: {keyword arguments}}: the class called with them (None: without any).
                    ((name, arguments),) = base_config.items()
                    base_config = getattr(rule_configs, name)(**(arguments or {}))
                else:
                    base_config = getattr(rule_configs, base_config)()
                rules.append(BUILT_IN_RULES[kind](base_config, **rest))
            else:
                rules.append(RULES[kind](**rest))
        kwargs["rules"] = rules
    return _HuggingFace(**kwargs)


sagemaker.huggingface.HuggingFace = hugging_face

_HyperparameterTuner = sagemaker.tuner.HyperparameterTuner


def hyperparameter_tuner(estimator, **kwargs):
    warm = kwargs.get("warm_start_config")
    if isinstance(warm, dict):
        kwargs["warm_start_config"] = WarmStartConfig(WarmStartTypes(warm["warm_start_type"]), set(warm["parents"]))
    strategy = kwargs.get("strategy_config")
    if isinstance(strategy, dict):
        kwargs["strategy_config"] = StrategyConfig(HyperbandStrategyConfig(**strategy["hyperband_strategy_config"]))
    criteria = kwargs.get("completion_criteria_config")
    if isinstance(criteria, dict):
        kwargs["completion_criteria_config"] = TuningJobCompletionCriteriaConfig(**criteria)
    return _HyperparameterTuner(estimator, **kwargs)


sagemaker.tuner.HyperparameterTuner = hyperparameter_tuner

start_dir = os.getcwd()
for job in jobs:
    os.chdir(job["cwd"])
    sys.argv = [args.oracle, "--sdk-src", args.sdk_src, job["spec"]]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(args.oracle, run_name="__main__")
    os.chdir(start_dir)
    printed = out.getvalue()
    # The SDK's config module prints "Not applying SDK defaults" lines before the JSON.
    text = printed[printed.index("{"):]
    print(json.dumps({"name": job["name"], "output": json.loads(text)}), flush=True)
