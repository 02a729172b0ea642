"""Starts moto's server with SageMaker training jobs that live like real ones.

    PYTHONPATH=.tools/moto/root/usr/lib/python3/dist-packages \
        /usr/bin/python3 test/emulators/moto/sagemakerLifecycle.py -H 127.0.0.1 -p 5000

moto 5.1 models a training job as a record that is Completed the moment it is created: it keeps no
lifecycle, overwrites the caller's MetricDefinitions, accepts duplicate names, has no StopTrainingJob,
writes no logs and no model, paginates ListTrainingJobs before filtering, ignores SortBy, and serialises
timestamps as "YYYY-MM-DD HH:MM:SS" strings that the JS SDK cannot parse. The extension's job tree, log
tailer and model download need all of that, so this launcher patches moto's SageMaker backend before
handing over to moto's own server `main()` (same command line: -H, -p, ...).

What a job does here (times are fractions of its duration D = SIM_SECONDS, measured from CreationTime):

    0.00 Starting     "Starting the training job"
    0.05 Starting     "Launching requested ML instances"
    0.10 Starting     "Preparing the instances for training"
    0.15 Downloading  "Downloading input data"                  (TrainingStartTime: billing starts)
    0.25 Training     "Downloading the training image"
    0.35 Training     "Training image download completed. Training in progress."
                      log streams /aws/sagemaker/TrainingJobs <job>/algo-N-<epochSeconds> appear, N = 1..InstanceCount
    0.90 Uploading    "Uploading generated training model"     (model.tar.gz is written at 1.00)
    1.00 Completed    "Training job completed"

A failing job stops at 0.62 with a traceback in its logs and a Failed transition; StopTrainingJob moves an
InProgress job to Stopping and, SIM_STOP_SECONDS later, to Stopped. Nothing runs in the background: every
SageMaker Describe/List call and every CloudWatch Logs read brings the jobs up to the wall clock first. Log
events carry the time they were scheduled for, not the time they were written, so a job's log content depends
only on its name, hyperparameters, instance count, duration and SIM_LOG_LINES_PER_HOST, never on polling.

Knobs (environment at launch; POST /moto-api/sim/config changes them at run time, see SimulationConfig):
    SIM_SECONDS              duration D of a job, default 6 (float)
    SIM_STOP_SECONDS         Stopping -> Stopped, default 1 (float)
    SIM_LOG_LINES_PER_HOST   Trainer lines per algo-N stream between preamble and epilogue, default 20
    SIM_FAIL_JOBS            regular expression; jobs whose name it matches (re.search) fail
    SIM_MAX_LIFETIME_SECONDS the server exits after this long, default 3600; 0 = no limit
    SIM_EXIT_WITH_PARENT     "1": exit as soon as the process that started us is gone
A job also fails when its HyperParameters hold sim_outcome = "\"Failed\"" (JSON-encoded, as the SDKs send it).
"""

import gzip
import io
import json
import math
import os
import random
import re
import sys
import tarfile
import threading
import time
from typing import Any, Dict, List, Optional, Tuple

try:
    import moto
    import moto.server
    from moto.logs.models import LogsBackend, logs_backends
    from moto.moto_api._internal.models import MotoAPIBackend
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication
    from moto.s3.models import s3_backends
    from moto.sagemaker.exceptions import (
        AWSValidationException,
        ResourceInUseException,
        ResourceNotFound,
        ValidationError,
    )
    from moto.sagemaker.models import (
        BaseObject,
        FakeTrainingJob,
        SageMakerModelBackend,
        sagemaker_backends,
    )
    from moto.sagemaker.responses import SageMakerResponse, format_enum_error
    from moto.utilities.utils import get_partition
    from werkzeug.wrappers import Request, Response
except ImportError as missing:
    raise SystemExit(
        f"sagemakerLifecycle: {missing}. Run `sudo bash scripts/setup-moto.sh`, then start this file with "
        "/usr/bin/python3 and PYTHONPATH=<repo>/.tools/moto/root/usr/lib/python3/dist-packages."
    )

SUPPORTED_MOTO = "5.1."
LOG_GROUP = "/aws/sagemaker/TrainingJobs"

# One lock for every job of every backend: werkzeug serves requests on threads, and a Describe racing a
# GetLogEvents must not write the same log lines twice.
state_lock = threading.RLock()


