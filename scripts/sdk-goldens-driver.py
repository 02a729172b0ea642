"""Runs the sdk-oracle (sdk_request.py) over many specs in one Python process, for scripts/sdk-goldens.mjs.

Each spec goes through the oracle's own code, unchanged (runpy, as `python3 sdk_request.py spec`);
only the import of the SDK is shared, which is what takes the time. Before the first run this
driver, and nothing in the request path, changes three things:

- the SDK's telemetry is not sent (it would try STS over the network and retry for seconds; it
  builds no part of the request);
- `HuggingFace(...)` gets the job file's YAML forms of the SDK's objects as the objects themselves,
  each built one to one from its constructor's keyword arguments (`OBJECT_ARGUMENTS` below), and
- `TrainingInput(...)` gets `shuffle_config` the same way (`ShuffleConfig(**value)`).

stdin: a JSON list of {"name", "spec" (path), "cwd"}; stdout: one JSON line per spec,
{"name", "output": <what the oracle printed, parsed>}.

Usage: python3 sdk-goldens-driver.py --oracle <sdk_request.py> --sdk-src <dir holding sagemaker/>
"""
import argparse
import contextlib
import io
import json
import os
import runpy
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--oracle", required=True)
parser.add_argument("--sdk-src", required=True)
args = parser.parse_args()
jobs = json.load(sys.stdin)

oracle_dir = os.path.dirname(os.path.abspath(args.oracle))
sys.path.insert(0, oracle_dir)
sys.path.insert(0, args.sdk_src)
os.environ["SAGEMAKER_SUPPRESS_V2_WARNING"] = "1"
import sdk_stubs  # noqa: E402,F401  (the oracle's stand-ins, loaded before the SDK as the oracle does)

import sagemaker.huggingface  # noqa: E402
import sagemaker.inputs  # noqa: E402
import sagemaker.telemetry.telemetry_logging as telemetry  # noqa: E402
from sagemaker.debugger import (  # noqa: E402
    CollectionConfig,
    DebuggerHookConfig,
    ProfilerConfig,
    TensorBoardOutputConfig,
)
from sagemaker.inputs import ShuffleConfig  # noqa: E402
from sagemaker.instance_group import InstanceGroup  # noqa: E402
from sagemaker.huggingface import TrainingCompilerConfig  # noqa: E402

telemetry._send_telemetry_request = lambda *a, **k: None


def debugger_hook_config(value):
    value = dict(value)
    if value.get("collection_configs") is not None:
        value["collection_configs"] = [CollectionConfig(**c) for c in value["collection_configs"]]
    return DebuggerHookConfig(**value)


# Estimator keyword arguments whose SDK value is an object: the YAML form is its constructor's kwargs.
OBJECT_ARGUMENTS = {
    "debugger_hook_config": lambda v: v if isinstance(v, bool) else debugger_hook_config(v),
    "tensorboard_output_config": lambda v: TensorBoardOutputConfig(**v),
    "profiler_config": lambda v: ProfilerConfig(**v),
    "instance_groups": lambda v: [InstanceGroup(**g) for g in v],
    "compiler_config": lambda v: TrainingCompilerConfig(**v),
}

_HuggingFace = sagemaker.huggingface.HuggingFace


def huggingface(**kwargs):
    for key, build in OBJECT_ARGUMENTS.items():
        if kwargs.get(key) is not None:
            kwargs[key] = build(kwargs[key])
    return _HuggingFace(**kwargs)


_TrainingInput = sagemaker.inputs.TrainingInput


def training_input(s3_data, **kwargs):
    if isinstance(kwargs.get("shuffle_config"), dict):
        kwargs["shuffle_config"] = ShuffleConfig(**kwargs["shuffle_config"])
    return _TrainingInput(s3_data, **kwargs)


sagemaker.huggingface.HuggingFace = huggingface
sagemaker.inputs.TrainingInput = training_input

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