def warn(message: str) -> None:
    print(f"sagemakerLifecycle: {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------------------------------


class SimulationConfig:
    """Launch defaults from the environment plus run-time overrides from POST /moto-api/sim/config.

    JSON shape (GET returns the effective values, POST merges what it is given; null restores the launch
    default of a key, and a job entry set to null is removed):
        {"simSeconds": 6, "stopSeconds": 1, "logLinesPerHost": 20, "failJobs": null,
         "jobs": {"<TrainingJobName>": {"outcome": "Failed", "simSeconds": 2, "logLinesPerHost": 5,
                                        "failureReason": "...", "failingHost": 2}}}
    failingHost: only that host (algo-N) prints the traceback; the others' logs just stop where the job dies.
    A job reads its settings once, when it is created, so changing them never rewrites a running job.
    """

    def __init__(self) -> None:
        self.defaults = {
            "simSeconds": env_float("SIM_SECONDS", 6.0),
            "stopSeconds": env_float("SIM_STOP_SECONDS", 1.0),
            "logLinesPerHost": int(env_float("SIM_LOG_LINES_PER_HOST", 20)),
            "failJobs": os.environ.get("SIM_FAIL_JOBS") or None,
        }
        validate_settings(self.defaults, "environment")
        self.reset()

    def reset(self) -> None:
        self.values: Dict[str, Any] = dict(self.defaults)
        self.jobs: Dict[str, Dict[str, Any]] = {}

    def to_json(self) -> Dict[str, Any]:
        return {**self.values, "jobs": self.jobs}

    def update(self, body: Dict[str, Any]) -> None:
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        unknown = set(body) - set(self.defaults) - {"jobs"}
        if unknown:
            raise ValueError(f"unknown keys {sorted(unknown)}; known: {sorted(self.defaults) + ['jobs']}")
        values = dict(self.values)
        for key in self.defaults:
            if key in body:
                values[key] = self.defaults[key] if body[key] is None else body[key]
        validate_settings(values, "body")
        jobs = dict(self.jobs)
        for name, settings in (body.get("jobs") or {}).items():
            if settings is None:
                jobs.pop(name, None)
                continue
            validate_job_settings(name, settings)
            jobs[name] = {**jobs.get(name, {}), **settings}
        self.values, self.jobs = values, jobs


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SystemExit(f"sagemakerLifecycle: {name}={raw!r} is not a number")


def validate_settings(values: Dict[str, Any], where: str) -> None:
    check_number(values["simSeconds"], "simSeconds", 0.05, 86400, where)
    check_number(values["stopSeconds"], "stopSeconds", 0, 3600, where)
    check_lines(values["logLinesPerHost"], "logLinesPerHost", where)
    if values["failJobs"] is not None:
        if not isinstance(values["failJobs"], str):
            raise ValueError(f"{where}: failJobs must be a regular expression string or null")
        try:
            re.compile(values["failJobs"])
        except re.error as e:
            raise ValueError(f"{where}: failJobs {values['failJobs']!r} is not a valid regular expression: {e}")


def validate_job_settings(name: str, settings: Any) -> None:
    where = f"jobs[{name!r}]"
    if not isinstance(settings, dict):
        raise ValueError(f"{where} must be an object or null")
    allowed = {"outcome", "simSeconds", "logLinesPerHost", "failureReason", "failingHost", "warmPoolRetainedSeconds"}
    unknown = set(settings) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; known: {sorted(allowed)}")
    if "outcome" in settings and settings["outcome"] not in ("Completed", "Failed"):
        raise ValueError(f"{where}: outcome must be \"Completed\" or \"Failed\"")
    if "simSeconds" in settings:
        check_number(settings["simSeconds"], "simSeconds", 0.05, 86400, where)
    if "logLinesPerHost" in settings:
        check_lines(settings["logLinesPerHost"], "logLinesPerHost", where)
    if "warmPoolRetainedSeconds" in settings:
        check_number(settings["warmPoolRetainedSeconds"], "warmPoolRetainedSeconds", 0, 86400, where)
    if "failureReason" in settings and not isinstance(settings["failureReason"], str):
        raise ValueError(f"{where}: failureReason must be a string")
    if "failingHost" in settings:
        host = settings["failingHost"]
        if isinstance(host, bool) or not isinstance(host, int) or host < 1:
            raise ValueError(f"{where}: failingHost must be a host number (1 for algo-1), got {host!r}")


def check_number(value: Any, key: str, low: float, high: float, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"{where}: {key} must be a number from {low} to {high}, got {value!r}")


def check_lines(value: Any, key: str, where: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100000:
        raise ValueError(f"{where}: {key} must be an integer from 0 to 100000, got {value!r}")


config = SimulationConfig()


# --------------------------------------------------------------------------------------------------------------
# What the training script "prints" and "saves": a deterministic Hugging Face Trainer run
# --------------------------------------------------------------------------------------------------------------

# Fractions of the job's duration (see the module docstring).
TIMELINE: List[Tuple[float, str, str]] = [
    (0.00, "Starting", "Starting the training job"),
    (0.05, "Starting", "Launching requested ML instances"),
    (0.10, "Starting", "Preparing the instances for training"),
    (0.15, "Downloading", "Downloading input data"),
    (0.25, "Training", "Downloading the training image"),
    (0.35, "Training", "Training image download completed. Training in progress."),
    (0.90, "Uploading", "Uploading generated training model"),
]
TRAINING_START = 0.15  # TrainingStartTime: the instances are ready, billing starts
CONTAINER_START = 0.35  # the training image runs: log streams appear
TRAINER_END = 0.86  # the Trainer's last line; the toolkit reports success just before Uploading
TRAINING_END = 0.90
FAIL_AT = 0.62  # where a failing job dies, about halfway through its log lines
SPOT_BILLABLE_FRACTION = 0.3  # what managed spot training typically bills (SDK: "savings: 70.0%")

GPUS_PER_INSTANCE = {
    "ml.p3.2xlarge": 1, "ml.p3.8xlarge": 4, "ml.p3.16xlarge": 8, "ml.p3dn.24xlarge": 8,
    "ml.p4d.24xlarge": 8, "ml.p4de.24xlarge": 8, "ml.p5.48xlarge": 8, "ml.g5.12xlarge": 4,
    "ml.g5.24xlarge": 4, "ml.g5.48xlarge": 8, "ml.g4dn.12xlarge": 4,
}
SAMSUM_TRAIN, SAMSUM_EVAL, SAMSUM_TEST = 14732, 818, 819


def decode_hyperparameters(raw: Optional[Dict[str, str]]) -> Dict[str, Any]:
    """The SDKs JSON-encode every value ("\"samsum\"", "true", "5e-05"); the toolkit decodes them the same way."""
    decoded: Dict[str, Any] = {}
    for key, value in (raw or {}).items():
        try:
            decoded[key] = json.loads(value)
        except (TypeError, ValueError):
            decoded[key] = value
    return decoded


def as_number(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def is_true(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def script_arguments(hps: Dict[str, Any]) -> List[str]:
    """The toolkit's `--key value` list: sorted, sagemaker_* split off, booleans as Python prints them."""
    args: List[str] = []
    # The toolkit also splits off _tuning_objective_metric, which SageMaker adds to a tuning job's trials.
    for key in sorted(k for k in hps if not k.startswith("sagemaker_") and k not in ("sim_outcome", "_tuning_objective_metric")):
        args += [f"--{key}", str(hps[key])]
    return args


def selected_instance(resources: Dict[str, Any]) -> Optional[Tuple[str, int]]:
    """ResourceConfig.InstancePreferences: the type and count the simulator "chooses". moto itself knows
    nothing of InstancePreferences (botocore 1.37.9's model predates it, and moto keeps ResourceConfig as
    sent); SageMaker takes the first type with capacity, and the simulator always has capacity, so it is
    the first preference, reported as SelectedInstanceType/SelectedInstanceCount from TrainingStartTime."""
    preferences = resources.get("InstancePreferences") or []
    if not preferences:
        return None
    first = preferences[0]
    return str(first.get("InstanceType")), int(first.get("InstanceCount") or resources.get("InstanceCount") or 1)


def instance_preference_errors(resources: Dict[str, Any], spot: bool) -> List[str]:
    """The rules of API_ResourceConfig / API_InstancePreference SageMaker enforces on CreateTrainingJob."""
    preferences = resources.get("InstancePreferences")
    if preferences is None:
        return []
    errors = []
    if not 1 <= len(preferences) <= 5:
        errors.append("InstancePreferences must have between 1 and 5 items.")
    if resources.get("InstanceType") is not None or resources.get("InstanceGroups") or resources.get("InstancePlacementConfig") or spot:
        errors.append("InstancePreferences is mutually exclusive with InstanceType, InstanceGroups, InstancePlacementConfig and EnableManagedSpotTraining.")
    types = [p.get("InstanceType") for p in preferences]
    if len(set(types)) != len(types):
        errors.append("An instance type can appear only once in InstancePreferences.")
    counted = [p.get("InstanceCount") is not None for p in preferences]
    if any(counted) and (not all(counted) or resources.get("InstanceCount") is not None):
        errors.append("Set InstanceCount on every preference and not in ResourceConfig, or only in ResourceConfig.")
    if not any(counted) and resources.get("InstanceCount") is None:
        errors.append("InstanceCount is required in ResourceConfig or on every preference.")
    return errors


class TrainerRun:
    """One simulated run of a Hugging Face summarisation script (run_summarization.py on samsum, by default).

    Everything is derived from the job's name, hyperparameters and resources through a seeded random
    generator, so the same job always prints and saves the same numbers.
    """

    def __init__(self, name: str, request: Dict[str, Any], lines_per_host: int):
        self.name = name
        self.hps = decode_hyperparameters(request.get("HyperParameters"))
        resources = request.get("ResourceConfig") or {}
        chosen = selected_instance(resources)
        self.instance_count = max(1, int(chosen[1] if chosen else resources.get("InstanceCount") or 1))
        self.instance_type = (chosen[0] if chosen else resources.get("InstanceType")) or "ml.p3.2xlarge"
        self.gpus = GPUS_PER_INSTANCE.get(self.instance_type, 1)
        self.smddp = is_true(self.hps.get("sagemaker_distributed_dataparallel_enabled"))
        self.lines_per_host = lines_per_host
        self.random = random.Random(name)  # str seeds hash with sha512: stable across processes

        self.epochs = as_number(self.hps.get("num_train_epochs"), 3.0)
        self.learning_rate = as_number(self.hps.get("learning_rate"), 5e-5)
        batch = as_number(self.hps.get("per_device_train_batch_size"), 8)
        world = self.instance_count * self.gpus if self.smddp else self.gpus
        self.steps_per_epoch = max(1, math.ceil(SAMSUM_TRAIN / max(1.0, batch * world)))
        self.total_steps = max(1, round(self.steps_per_epoch * self.epochs))
        self.model = str(self.hps.get("model_name_or_path") or "facebook/bart-large-cnn")
        self.program = str(self.hps.get("sagemaker_program") or "train.py")
        self.do_predict = is_true(self.hps.get("do_predict"))

        self.history: List[Tuple[float, Dict[str, Any]]] = []  # (fraction of training, log_history entry)
        self.evaluations: Dict[int, Dict[str, float]] = {}
        self._plan_history()
        self.train_metrics = self._train_metrics()
        self.eval_metrics = self._final_eval()
        self.test_metrics = self._test_metrics() if self.do_predict else None

    # -- numbers -------------------------------------------------------------------------------------------

    def _loss(self, progress: float) -> float:
        return round(1.35 + 0.95 * math.exp(-3.0 * progress) + self.random.uniform(-0.03, 0.03), 4)

    def _evaluation(self, epoch: int) -> Dict[str, float]:
        if epoch not in self.evaluations:
            rnd = self.random
            self.evaluations[epoch] = {
                "eval_loss": round(1.62 - 0.04 * epoch + rnd.uniform(-0.02, 0.02), 4),
                "eval_rouge1": round(40.2 + 0.9 * epoch + rnd.uniform(-0.3, 0.3), 4),
                "eval_rouge2": round(20.1 + 0.6 * epoch + rnd.uniform(-0.3, 0.3), 4),
                "eval_rougeL": round(33.4 + 0.8 * epoch + rnd.uniform(-0.3, 0.3), 4),
                "eval_rougeLsum": round(37.0 + 0.8 * epoch + rnd.uniform(-0.3, 0.3), 4),
                "eval_gen_len": round(60.0 + rnd.uniform(-2, 2), 4),
                "eval_runtime": round(95 + rnd.uniform(-5, 5), 4),
                "eval_samples_per_second": round(SAMSUM_EVAL / 95, 3),
            }
        return self.evaluations[epoch]

    def _plan_history(self) -> None:
        """lines_per_host Trainer log entries, evenly spread; the one that closes an epoch is its evaluation."""
        k = self.lines_per_host
        whole_epochs = max(1, int(self.epochs))
        for j in range(1, k + 1):
            progress = j / k
            step = max(1, round(progress * self.total_steps))
            epoch = round(progress * self.epochs, 2)
            closes_epoch = math.floor(progress * whole_epochs + 1e-9) > math.floor((j - 1) / k * whole_epochs + 1e-9)
            if closes_epoch:
                entry: Dict[str, Any] = {**self._evaluation(math.floor(progress * whole_epochs + 1e-9)), "epoch": epoch}
            else:
                lr = self.learning_rate * (1 - step / self.total_steps)
                entry = {"loss": self._loss(progress), "learning_rate": lr, "epoch": epoch}
            self.history.append((progress, {**entry, "step": step}))

    def _train_metrics(self) -> Dict[str, Any]:
        losses = [e["loss"] for _, e in self.history if "loss" in e] or [self._loss(1.0)]
        runtime = round(self.total_steps * self.random.uniform(1.6, 1.9), 4)
        return {
            "epoch": float(self.epochs),
            "train_loss": round(sum(losses) / len(losses), 4),
            "train_runtime": runtime,
            "train_samples": SAMSUM_TRAIN,
            "train_samples_per_second": round(SAMSUM_TRAIN * self.epochs / runtime, 3),
            "train_steps_per_second": round(self.total_steps / runtime, 3),
        }

    def _final_eval(self) -> Dict[str, Any]:
        last = self._evaluation(max(1, int(self.epochs)))
        return {"epoch": float(self.epochs), **last, "eval_samples": SAMSUM_EVAL}

    def _test_metrics(self) -> Dict[str, Any]:
        rnd = self.random
        return {
            "test_loss": round(self.eval_metrics["eval_loss"] + rnd.uniform(0, 0.05), 4),
            "test_rouge1": round(self.eval_metrics["eval_rouge1"] - rnd.uniform(0, 0.8), 4),
            "test_rouge2": round(self.eval_metrics["eval_rouge2"] - rnd.uniform(0, 0.8), 4),
            "test_rougeL": round(self.eval_metrics["eval_rougeL"] - rnd.uniform(0, 0.8), 4),
            "test_rougeLsum": round(self.eval_metrics["eval_rougeLsum"] - rnd.uniform(0, 0.8), 4),
            "test_gen_len": round(59.5 + rnd.uniform(-2, 2), 4),
            "test_runtime": round(96 + rnd.uniform(-5, 5), 4),
            "test_samples": SAMSUM_TEST,
            "test_samples_per_second": round(SAMSUM_TEST / 96, 3),
        }

    # -- what the hosts print ------------------------------------------------------------------------------

    def command(self) -> str:
        args = " ".join(script_arguments(self.hps))
        if self.smddp:
            hosts = ",".join(f"algo-{n}:{self.gpus}" for n in range(1, self.instance_count + 1))
            return (
                f"mpirun --host {hosts} -np {self.instance_count * self.gpus} --allow-run-as-root --tag-output "
                "--oversubscribe -mca btl_tcp_if_include eth0 -mca oob_tcp_if_include eth0 -mca plm_rsh_no_tree_spawn 1 "
                "-mca pml ob1 -mca btl ^openib -mca orte_abort_on_non_zero_status 1 -x NCCL_DEBUG=WARN "
                "-x SMDATAPARALLEL_USE_HOMOGENEOUS=1 -x SMDATAPARALLEL_SERVER_ADDR=algo-1 -x SMDATAPARALLEL_SERVER_PORT=7592 "
                f"-x FI_PROVIDER=efa smddprun /opt/conda/bin/python3.8 -m mpi4py {self.program} {args}"
            ).rstrip()
        return f"/opt/conda/bin/python3.8 {self.program} {args}".rstrip()

    def rank_prefix(self, host: int, stream: str = "stdout") -> str:
        return f"[1,{(host - 1) * self.gpus}]<{stream}>:" if self.smddp else ""

    def preamble(self, host: int, at: float) -> List[str]:
        ts = toolkit_time(at)
        lines = [
            "bash: cannot set terminal process group (-1): Inappropriate ioctl for device",
            "bash: no job control in this shell",
            f"{ts} sagemaker-training-toolkit INFO     Imported framework sagemaker_pytorch_container.training",
            f"{ts} sagemaker-training-toolkit INFO     No Neurons detected (normal if no neurons installed)",
            f"{ts} sagemaker_pytorch_container.training INFO     Block until all host DNS lookups succeed.",
        ]
        if self.smddp and host > 1:
            return lines + [f"{ts} sagemaker-training-toolkit INFO     Waiting for MPI Master to create SSH daemon."]
        runner = "SMDataParallel" if self.smddp else "user training script"
        return lines + [
            f"{ts} sagemaker_pytorch_container.training INFO     Invoking {runner}",
            f"{ts} sagemaker-training-toolkit INFO     Invoking user script",
            "Invoking script with the following command:",
            self.command(),
        ]

    def body(self, host: int) -> List[Tuple[float, str]]:
        """(fraction of training, line): the Trainer's dicts on algo-1, tqdm progress on the other hosts."""
        lines = []
        for progress, entry in self.history:
            if host == 1:
                shown = {k: v for k, v in entry.items() if k != "step"}
                lines.append((progress, self.rank_prefix(1) + repr(shown)))
            else:
                step = entry["step"]
                pct = int(100 * step / self.total_steps)
                bar = ("█" * (pct // 10)).ljust(10)
                lines.append((progress, f"{self.rank_prefix(host, 'stderr')}{pct:3d}%|{bar}| {step}/{self.total_steps}"))
        return lines

    def epilogue(self, host: int, at: float) -> List[str]:
        ts = toolkit_time(at)
        done = [f"{ts} sagemaker-training-toolkit INFO     Reporting training SUCCESS"]
        if host != 1:
            return done
        p = self.rank_prefix(1)
        summary = {k: self.train_metrics[k] for k in ("train_runtime", "train_samples_per_second", "train_steps_per_second", "train_loss", "epoch")}
        lines = [p + repr(summary)]
        lines += [p + line for line in metrics_block("train", self.train_metrics)]
        lines += [p + line for line in metrics_block("eval", self.eval_metrics)]
        if self.test_metrics:
            lines += [p + line for line in metrics_block("test", self.test_metrics)]
        return lines + done

    def failure(self, host: int, at: float, reason_message: str) -> List[str]:
        ts = toolkit_time(at)
        p = self.rank_prefix(host, "stderr")
        lines = [
            p + "Traceback (most recent call last):",
            p + f'  File "{self.program}", line 655, in <module>',
            p + "    main()",
            p + f'  File "{self.program}", line 585, in main',
            p + "    train_result = trainer.train(resume_from_checkpoint=checkpoint)",
            p + '  File "/opt/conda/lib/python3.8/site-packages/transformers/trainer.py", line 1120, in train',
            p + "    tr_loss += self.training_step(model, inputs)",
            p + reason_message,
        ]
        if self.smddp:
            lines += [
                "--------------------------------------------------------------------------",
                f"MPI_ABORT was invoked on rank {(host - 1) * self.gpus} in communicator MPI_COMM_WORLD",
                "with errorcode 1.",
                "--------------------------------------------------------------------------",
            ]
        return lines + [
            f"{ts} sagemaker-training-toolkit ERROR    Reporting training FAILURE",
            f"{ts} sagemaker-training-toolkit ERROR    ExecuteUserScriptError:",
            "ExitCode 1",
            f'ErrorMessage "{reason_message}"',
            f'Command "{self.command()}"',
        ]

    # -- what the script saves to /opt/ml/model ------------------------------------------------------------

    def model_files(self) -> Dict[str, bytes]:
        history = [entry for _, entry in self.history]
        history.append({**self.train_metrics, "step": self.total_steps, "total_flos": 1.2e16})
        all_results = {**self.train_metrics, **self.eval_metrics, **(self.test_metrics or {})}
        files = {
            "config.json": self._model_config(),
            # A stand-in for the weights: small, deterministic, and clearly not a real checkpoint.
            "pytorch_model.bin": b"SIMULATED-WEIGHTS sagemakerLifecycle\n" + random.Random(self.name + "/weights").randbytes(16 * 1024),
            # What trainer.save_model() leaves beside the weights when the script passed its tokenizer, as
            # the seed's run_summarization.py does (the vocabulary itself is left out: nothing reads it here).
            "tokenizer_config.json": self._tokenizer_config(),
            "special_tokens_map.json": {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"},
            "train_results.json": self.train_metrics,
            "eval_results.json": self.eval_metrics,
            "all_results.json": all_results,
            "trainer_state.json": {
                "best_metric": None,
                "best_model_checkpoint": None,
                "epoch": float(self.epochs),
                "global_step": self.total_steps,
                "is_hyper_param_search": False,
                "is_local_process_zero": True,
                "is_world_process_zero": True,
                "log_history": history,
                "max_steps": self.total_steps,
                "num_train_epochs": self.epochs,
                "total_flos": 1.2e16,
                "trial_name": None,
                "trial_params": None,
            },
        }
        if self.test_metrics:
            files["test_results.json"] = self.test_metrics
        return {
            name: content if isinstance(content, bytes) else (json.dumps(content, indent=2, sort_keys=True) + "\n").encode()
            for name, content in files.items()
        }

    def _tokenizer_config(self) -> Dict[str, Any]:
        family = next((f for f in ("bart", "t5", "pegasus", "bert", "gpt2") if f in self.model.lower()), "bart")
        classes = {"bart": "BartTokenizer", "t5": "T5Tokenizer", "pegasus": "PegasusTokenizer", "bert": "BertTokenizer", "gpt2": "GPT2Tokenizer"}
        return {"model_max_length": 1024, "name_or_path": self.model, "tokenizer_class": classes[family]}

    def _model_config(self) -> Dict[str, Any]:
        family = next((f for f in ("bart", "t5", "pegasus", "bert", "gpt2") if f in self.model.lower()), "bart")
        architectures = {
            "bart": "BartForConditionalGeneration", "t5": "T5ForConditionalGeneration",
            "pegasus": "PegasusForConditionalGeneration", "bert": "BertForSequenceClassification",
            "gpt2": "GPT2LMHeadModel",
        }
        return {
            "_name_or_path": self.model,
            "architectures": [architectures[family]],
            "model_type": family,
            "d_model": 1024,
            "encoder_layers": 12,
            "decoder_layers": 12,
            "vocab_size": 50264,
            "max_position_embeddings": 1024,
            "task_specific_params": {"summarization": {"max_length": 142, "min_length": 56, "num_beams": 4}},
            "torch_dtype": "float32",
            "transformers_version": "4.4.2",
        }


def metrics_block(split: str, metrics: Dict[str, Any]) -> List[str]:
    """Trainer.log_metrics: a header and right-aligned `key = value` rows (what MetricDefinitions usually match)."""
    width = max(len(k) for k in metrics)
    rows = [f"***** {split} metrics *****"]
    for key in sorted(metrics):
        value = metrics[key]
        if key.endswith("_runtime"):
            value = format_runtime(value)
        rows.append(f"  {key.ljust(width)} = {value!s:>10}")
    return rows


def format_runtime(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{int((seconds - whole) * 100):02d}"


def toolkit_time(at: float) -> str:
    """The toolkit's logging format: 2021-04-01 13:04:23,412 (UTC)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at)) + f",{int(at * 1000) % 1000:03d}"


def model_tarball(files: Dict[str, bytes], at: float) -> bytes:
    buffer = io.BytesIO()
    # Fixed gzip header time and entry times: the same job yields the same bytes.
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=int(at)) as gz:
        with tarfile.open(fileobj=gz, mode="w") as tar:
            for name in sorted(files):
                info = tarfile.TarInfo(name)
                info.size = len(files[name])
                info.mtime = int(at)
                info.mode = 0o644
                tar.addfile(info, io.BytesIO(files[name]))
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------------------
# The training job
# --------------------------------------------------------------------------------------------------------------

# DescribeTrainingJobResponse members that are the caller's request, returned exactly as sent.
ECHOED_REQUEST_FIELDS = [
    "HyperParameters", "AlgorithmSpecification", "RoleArn", "InputDataConfig", "OutputDataConfig",
    "ResourceConfig", "VpcConfig", "StoppingCondition", "CheckpointConfig", "DebugHookConfig",
    "ExperimentConfig", "DebugRuleConfigurations", "TensorBoardOutputConfig", "ProfilerConfig",
    "ProfilerRuleConfigurations", "Environment", "RetryStrategy", "RemoteDebugConfig", "InfraCheckConfig",
]
REQUIRED_REQUEST_FIELDS = ["AlgorithmSpecification", "RoleArn", "OutputDataConfig", "ResourceConfig", "StoppingCondition"]
JOB_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
TERMINAL = ("Completed", "Failed", "Stopped")
SCRIPT_ERROR = (
    "RuntimeError: CUDA out of memory. Tried to allocate 256.00 MiB (GPU 0; 31.75 GiB total capacity; "
    "29.12 GiB already allocated; 180.94 MiB free; 30.02 GiB reserved in total by PyTorch)"
)


class SimulatedTrainingJob(BaseObject):
    """A training job whose status follows the wall clock. Stored in moto's own `training_jobs` dict, so
    tags, Search and POST /moto-api/reset keep working unchanged."""

    # moto's model metaclass files every model under the service named by its module (moto.<service>.*):
    # that is what lists the jobs in /moto-api/data.json.
    __module__ = "moto.sagemaker.lifecycle"

    def __init__(self, backend: SageMakerModelBackend, request: Dict[str, Any], created_at: float):
        name = request["TrainingJobName"]
        self.account_id = backend.account_id
        self.region_name = backend.region_name
        self.training_job_name = name
        self.arn = FakeTrainingJob.arn_formatter(name, backend.account_id, backend.region_name)
        self.tags = list(request.get("Tags") or [])
        self.request = request

        # The plan is fixed here; later config changes only affect jobs created after them.
        job_settings = config.jobs.get(name, {})
        self.duration = float(job_settings.get("simSeconds", config.values["simSeconds"]))
        self.stop_seconds = float(config.values["stopSeconds"])
        lines = int(job_settings.get("logLinesPerHost", config.values["logLinesPerHost"]))
        self.outcome = planned_outcome(name, request, job_settings)
        self.run = TrainerRun(name, request, lines)
        self.spot = bool(request.get("EnableManagedSpotTraining"))
        # Warm pool: requested by ResourceConfig.KeepAlivePeriodInSeconds; Available from the job's
        # successful end for that many (wall-clock) seconds, unless released or reused.
        self.keep_alive = int((request.get("ResourceConfig") or {}).get("KeepAlivePeriodInSeconds") or 0)
        self.asked_for_pool = self.keep_alive > 0
        self.pool_ended_at: Optional[float] = None
        self.pool_status: Optional[str] = None
        self.reused_by: Optional[str] = None
        self.retained_override = job_settings.get("warmPoolRetainedSeconds")
        self.reuses: Optional[str] = None  # the job whose warm pool this one landed on
        # A tuning job's trial: the tuning job's ARN (DescribeTrainingJob's TuningJobArn) and, when the tuner's
        # early stopping judged it worse than the median so far, when it stops it (set by SimulatedTuningJob).
        self.tuning_job_arn: Optional[str] = None
        self.early_stop_at: Optional[float] = None

        self.created_at = created_at
        self.fail_at = self.at(FAIL_AT) if self.outcome == "Failed" else None
        self.failing_host: Optional[int] = job_settings.get("failingHost")
        # The shape SageMaker gives a script that exited non-zero; a configured failureReason replaces it
        # (the logs keep the default traceback).
        self.failure_reason = job_settings.get("failureReason") or (
            f'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "{SCRIPT_ERROR}"\n'
            f'Command "{self.run.command()}", exit code: 1'
        )
        self.stop_requested_at: Optional[float] = None
        self.ended_at: Optional[float] = None
        self.status = "InProgress"
        self.model_artifact: Optional[str] = None
        self.final_metrics: List[Dict[str, Any]] = []

        self.streams: Dict[int, str] = {}
        self.schedule = self._log_schedule(SCRIPT_ERROR)
        self.emitted: Dict[int, int] = {host: 0 for host in self.schedule}
        self.emitted_lines: List[Tuple[float, str]] = []

    def at(self, fraction: float) -> float:
        return self.created_at + fraction * self.duration

    # -- logs ----------------------------------------------------------------------------------------------

    def _log_schedule(self, error: str) -> Dict[int, List[Tuple[float, str]]]:
        """Every line each host will print, with the time it prints it (events in one block share a time)."""
        start, end = self.at(CONTAINER_START), self.at(TRAINER_END)
        schedule: Dict[int, List[Tuple[float, str]]] = {}
        for host in range(1, self.run.instance_count + 1):
            events = [(start, line) for line in self.run.preamble(host, start)]
            k = len(self.run.history)
            for index, (_, line) in enumerate(self.run.body(host)):
                # Body line j of k sits at j/(k+1) of the container's run, leaving room for the epilogue.
                events.append((start + (index + 1) / (k + 1) * (end - start), line))
            if self.fail_at is not None:
                events = [e for e in events if e[0] < self.fail_at]
                if self.failing_host is None or self.failing_host == host:
                    events += [(self.fail_at, line) for line in self.run.failure(host, self.fail_at, error)]
            else:
                events += [(end, line) for line in self.run.epilogue(host, end)]
            schedule[host] = events
        return schedule

    def _emit_logs(self, until: float) -> None:
        for host, events in self.schedule.items():
            first = self.emitted[host]
            due = [e for e in events[first:] if e[0] <= until]
            if not due:
                continue
            logs = logs_backends[self.account_id][self.region_name]
            if LOG_GROUP not in logs.groups:
                logs.create_log_group(LOG_GROUP, tags={})
            if host not in self.streams:
                # AWS names streams <job>/algo-N-<epoch seconds when the container started>.
                self.streams[host] = f"{self.training_job_name}/algo-{host}-{int(self.at(CONTAINER_START))}"
                logs.ensure_log_stream(LOG_GROUP, self.streams[host])
            logs.put_log_events(LOG_GROUP, self.streams[host], [{"timestamp": int(t * 1000), "message": m} for t, m in due])
            self.emitted[host] = first + len(due)
            self.emitted_lines += due

    # -- lifecycle -----------------------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        """Bring the job to `now`: write the log lines that are due, and finish it when its end has passed."""
        if self.status in TERMINAL:
            self.advance_pool(now)
            return
        if self.early_stop_at is not None and self.stop_requested_at is None and now >= self.early_stop_at:
            # The tuner stops it as StopTrainingJob would, at the time it decided to.
            self.stop_requested_at = self.early_stop_at
        if self.stop_requested_at is not None:
            self._emit_logs(self.stop_requested_at)
            if now >= self.stop_requested_at + self.stop_seconds:
                self._finish("Stopped", self.stop_requested_at + self.stop_seconds)
            return
        self._emit_logs(now)
        if self.fail_at is not None and now >= self.fail_at:
            self._finish("Failed", self.fail_at)
        elif self.fail_at is None and now >= self.at(1.0):
            self._finish("Completed", self.at(1.0))

    def stop(self, now: float) -> None:
        self.advance(now)
        if self.primary_status() != "InProgress":
            raise ValidationError(
                message=f"The request was rejected because the training job is in status {self.primary_status()}."
            )
        self.stop_requested_at = now

    def _finish(self, status: str, at: float) -> None:
        self.ended_at = at
        if status == "Completed" and self.keep_alive > 0:
            self.pool_status = "Available"
        if status == "Completed":
            self._upload_model(self.run.model_files(), at)
        elif status == "Stopped" and self.stop_requested_at >= self.at(CONTAINER_START):
            # SageMaker uploads /opt/ml/model after SIGTERM; a Trainer that was interrupted saved nothing.
            self._upload_model({}, at)
        self.final_metrics = self._final_metrics()
        self.status = status

    def advance_pool(self, now: float) -> None:
        if self.pool_status == "Available" and self.ended_at is not None and now >= self.ended_at + self.keep_alive:
            self.pool_status, self.pool_ended_at = "Terminated", self.ended_at + self.keep_alive

    def end_pool(self, status: str, now: float, reused_by: Optional[str] = None) -> None:
        self.pool_status, self.pool_ended_at, self.reused_by = status, now, reused_by

    def warm_pool(self, now: float) -> Optional[Dict[str, Any]]:
        if not self.asked_for_pool:
            return None
        if self.status == "InProgress" and self.reuses:
            return {"Status": "InUse"}
        if self.pool_status is None:
            return None
        until = self.pool_ended_at if self.pool_ended_at is not None else now
        retained = max(0, round(until - (self.ended_at or until)))
        if self.pool_status != "Available" and self.retained_override is not None:
            retained = int(self.retained_override)
        pool: Dict[str, Any] = {"Status": self.pool_status, "ResourceRetainedBillableTimeInSeconds": retained}
        if self.reused_by:
            pool["ReusedByJob"] = self.reused_by
        return pool

    def _upload_model(self, files: Dict[str, bytes], at: float) -> None:
        output = (self.request.get("OutputDataConfig") or {})
        path = str(output.get("S3OutputPath") or "")
        if not path.startswith("s3://"):
            warn(f"{self.training_job_name}: S3OutputPath {path!r} is not an s3:// URI; no model written")
            return
        bucket, _, prefix = path[len("s3://"):].partition("/")
        base = "/".join(p for p in (prefix.strip("/"), self.training_job_name, "output") if p)
        s3 = s3_backends[self.account_id][get_partition(self.region_name)]
        try:
            s3.get_bucket(bucket)
        except Exception:
            warn(f"{self.training_job_name}: bucket {bucket!r} does not exist; no model written")
            return
        if output.get("CompressionType") == "NONE":
            # disable_output_compression: the files themselves, under output/model/.
            for name, content in files.items():
                s3.put_object(bucket, f"{base}/model/{name}", content)
            self.model_artifact = f"s3://{bucket}/{base}/model/"
        else:
            s3.put_object(bucket, f"{base}/model.tar.gz", model_tarball(files, at))
            self.model_artifact = f"s3://{bucket}/{base}/model.tar.gz"

    def _final_metrics(self) -> List[Dict[str, Any]]:
        """Like SageMaker: each MetricDefinition's regex over every log line; the last match wins."""
        definitions = (self.request.get("AlgorithmSpecification") or {}).get("MetricDefinitions") or []
        metrics = []
        for definition in definitions:
            try:
                pattern = re.compile(definition.get("Regex", ""))
            except re.error:
                continue
            found: Optional[Tuple[float, float]] = None
            for at, line in self.emitted_lines:
                match = pattern.search(line)
                if not match:
                    continue
                try:
                    found = (at, float(match.group(1) if match.groups() else match.group(0)))
                except (TypeError, ValueError):
                    continue
            if found:
                metrics.append({"MetricName": definition.get("Name"), "Value": found[1], "Timestamp": found[0]})
        return metrics

    # -- what Describe/List show ---------------------------------------------------------------------------

    def transitions(self, now: float) -> List[Dict[str, Any]]:
        cut = min(now, self.fail_at or math.inf, self.stop_requested_at or math.inf)
        result: List[Dict[str, Any]] = []
        for fraction, status, message in TIMELINE:
            at = self.at(fraction)
            if at > cut:
                break
            if result and result[-1]["Status"] == status:
                result[-1]["StatusMessage"] = message
                continue
            if result:
                result[-1]["EndTime"] = at
            result.append({"Status": status, "StartTime": at, "StatusMessage": message})

        def close_with(status: str, at: float, message: str, ended: bool = True) -> None:
            if result:
                result[-1]["EndTime"] = at
            entry = {"Status": status, "StartTime": at, "StatusMessage": message}
            if ended:
                entry["EndTime"] = at
            result.append(entry)

        if self.status == "Completed":
            close_with("Completed", self.ended_at, "Training job completed")
        elif self.status == "Failed":
            close_with("Failed", self.ended_at, "Training job failed")
        elif self.stop_requested_at is not None:
            close_with("Stopping", self.stop_requested_at, "Stopping the training job", ended=False)
            if self.status == "Stopped":
                close_with("Stopped", self.ended_at, "Training job stopped")
        return result

    def last_modified(self, now: float) -> float:
        """The latest status or status-message change, as AWS moves LastModifiedTime."""
        cut = min(now, self.fail_at or math.inf, self.stop_requested_at or math.inf)
        changes = [self.at(f) for f, _, _ in TIMELINE if self.at(f) <= cut]
        changes += [t for t in (self.stop_requested_at, self.ended_at) if t is not None and t <= now]
        return max(changes)

    def primary_status(self) -> str:
        if self.status == "InProgress" and self.stop_requested_at is not None:
            return "Stopping"
        return self.status

    def describe(self, now: float) -> Dict[str, Any]:
        transitions = self.transitions(now)
        response: Dict[str, Any] = {
            "TrainingJobName": self.training_job_name,
            "TrainingJobArn": self.arn,
            "TrainingJobStatus": self.primary_status(),
            "SecondaryStatus": transitions[-1]["Status"],
            "CreationTime": self.created_at,
            "LastModifiedTime": self.last_modified(now),
            "SecondaryStatusTransitions": transitions,
            "EnableNetworkIsolation": bool(self.request.get("EnableNetworkIsolation", False)),
            "EnableInterContainerTrafficEncryption": bool(self.request.get("EnableInterContainerTrafficEncryption", False)),
            "EnableManagedSpotTraining": self.spot,
        }
        for field in ECHOED_REQUEST_FIELDS:
            if self.request.get(field) is not None:
                response[field] = self.request[field]
        started = self.at(TRAINING_START)
        if min(now, self.ended_at or math.inf, self.stop_requested_at or math.inf) >= started:
            response["TrainingStartTime"] = started
            chosen = selected_instance(self.request.get("ResourceConfig") or {})
            if chosen:
                response["ResourceConfig"] = {**self.request["ResourceConfig"], "SelectedInstanceType": chosen[0], "SelectedInstanceCount": chosen[1]}
        if self.status in TERMINAL:
            response["TrainingEndTime"] = self.ended_at
            if "TrainingStartTime" in response:
                seconds = max(1, round(self.ended_at - started))
                response["TrainingTimeInSeconds"] = seconds
                response["BillableTimeInSeconds"] = max(1, round(seconds * SPOT_BILLABLE_FRACTION)) if self.spot else seconds
        if self.status == "Failed":
            response["FailureReason"] = self.failure_reason
        if self.model_artifact:
            response["ModelArtifacts"] = {"S3ModelArtifacts": self.model_artifact}
        if self.final_metrics:
            response["FinalMetricDataList"] = self.final_metrics
        if self.tuning_job_arn:
            response["TuningJobArn"] = self.tuning_job_arn
        pool = self.warm_pool(now)
        if pool:
            response["WarmPoolStatus"] = pool
        for rules, statuses in (("DebugRuleConfigurations", "DebugRuleEvaluationStatuses"),
                                ("ProfilerRuleConfigurations", "ProfilerRuleEvaluationStatuses")):
            if self.request.get(rules):
                response[statuses] = [self._rule_status(rule) for rule in self.request[rules]]
        return response

    def _rule_status(self, rule: Dict[str, Any]) -> Dict[str, Any]:
        name = rule.get("RuleConfigurationName", "rule")
        status = {"Completed": "NoIssuesFound", "Failed": "Error", "Stopped": "Stopped"}.get(self.status, "InProgress")
        return {
            "RuleConfigurationName": name,
            "RuleEvaluationJobArn": f"arn:{get_partition(self.region_name)}:sagemaker:{self.region_name}:{self.account_id}:processing-job/{self.training_job_name[:26]}-{name[:20]}".lower(),
            "RuleEvaluationStatus": status,
            "LastModifiedTime": self.ended_at or self.created_at,
        }

    def summary(self, now: float) -> Dict[str, Any]:
        transitions = self.transitions(now)
        summary = {
            "TrainingJobName": self.training_job_name,
            "TrainingJobArn": self.arn,
            "CreationTime": self.created_at,
            "LastModifiedTime": self.last_modified(now),
            "TrainingJobStatus": self.primary_status(),
            "SecondaryStatus": transitions[-1]["Status"],
        }
        if self.status in TERMINAL:
            summary["TrainingEndTime"] = self.ended_at
        return summary

    # moto's Search and generic helpers read these.
    def gen_response_object(self) -> Dict[str, Any]:
        return self.describe(time.time())

    @property
    def response_object(self) -> Dict[str, Any]:  # type: ignore[override]
        return self.describe(time.time())


def planned_outcome(name: str, request: Dict[str, Any], job_settings: Dict[str, Any]) -> str:
    """Per-job config beats the sim_outcome hyperparameter, which beats SIM_FAIL_JOBS."""
    if "outcome" in job_settings:
        return job_settings["outcome"]
    asked = decode_hyperparameters(request.get("HyperParameters")).get("sim_outcome")
    if asked in ("Failed", "Completed"):
        return asked
    pattern = config.values["failJobs"]
    if pattern and re.search(pattern, name):
        return "Failed"
    return "Completed"


def advance_backend(backend: SageMakerModelBackend, now: float) -> None:
    # Tuning jobs first: they launch their trials (and early-stop them) before the trials are brought to `now`.
    advance_tuning(backend, now)
    for job in list(backend.training_jobs.values()):
        if isinstance(job, SimulatedTrainingJob):
            job.advance(now)


def advance_everywhere() -> None:
    now = time.time()
    with state_lock:
        for _, _, backend in list(sagemaker_backends.iter_backends()):
            advance_backend(backend, now)


# --------------------------------------------------------------------------------------------------------------
# Patches: SageMaker API
# --------------------------------------------------------------------------------------------------------------


def create_training_job(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    # The whole body, not moto's selection of it: Describe returns what the caller sent.
    request = json.loads(self.body or "{}")
    name = request.get("TrainingJobName")
    if not isinstance(name, str) or not JOB_NAME.match(name):
        raise AWSValidationException(
            f"1 validation error detected: Value '{name}' at 'trainingJobName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
        )
    missing = [f for f in REQUIRED_REQUEST_FIELDS if request.get(f) is None]
    if missing:
        raise AWSValidationException(
            f"{len(missing)} validation error{'s' if len(missing) > 1 else ''} detected: "
            + "; ".join(f"Value null at '{f[0].lower() + f[1:]}' failed to satisfy constraint: Member must not be null" for f in missing)
        )
    preference_errors = instance_preference_errors(request.get("ResourceConfig") or {}, bool(request.get("EnableManagedSpotTraining")))
    if preference_errors:
        raise AWSValidationException(" ".join(preference_errors))
    backend = self.sagemaker_backend
    with state_lock:
        if name in backend.training_jobs:
            raise ResourceInUseException(
                "Training job names must be unique within an AWS account and region, and a training job with this "
                f"name already exists ({backend.training_jobs[name].arn})"
            )
        job = SimulatedTrainingJob(backend, request, time.time())
        if job.keep_alive > 0:
            advance_backend(backend, job.created_at)
            pool = next((j for j in backend.training_jobs.values() if isinstance(j, SimulatedTrainingJob)
                         and j.pool_status == "Available" and warm_pool_key(j.request) == warm_pool_key(request)), None)
            if pool is not None:
                pool.end_pool("Reused", job.created_at, reused_by=name)
                job.reuses = pool.training_job_name
        backend.training_jobs[name] = job
    return 200, {}, json.dumps({"TrainingJobArn": job.arn})


def describe_training_job(self: SageMakerModelBackend, training_job_name: str) -> Dict[str, Any]:
    now = time.time()
    with state_lock:
        job = self.training_jobs.get(training_job_name)
        if job is None:
            arn = FakeTrainingJob.arn_formatter(training_job_name, self.account_id, self.region_name)
            raise ValidationError(message=f"Could not find training job '{arn}'.")
        if not isinstance(job, SimulatedTrainingJob):
            return job.response_object
        job.advance(now)
        return job.describe(now)


def stop_training_job(self: SageMakerResponse) -> str:
    name = self._get_param("TrainingJobName")
    backend = self.sagemaker_backend
    with state_lock:
        job = backend.training_jobs.get(name)
        if not isinstance(job, SimulatedTrainingJob):
            raise ResourceNotFound(message="Requested resource not found.")
        job.stop(time.time())
    return "{}"


# What a new job must share with an ended one to land on its warm pool (SageMaker's matching rules,
# "Matching training jobs" in https://docs.aws.amazon.com/sagemaker/latest/dg/train-warm-pools.html):
# the role, the instance type and count, the volume and its key, the VPC, network isolation,
# inter-container encryption and session tag chaining; the new job must ask for a warm pool too.
WARM_POOL_MATCH = ["RoleArn", "ResourceConfig.InstanceType", "ResourceConfig.InstanceCount", "ResourceConfig.VolumeSizeInGB",
                   "ResourceConfig.VolumeKmsKeyId", "VpcConfig", "EnableNetworkIsolation", "EnableInterContainerTrafficEncryption",
                   "SessionChainingConfig.EnableSessionTagChaining"]


def warm_pool_key(request: Dict[str, Any]) -> str:
    def get(path: str) -> Any:
        value: Any = request
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if path in ("EnableNetworkIsolation", "EnableInterContainerTrafficEncryption", "SessionChainingConfig.EnableSessionTagChaining"):
            return bool(value)
        return value
    return json.dumps([get(p) for p in WARM_POOL_MATCH], sort_keys=True)


def update_training_job(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    """UpdateTrainingJob, for the warm pool's keep-alive (ResourceConfig.KeepAlivePeriodInSeconds) only; 0 releases it."""
    request = json.loads(self.body or "{}")
    name = request.get("TrainingJobName")
    backend = self.sagemaker_backend
    with state_lock:
        job = backend.training_jobs.get(name)
        if not isinstance(job, SimulatedTrainingJob):
            raise ResourceNotFound(message="Requested resource not found.")
        now = time.time()
        job.advance(now)
        keep = (request.get("ResourceConfig") or {}).get("KeepAlivePeriodInSeconds")
        if keep is None:
            raise AWSValidationException("The request must update ResourceConfig.KeepAlivePeriodInSeconds (the simulator supports nothing else).")
        if not job.asked_for_pool:
            raise ValidationError(message=f"Training job {name} was not configured with a warm pool.")
        if job.status in TERMINAL and job.pool_status != "Available":
            raise ValidationError(message=f"The warm pool of training job {name} is {job.pool_status}; only an Available warm pool can be updated.")
        if job.status in TERMINAL and int(keep) == 0:
            job.end_pool("Terminated", now)
        else:
            job.keep_alive = int(keep)
    return 200, {}, json.dumps({"TrainingJobArn": job.arn})


def delete_training_job(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    """DeleteTrainingJob: ended jobs only, and not while their warm pool is Available."""
    name = self._get_param("TrainingJobName")
    backend = self.sagemaker_backend
    with state_lock:
        job = backend.training_jobs.get(name)
        if not isinstance(job, SimulatedTrainingJob):
            raise ResourceNotFound(message="Requested resource not found.")
        job.advance(time.time())
        if job.status not in TERMINAL:
            raise ValidationError(message=f"Training job {name} is {job.primary_status()}: only a Completed, Failed or Stopped job can be deleted.")
        if job.pool_status == "Available":
            raise ValidationError(message=f"Training job {name} has a warm pool that is Available: release it (KeepAlivePeriodInSeconds 0) before deleting the job.")
        del backend.training_jobs[name]
    return 200, {}, "{}"


LIST_SORT_KEYS = {
    "CreationTime": lambda s: (s["CreationTime"], s["TrainingJobName"]),
    "Name": lambda s: (s["TrainingJobName"],),
    "Status": lambda s: (s["TrainingJobStatus"], s["CreationTime"]),
}
LIST_STATUSES = ["InProgress", "Completed", "Failed", "Stopping", "Stopped"]
LIST_DEFAULT_MAX_RESULTS = 10


def list_training_jobs(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    """AWS semantics: filter, then sort, then page. Newest first unless told otherwise (what the console and
    `aws sagemaker list-training-jobs` show), MaxResults 10 by default."""
    max_results, sort_by, sort_order, status_equals = checked_list_params(self, list(LIST_SORT_KEYS), "CreationTime", "Descending", LIST_STATUSES)
    name_contains = self._get_param("NameContains")
    bounds = {key: self._get_param(key) for key in ("CreationTimeAfter", "CreationTimeBefore", "LastModifiedTimeAfter", "LastModifiedTimeBefore")}
    backend = self.sagemaker_backend
    now = time.time()
    with state_lock:
        advance_backend(backend, now)
        summaries = [
            job.summary(now) if isinstance(job, SimulatedTrainingJob) else legacy_summary(job)
            for job in backend.training_jobs.values()
        ]
    selected = [s for s in summaries if matches_list_filters(s, "TrainingJobName", "TrainingJobStatus", name_contains, status_equals, bounds)]
    selected.sort(key=LIST_SORT_KEYS[sort_by], reverse=sort_order == "Descending")
    page, token = page_of(selected, self._get_param("NextToken"), max_results)
    response: Dict[str, Any] = {"TrainingJobSummaries": page}
    if token:
        response["NextToken"] = token
    return 200, {}, json.dumps(response)


def legacy_summary(job: Any) -> Dict[str, Any]:
    """A job that moto created without this plugin (not expected, but keep List from failing on it)."""
    return {"TrainingJobName": job.training_job_name, "TrainingJobArn": job.arn, "CreationTime": 0.0,
            "LastModifiedTime": 0.0, "TrainingJobStatus": job.training_job_status}


# --------------------------------------------------------------------------------------------------------------
# Hyperparameter tuning jobs: trials launched as training jobs, as the wall clock passes
# --------------------------------------------------------------------------------------------------------------
#
# moto 5.1 stores a tuning job as Completed the moment it is created, with a made-up BestTrainingJob, string
# timestamps, no trials, no ListTrainingJobsForHyperParameterTuningJob and no StopHyperParameterTuningJob. Here a
# tuning job launches its trials as SimulatedTrainingJobs (so each has logs, metrics, a model, Describe and Stop):
#
#   * MaxParallelTrainingJobs trials start TUNING_START_DELAY seconds after creation; each later trial starts when
#     an earlier one ends, until MaxNumberOfTrainingJobs (Grid: the grid's size when not given) have started.
#   * A trial is named as SageMaker names them, <tuning job>-NNN-<8 hex>, with TuningJobArn, the definition's
#     StaticHyperParameters plus its TunedHyperParameters plus _tuning_objective_metric (which SageMaker adds).
#     Tuned values are drawn from the ranges with a generator seeded by the tuning job's name, its RandomSeed and
#     the trial's number (Grid walks the categorical grid in order), so the same tuning job always tries the same
#     values. Bayesian and Hyperband draw like Random: the simulator has no model of the objective.
#   * A trial's objective is the last match of its objective metric's MetricDefinition in its logs, as SageMaker
#     reads it; a trial whose regex never matches has ObjectiveStatus Failed.
#   * TrainingJobEarlyStoppingType Auto: a trial whose objective would be worse than the median of the trials
#     completed when it starts (at least two) is stopped at EARLY_STOP_AT of its run: Stopped, with the objective
#     it had reported by then.
#   * StopHyperParameterTuningJob: Stopping; every running trial is stopped; Stopped once they all are.
#   * The tuning job ends Completed when its last trial ends (Failed when no trial reported the objective).

TUNING_JOB_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
TUNING_START_DELAY = 0.2
EARLY_STOP_AT = 0.6
TUNING_STATUSES = ["Completed", "InProgress", "Failed", "Stopped", "Stopping", "Deleting", "DeleteFailed"]


def median(values: List[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


class SimulatedTuningJob(BaseObject):
    __module__ = "moto.sagemaker.lifecycle"

    def __init__(self, backend: SageMakerModelBackend, request: Dict[str, Any], created_at: float):
        from moto.sagemaker.utils import arn_formatter

        self.backend = backend
        self.request = request
        self.name = request["HyperParameterTuningJobName"]
        self.account_id, self.region_name = backend.account_id, backend.region_name
        self.arn = arn_formatter("hyper-parameter-tuning-job", self.name, backend.account_id, backend.region_name)
        self.tags = list(request.get("Tags") or [])
        tuning = request["HyperParameterTuningJobConfig"]
        self.definition: Dict[str, Any] = request["TrainingJobDefinition"]
        self.strategy = tuning.get("Strategy", "Bayesian")
        self.objective = tuning.get("HyperParameterTuningJobObjective") or (self.definition.get("TuningObjective") or {})
        limits = tuning.get("ResourceLimits") or {}
        self.ranges = tuning.get("ParameterRanges") or self.definition.get("HyperParameterRanges") or {}
        self.grid = self._grid() if self.strategy == "Grid" else None
        default_jobs = len(self.grid) if self.grid is not None else 1
        self.max_jobs = int(limits.get("MaxNumberOfTrainingJobs") or default_jobs)
        self.max_parallel = max(1, int(limits.get("MaxParallelTrainingJobs") or 1))
        self.early_stopping = str(tuning.get("TrainingJobEarlyStoppingType") or "Off").lower() == "auto"
        self.seed = tuning.get("RandomSeed")
        self.stop_seconds = float(config.values["stopSeconds"])
        self.created_at = created_at
        self.trials: List[SimulatedTrainingJob] = []
        self.stop_requested_at: Optional[float] = None
        self.ended_at: Optional[float] = None
        self.status = "InProgress"
        self.failure_reason: Optional[str] = None

    # -- the trials ----------------------------------------------------------------------------------------

    def _grid(self) -> List[Dict[str, str]]:
        combos: List[Dict[str, str]] = [{}]
        for parameter in self.ranges.get("CategoricalParameterRanges") or []:
            combos = [{**combo, parameter["Name"]: value} for combo in combos for value in parameter.get("Values") or []]
        return combos

    def tuned_values(self, number: int) -> Dict[str, str]:
        if self.grid is not None:
            return dict(self.grid[number % max(1, len(self.grid))])
        rng = random.Random(f"{self.name}/{self.seed}/{number}")
        values: Dict[str, str] = {}
        for parameter in self.ranges.get("ContinuousParameterRanges") or []:
            low, high = float(parameter["MinValue"]), float(parameter["MaxValue"])
            scaling = parameter.get("ScalingType", "Auto")
            if scaling == "Logarithmic" and low > 0:
                value = math.exp(rng.uniform(math.log(low), math.log(high)))
            elif scaling == "ReverseLogarithmic" and high < 1:
                value = 1 - math.exp(rng.uniform(math.log(1 - high), math.log(1 - low)))
            else:
                value = rng.uniform(low, high)
            values[parameter["Name"]] = json.dumps(float(f"{value:.6g}"))
        for parameter in self.ranges.get("IntegerParameterRanges") or []:
            low, high = int(parameter["MinValue"]), int(parameter["MaxValue"])
            if parameter.get("ScalingType") == "Logarithmic" and low > 0:
                value = min(high, max(low, round(math.exp(rng.uniform(math.log(low), math.log(high))))))
            else:
                value = rng.randint(low, high)
            values[parameter["Name"]] = str(value)
        for parameter in self.ranges.get("CategoricalParameterRanges") or []:
            values[parameter["Name"]] = rng.choice(parameter.get("Values") or [""])
        return values

    def _objective_definition(self) -> Optional[Dict[str, Any]]:
        name = self.objective.get("MetricName")
        definitions = (self.definition.get("AlgorithmSpecification") or {}).get("MetricDefinitions") or []
        return next((d for d in definitions if d.get("Name") == name), None)

    def _launch(self, number: int, at: float) -> None:
        import hashlib

        tuned = self.tuned_values(number)
        name = f"{self.name}-{number + 1:03d}-{hashlib.sha256(f'{self.name}/{number}'.encode()).hexdigest()[:8]}"
        hyperparameters = {**(self.definition.get("StaticHyperParameters") or {}), **tuned}
        if self.objective.get("MetricName"):
            hyperparameters["_tuning_objective_metric"] = self.objective["MetricName"]
        fields = ["AlgorithmSpecification", "RoleArn", "InputDataConfig", "VpcConfig", "OutputDataConfig", "ResourceConfig",
                  "StoppingCondition", "EnableNetworkIsolation", "EnableInterContainerTrafficEncryption",
                  "EnableManagedSpotTraining", "CheckpointConfig", "RetryStrategy", "Environment"]
        request = {field: self.definition[field] for field in fields if self.definition.get(field) is not None}
        request.update({"TrainingJobName": name, "HyperParameters": hyperparameters})
        trial = SimulatedTrainingJob(self.backend, request, at)
        trial.tuning_job_arn = self.arn
        trial.tuned = tuned  # type: ignore[attr-defined]
        if self.early_stopping:
            finished = [v for v in (self.objective_value(t) for t in self.trials if t.status == "Completed" and (t.ended_at or 0) <= at) if v is not None]
            expected = self._expected_objective(trial)
            if expected is not None and len(finished) >= 2 and self._worse(expected, median(finished)):
                stop_at = trial.at(EARLY_STOP_AT)
                if stop_at < min(trial.fail_at or math.inf, trial.at(1.0)):
                    trial.early_stop_at = stop_at
        self.trials.append(trial)
        self.backend.training_jobs[name] = trial

    def _expected_objective(self, trial: SimulatedTrainingJob) -> Optional[float]:
        """What the trial will report if it runs to the end: the objective regex over every line it will print."""
        definition = self._objective_definition()
        if definition is None or trial.fail_at is not None:
            return None
        lines = sorted((at, line) for events in trial.schedule.values() for at, line in events)
        return last_metric_value(definition.get("Regex", ""), lines)

    def _worse(self, value: float, than: float) -> bool:
        return value > than if self.objective.get("Type") == "Minimize" else value < than

    def objective_value(self, trial: SimulatedTrainingJob) -> Optional[float]:
        name = self.objective.get("MetricName")
        return next((m["Value"] for m in trial.final_metrics if m.get("MetricName") == name), None)

    # -- lifecycle -----------------------------------------------------------------------------------------

    def advance(self, now: float) -> None:
        if self.status in TERMINAL:
            return
        while True:
            for trial in self.trials:
                trial.advance(now)
            number = len(self.trials)
            if self.stop_requested_at is not None or number >= self.max_jobs:
                break
            if number < self.max_parallel:
                at = self.created_at + TUNING_START_DELAY
            else:
                ends = sorted(t.ended_at for t in self.trials if t.status in TERMINAL and t.ended_at is not None)
                if len(ends) <= number - self.max_parallel:
                    break
                at = ends[number - self.max_parallel]
            if at > now:
                break
            self._launch(number, at)
        if self.trials and all(t.status in TERMINAL for t in self.trials) and (self.stop_requested_at is not None or len(self.trials) >= self.max_jobs):
            self.ended_at = max([t.ended_at or now for t in self.trials] + [self.stop_requested_at or 0])
            if self.stop_requested_at is not None:
                self.status = "Stopped"
            elif not any(self.objective_value(t) is not None for t in self.trials):
                self.status = "Failed"
                self.failure_reason = f"No training job reported the objective metric {self.objective.get('MetricName')}: check its MetricDefinitions regex against the training logs."
            else:
                self.status = "Completed"
        elif not self.trials and self.stop_requested_at is not None and now >= self.stop_requested_at + self.stop_seconds:
            # Stopped before its first trial started: Stopping for as long as a training job's stop takes.
            self.ended_at, self.status = self.stop_requested_at + self.stop_seconds, "Stopped"

    def stop(self, now: float) -> None:
        self.advance(now)
        if self.primary_status() != "InProgress":
            raise ValidationError(message=f"The request was rejected because the hyperparameter tuning job is in status {self.primary_status()}.")
        self.stop_requested_at = now
        for trial in self.trials:
            if trial.primary_status() == "InProgress":
                trial.stop(now)

    def primary_status(self) -> str:
        if self.status == "InProgress" and self.stop_requested_at is not None:
            return "Stopping"
        return self.status

    # -- what Describe/List show ---------------------------------------------------------------------------

    def counters(self) -> Tuple[Dict[str, int], Dict[str, int]]:
        training = {"Completed": 0, "InProgress": 0, "RetryableError": 0, "NonRetryableError": 0, "Stopped": 0}
        objective = {"Succeeded": 0, "Pending": 0, "Failed": 0}
        for trial in self.trials:
            status = trial.primary_status()
            training[{"Failed": "NonRetryableError", "Stopping": "InProgress"}.get(status, status)] += 1
            objective[self.objective_status(trial)] += 1
        return training, objective

    def objective_status(self, trial: SimulatedTrainingJob) -> str:
        if trial.status not in TERMINAL:
            return "Pending"
        return "Succeeded" if self.objective_value(trial) is not None else "Failed"

    def trial_summary(self, trial: SimulatedTrainingJob, now: float) -> Dict[str, Any]:
        described = trial.describe(now)
        summary: Dict[str, Any] = {
            "TrainingJobName": trial.training_job_name,
            "TrainingJobArn": trial.arn,
            "TuningJobName": self.name,
            "CreationTime": trial.created_at,
            "TrainingJobStatus": trial.primary_status(),
            "TunedHyperParameters": dict(trial.tuned),  # type: ignore[attr-defined]
            "ObjectiveStatus": self.objective_status(trial),
        }
        for field in ("TrainingStartTime", "TrainingEndTime", "FailureReason"):
            if field in described:
                summary[field] = described[field]
        value = self.objective_value(trial)
        if value is not None:
            summary["FinalHyperParameterTuningJobObjectiveMetric"] = {
                "Type": self.objective.get("Type", "Maximize"), "MetricName": self.objective.get("MetricName"), "Value": value,
            }
        return summary

    def best_trial(self) -> Optional[SimulatedTrainingJob]:
        scored = [(self.objective_value(t), t) for t in self.trials if t.status == "Completed"]
        scored = [(v, t) for v, t in scored if v is not None]
        if not scored:
            return None
        pick = min if self.objective.get("Type") == "Minimize" else max
        return pick(scored, key=lambda pair: pair[0])[1]

    def last_modified(self, now: float) -> float:
        times = [self.created_at] + [t.created_at for t in self.trials] + [t.ended_at for t in self.trials if t.ended_at]
        times += [x for x in (self.stop_requested_at, self.ended_at) if x is not None]
        return max(x for x in times if x <= now) if any(x <= now for x in times) else self.created_at

    def summary(self, now: float) -> Dict[str, Any]:
        training, objective = self.counters()
        summary = {
            "HyperParameterTuningJobName": self.name,
            "HyperParameterTuningJobArn": self.arn,
            "HyperParameterTuningJobStatus": self.primary_status(),
            "Strategy": self.strategy,
            "CreationTime": self.created_at,
            "LastModifiedTime": self.last_modified(now),
            "TrainingJobStatusCounters": training,
            "ObjectiveStatusCounters": objective,
            "ResourceLimits": self.request["HyperParameterTuningJobConfig"].get("ResourceLimits") or {},
        }
        if self.ended_at is not None:
            summary["HyperParameterTuningEndTime"] = self.ended_at
        return summary

    def describe(self, now: float) -> Dict[str, Any]:
        training, objective = self.counters()
        response: Dict[str, Any] = {
            "HyperParameterTuningJobName": self.name,
            "HyperParameterTuningJobArn": self.arn,
            "HyperParameterTuningJobConfig": self.request["HyperParameterTuningJobConfig"],
            "TrainingJobDefinition": self.definition,
            "HyperParameterTuningJobStatus": self.primary_status(),
            "CreationTime": self.created_at,
            "LastModifiedTime": self.last_modified(now),
            "TrainingJobStatusCounters": training,
            "ObjectiveStatusCounters": objective,
        }
        for field in ("WarmStartConfig", "Autotune"):
            if self.request.get(field) is not None:
                response[field] = self.request[field]
        if self.ended_at is not None:
            response["HyperParameterTuningEndTime"] = self.ended_at
            response["ConsumedResources"] = {"RuntimeInSeconds": max(1, round(self.ended_at - self.created_at))}
        if self.failure_reason:
            response["FailureReason"] = self.failure_reason
        best = self.best_trial()
        if best is not None:
            response["BestTrainingJob"] = self.trial_summary(best, now)
        return response

    @property
    def response_object(self) -> Dict[str, Any]:  # type: ignore[override]
        return self.describe(time.time())


def last_metric_value(regex: str, lines: List[Tuple[float, str]]) -> Optional[float]:
    try:
        pattern = re.compile(regex)
    except re.error:
        return None
    found: Optional[float] = None
    for _, line in lines:
        match = pattern.search(line)
        if match:
            try:
                found = float(match.group(1) if match.groups() else match.group(0))
            except (TypeError, ValueError):
                continue
    return found


def advance_tuning(backend: SageMakerModelBackend, now: float) -> None:
    for job in list(backend.hyper_parameter_tuning_jobs.values()):
        if isinstance(job, SimulatedTuningJob):
            job.advance(now)


def tuning_job_or_not_found(backend: SageMakerModelBackend, name: Any) -> "SimulatedTuningJob":
    job = backend.hyper_parameter_tuning_jobs.get(name) if isinstance(name, str) else None
    if not isinstance(job, SimulatedTuningJob):
        raise ResourceNotFound(message=f"Amazon SageMaker can't find a tuning job with name {name}")
    return job


def create_hyper_parameter_tuning_job(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    request = json.loads(self.body or "{}")
    name = request.get("HyperParameterTuningJobName")
    if not isinstance(name, str) or not TUNING_JOB_NAME.match(name):
        raise AWSValidationException(
            f"1 validation error detected: Value '{name}' at 'hyperParameterTuningJobName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}"
        )
    if not isinstance(request.get("HyperParameterTuningJobConfig"), dict):
        raise AWSValidationException("1 validation error detected: Value null at 'hyperParameterTuningJobConfig' failed to satisfy constraint: Member must not be null")
    if request.get("TrainingJobDefinitions"):
        raise AWSValidationException("The simulator supports one TrainingJobDefinition per tuning job, not TrainingJobDefinitions.")
    definition = request.get("TrainingJobDefinition")
    if not isinstance(definition, dict):
        raise AWSValidationException("A tuning job needs a TrainingJobDefinition.")
    missing = [f for f in ("AlgorithmSpecification", "RoleArn", "OutputDataConfig", "StoppingCondition") if definition.get(f) is None]
    if missing:
        raise AWSValidationException("; ".join(f"Value null at 'trainingJobDefinition.{f[0].lower() + f[1:]}' failed to satisfy constraint: Member must not be null" for f in missing))
    backend = self.sagemaker_backend
    with state_lock:
        if name in backend.hyper_parameter_tuning_jobs:
            raise ResourceInUseException(f"Resource Already Exists: Hyper Parameter Tuning Job with name {name} already exists. Choose a different name.")
        job = SimulatedTuningJob(backend, request, time.time())
        backend.hyper_parameter_tuning_jobs[name] = job
    return 200, {}, json.dumps({"HyperParameterTuningJobArn": job.arn})


def describe_hyper_parameter_tuning_job(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    backend = self.sagemaker_backend
    now = time.time()
    with state_lock:
        job = tuning_job_or_not_found(backend, self._get_param("HyperParameterTuningJobName"))
        job.advance(now)
        return 200, {}, json.dumps(job.describe(now))


def stop_hyper_parameter_tuning_job(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    backend = self.sagemaker_backend
    with state_lock:
        tuning_job_or_not_found(backend, self._get_param("HyperParameterTuningJobName")).stop(time.time())
    return 200, {}, "{}"


def matches_list_filters(summary: Dict[str, Any], name_key: str, status_key: str, name_contains: Optional[str], status_equals: Optional[str], bounds: Dict[str, Any]) -> bool:
    """A List call's NameContains, StatusEquals and the four time bounds (each exclusive), as the API applies them."""
    def within(key: str, after: Any, before: Any) -> bool:
        return (after is None or summary[key] > as_number(after, 0)) and (before is None or summary[key] < as_number(before, 0))
    return (
        (name_contains is None or name_contains in summary[name_key])
        and (status_equals is None or summary[status_key] == status_equals)
        and within("CreationTime", bounds["CreationTimeAfter"], bounds["CreationTimeBefore"])
        and within("LastModifiedTime", bounds["LastModifiedTimeAfter"], bounds["LastModifiedTimeBefore"])
    )


def page_of(items: List[Any], token: Optional[str], max_results: int) -> Tuple[List[Any], Optional[str]]:
    try:
        offset = int(token) if token else 0
        if offset < 0:
            raise ValueError
    except ValueError:
        raise AWSValidationException("Invalid pagination token because the token is not one this API returned.")
    end = offset + max_results
    # An offset into the filtered, sorted list; jobs created while paging can shift it (AWS uses a cursor).
    return items[offset:end], (str(end) if end < len(items) else None)


def checked_list_params(self: SageMakerResponse, sort_keys: List[str], default_sort: str, default_order: str, statuses: List[str]) -> Tuple[int, str, str, Optional[str]]:
    max_results = self._get_int_param("MaxResults") or LIST_DEFAULT_MAX_RESULTS
    sort_by = self._get_param("SortBy", default_sort)
    sort_order = self._get_param("SortOrder", default_order)
    status_equals = self._get_param("StatusEquals")
    errors = []
    if not 1 <= max_results <= 100:
        errors.append(f"Value '{max_results}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100")
    if sort_by not in sort_keys:
        errors.append(format_enum_error(sort_by, "sortBy", sort_keys))
    if sort_order not in ("Ascending", "Descending"):
        errors.append(format_enum_error(sort_order, "sortOrder", ["Ascending", "Descending"]))
    if status_equals is not None and status_equals not in statuses:
        errors.append(format_enum_error(status_equals, "statusEquals", statuses))
    if errors:
        raise AWSValidationException(f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} detected: {'; '.join(errors)}")
    return max_results, sort_by, sort_order, status_equals


def list_hyper_parameter_tuning_jobs(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    """Filter, sort (default Name, Ascending: the API's defaults), page; epoch timestamps."""
    max_results, sort_by, sort_order, status_equals = checked_list_params(self, ["Name", "Status", "CreationTime"], "Name", "Ascending", TUNING_STATUSES)
    name_contains = self._get_param("NameContains")
    bounds = {key: self._get_param(key) for key in ("CreationTimeAfter", "CreationTimeBefore", "LastModifiedTimeAfter", "LastModifiedTimeBefore")}
    backend = self.sagemaker_backend
    now = time.time()
    with state_lock:
        advance_tuning(backend, now)
        summaries = [job.summary(now) for job in backend.hyper_parameter_tuning_jobs.values() if isinstance(job, SimulatedTuningJob)]
    selected = [s for s in summaries if matches_list_filters(s, "HyperParameterTuningJobName", "HyperParameterTuningJobStatus", name_contains, status_equals, bounds)]
    keys = {
        "Name": lambda s: (s["HyperParameterTuningJobName"],),
        "Status": lambda s: (s["HyperParameterTuningJobStatus"], s["CreationTime"]),
        "CreationTime": lambda s: (s["CreationTime"], s["HyperParameterTuningJobName"]),
    }
    selected.sort(key=keys[sort_by], reverse=sort_order == "Descending")
    page, token = page_of(selected, self._get_param("NextToken"), max_results)
    response: Dict[str, Any] = {"HyperParameterTuningJobSummaries": page}
    if token:
        response["NextToken"] = token
    return 200, {}, json.dumps(response)


def list_training_jobs_for_hyper_parameter_tuning_job(self: SageMakerResponse) -> Tuple[int, Dict[str, str], str]:
    """The trials: StatusEquals, then SortBy (default Name, Ascending). Sorted by FinalObjectiveMetricValue, trials
    without an objective value are left out, as the API reference says."""
    max_results, sort_by, sort_order, status_equals = checked_list_params(
        self, ["Name", "CreationTime", "Status", "FinalObjectiveMetricValue"], "Name", "Ascending", LIST_STATUSES)
    backend = self.sagemaker_backend
    now = time.time()
    with state_lock:
        job = tuning_job_or_not_found(backend, self._get_param("HyperParameterTuningJobName"))
        job.advance(now)
        summaries = [job.trial_summary(t, now) for t in job.trials]
    selected = [s for s in summaries if status_equals is None or s["TrainingJobStatus"] == status_equals]
    if sort_by == "FinalObjectiveMetricValue":
        selected = [s for s in selected if "FinalHyperParameterTuningJobObjectiveMetric" in s]
    keys = {
        "Name": lambda s: (s["TrainingJobName"],),
        "CreationTime": lambda s: (s["CreationTime"], s["TrainingJobName"]),
        "Status": lambda s: (s["TrainingJobStatus"], s["TrainingJobName"]),
        "FinalObjectiveMetricValue": lambda s: (s["FinalHyperParameterTuningJobObjectiveMetric"]["Value"], s["TrainingJobName"]),
    }
    selected.sort(key=keys[sort_by], reverse=sort_order == "Descending")
    page, token = page_of(selected, self._get_param("NextToken"), max_results)
    response: Dict[str, Any] = {"TrainingJobSummaries": page}
    if token:
        response["NextToken"] = token
    return 200, {}, json.dumps(response)


# --------------------------------------------------------------------------------------------------------------
# Patches: CloudWatch Logs reads bring jobs up to date first, so a tailer that never calls Describe still
# sees lines appear
# --------------------------------------------------------------------------------------------------------------


def advancing(method: Any) -> Any:
    def wrapper(self: LogsBackend, *args: Any, **kwargs: Any) -> Any:
        advance_everywhere()
        return method(self, *args, **kwargs)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


# --------------------------------------------------------------------------------------------------------------
# Test-only endpoint and reset
# --------------------------------------------------------------------------------------------------------------

SIM_PATH = "/moto-api/sim/config"


def handle_sim_request(environ: Dict[str, Any], start_response: Any) -> Any:
    request = Request(environ)
    if request.path != SIM_PATH:
        response = json_response(404, {"error": f"unknown path {request.path}; use {SIM_PATH}"})
    elif request.method == "GET":
        with state_lock:
            response = json_response(200, config.to_json())
    elif request.method == "POST":
        try:
            body = json.loads(request.get_data(as_text=True) or "{}")
            with state_lock:
                config.update(body)
                response = json_response(200, config.to_json())
        except ValueError as e:
            response = json_response(400, {"error": str(e)})
    else:
        response = json_response(405, {"error": "use GET or POST"})
    return response(environ, start_response)


def json_response(status: int, body: Any) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


class SimulationDispatcher(DomainDispatcherApplication):
    """moto's WSGI app with /moto-api/sim/* answered here before moto routes the request."""

    def __call__(self, environ: Dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO", "").startswith("/moto-api/sim/"):
            return handle_sim_request(environ, start_response)
        return super().__call__(environ, start_response)


original_api_reset = MotoAPIBackend.reset


def reset_everything(self: MotoAPIBackend) -> None:
    """POST /moto-api/reset: moto drops every backend (our jobs live in them); we also drop run-time config."""
    with state_lock:
        original_api_reset(self)
        config.reset()


# --------------------------------------------------------------------------------------------------------------
# Wiring and lifetime
# --------------------------------------------------------------------------------------------------------------


# -- CloudWatch metrics over the JSON protocol -----------------------------------------------------------------
# @aws-sdk/client-cloudwatch (3.11xx) speaks awsJson1_0 (with awsQueryCompatible error codes); moto 5.1 knows
# CloudWatch only in the query protocol: it does not read a JSON body and answers in XML, which the JS SDK cannot
# parse. This flattens the JSON request into query parameters and turns moto's XML answer into the JSON the SDK
# expects, both by botocore's own shapes: timestamps as epoch seconds, lists as arrays, errors as
# {"__type", "message"}. Metrics stored with PutMetricData come back from GetMetricData as moto keeps them.

CLOUDWATCH_JSON = "application/x-amz-json-1.0"


def cloudwatch_json_answer(action: str, status: int, headers: Dict[str, str], body: str) -> Tuple[int, Dict[str, str], str]:
    import botocore.session
    import xmltodict

    out_headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    out_headers["Content-Type"] = CLOUDWATCH_JSON
    if status >= 400:
        try:
            error = xmltodict.parse(body)["ErrorResponse"]["Error"]
            code, message = error.get("Code", "InternalFailure"), error.get("Message", "")
        except Exception:
            code, message = "InternalFailure", body[:200]
        return status, {**out_headers, "x-amzn-query-error": f"{code};Sender"}, json.dumps({"__type": code, "message": message})
    model = botocore.session.get_session().get_service_model("cloudwatch")
    operation = model.operation_model(action)
    if operation.output_shape is None or not body.strip():
        return status, out_headers, "{}"
    parsed = xmltodict.parse(body).get(f"{action}Response", {}).get(f"{action}Result") or {}
    return status, out_headers, json.dumps(xml_value(parsed, operation.output_shape))


def xml_value(node: Any, shape: Any) -> Any:
    """The query protocol's XML (as xmltodict reads it) → the JSON protocol's values, by botocore's shapes:
    `member` lists as arrays, numbers and booleans typed, timestamps as epoch seconds."""
    kind = shape.type_name
    if kind == "structure":
        node = node or {}
        return {name: xml_value(node[name], member) for name, member in shape.members.items() if node.get(name) is not None}
    if kind == "list":
        items = (node or {}).get("member") if isinstance(node, dict) else None
        if items is None:
            return []
        return [xml_value(item, shape.member) for item in (items if isinstance(items, list) else [items])]
    if kind == "map":
        entries = (node or {}).get("entry") or []
        entries = entries if isinstance(entries, list) else [entries]
        return {entry["key"]: xml_value(entry["value"], shape.value) for entry in entries}
    if kind == "timestamp":
        from dateutil.parser import parse as parse_time

        return parse_time(node).timestamp()
    if kind in ("double", "float"):
        return float(node)
    if kind in ("integer", "long"):
        return int(node)
    if kind == "boolean":
        return str(node).lower() == "true"
    return node


def install_cloudwatch_json() -> None:
    from moto.cloudwatch.responses import CloudWatchResponse

    original = CloudWatchResponse.call_action

    def call_action(self: Any) -> Any:
        if CLOUDWATCH_JSON not in (self.headers.get("Content-Type") or ""):
            return original(self)
        # moto has no service spec for cloudwatch, so it did not flatten the JSON body: do it with botocore's.
        from moto.core.responses import AWSServiceSpec, flatten_json_request_body

        action = (self.headers.get("X-Amz-Target") or "").split(".")[-1]
        spec = AWSServiceSpec("data/cloudwatch/2010-08-01/service-2.json")
        flat = flatten_json_request_body("", json.loads(self.body or "{}"), spec.input_spec(action))
        self.querystring = {"Action": [action], **{key: [value] for key, value in flat.items()}}
        status, headers, body = original(self)
        return cloudwatch_json_answer(action, status, dict(headers), body if isinstance(body, str) else body.decode())

    CloudWatchResponse.call_action = call_action


def install() -> None:
    install_cloudwatch_json()
    if not moto.__version__.startswith(SUPPORTED_MOTO):
        warn(f"written for moto {SUPPORTED_MOTO}x, running on {moto.__version__}; the patched internals may have moved")
    SageMakerResponse.create_training_job = create_training_job
    SageMakerResponse.stop_training_job = stop_training_job
    SageMakerResponse.list_training_jobs = list_training_jobs
    SageMakerResponse.update_training_job = update_training_job
    SageMakerResponse.delete_training_job = delete_training_job
    SageMakerResponse.create_hyper_parameter_tuning_job = create_hyper_parameter_tuning_job
    SageMakerResponse.describe_hyper_parameter_tuning_job = describe_hyper_parameter_tuning_job
    SageMakerResponse.list_hyper_parameter_tuning_jobs = list_hyper_parameter_tuning_jobs
    SageMakerResponse.stop_hyper_parameter_tuning_job = stop_hyper_parameter_tuning_job
    SageMakerResponse.list_training_jobs_for_hyper_parameter_tuning_job = list_training_jobs_for_hyper_parameter_tuning_job
    SageMakerModelBackend.describe_training_job = describe_training_job
    for name in ("describe_log_groups", "describe_log_streams", "get_log_events", "filter_log_events"):
        setattr(LogsBackend, name, advancing(getattr(LogsBackend, name)))
    MotoAPIBackend.reset = reset_everything
    moto.server.DomainDispatcherApplication = SimulationDispatcher


def exit_later(reason: str, check: Any, interval: float) -> None:
    def watch() -> None:
        while not check():
            time.sleep(interval)
        try:
            warn(f"exiting: {reason}")
        except OSError:
            pass  # stderr was a pipe to the parent that just died
        os._exit(0)

    threading.Thread(target=watch, name="lifetime", daemon=True).start()


def guard_lifetime() -> None:
    """Test servers must never outlive their test run, even when the runner is killed with SIGKILL."""
    lifetime = env_float("SIM_MAX_LIFETIME_SECONDS", 3600)
    if lifetime > 0:
        deadline = time.monotonic() + lifetime
        exit_later(f"SIM_MAX_LIFETIME_SECONDS={lifetime:g} reached", lambda: time.monotonic() >= deadline, 1.0)
    if os.environ.get("SIM_EXIT_WITH_PARENT") == "1":
        parent = os.getppid()
        exit_later("the parent process is gone", lambda: os.getppid() != parent, 0.5)


def main() -> None:
    install()
    guard_lifetime()
    moto.server.main(sys.argv[1:])


if __name__ == "__main__":
    main()
