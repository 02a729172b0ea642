/**
 * What New Job File writes: a commented job file whose entry point exists, so the file opens with no
 * problems. The entry point is the folder's train.py, else a training script already there, else a
 * starter train.py written beside the job file (never over an existing file).
 */

/** Scripts that are not a training entry point, whatever else the folder has. */
const NOT_AN_ENTRY_POINT = /^(setup|conftest|__init__|__main__|noxfile|fabfile)\.py$|^test_.*\.py$|_test\.py$/;

/** Earlier is likelier to be the training script. */
const LIKELY = [/^train\.py$/, /^train[\w.-]*\.py$/, /^run_[\w.-]*\.py$/, /train/i, /^main\.py$/];

export interface EntryPointChoice {
  /** The entry_point the job file names (a file at the top of source_dir, which is the folder). */
  entryPoint: string;
  /** Whether the starter script must be written as `entryPoint` (the folder has no script to name). */
  create: boolean;
}

/**
 * The entry point for a job file in a folder whose top-level files are `fileNames`: train.py if there,
 * else the likeliest training script there, else a new train.py.
 */
export function chooseEntryPoint(fileNames: readonly string[]): EntryPointChoice {
  const scripts = fileNames.filter((f) => f.endsWith('.py') && !NOT_AN_ENTRY_POINT.test(f)).sort();
  for (const pattern of LIKELY) {
    const found = scripts.find((f) => pattern.test(f));
    if (found) return { entryPoint: found, create: false };
  }
  if (scripts.length > 0) return { entryPoint: scripts[0]!, create: false };
  return { entryPoint: 'train.py', create: true };
}

/** YAML text for a file name: plain when it reads back as itself, else double-quoted. */
function yamlText(name: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(name) ? name : JSON.stringify(name);
}

export function jobFileTemplate(entryPoint: string): string {
  return `# A SageMaker training job for a Hugging Face script. Keys are the HuggingFace estimator's
# keyword arguments; hover a key for its documentation, Ctrl+Space for completion.
entry_point: ${yamlText(entryPoint)}
source_dir: .

instance_type: ml.g5.2xlarge
instance_count: 1

transformers_version: "4.56.2"
pytorch_version: "2.8.0"
py_version: py312

# An IAM role SageMaker can assume: its ARN, or its bare name.
role: SageMakerRole

# Each reaches the script as --name value (and all of them as JSON in SM_HPS).
hyperparameters:
  model_name_or_path: facebook/bart-large-cnn
  dataset_name: your-dataset
  num_train_epochs: 3
  learning_rate: 5e-5
  do_train: true
  do_eval: true
  output_dir: /opt/ml/model
`;
}

/**
 * The starter entry point: it reads what SageMaker gives a training script (the SM_* environment and
 * the hyperparameters, as arguments and as SM_HPS) and writes what it was given to SM_MODEL_DIR. It
 * says plainly that it trains nothing; Python's standard library only, so Run Locally works at once.
 */
export const STARTER_SCRIPT = `#!/usr/bin/env python3
"""Starter entry point written by "SageMaker HF: New Job File".

It trains nothing yet. It shows what SageMaker hands a training script, and where the script's
results go, so the job file can be run (Run Locally, or Launch) before the real training code exists:

- hyperparameters arrive as command-line arguments (--learning_rate 5e-05 ...) and, all together,
  as JSON in the SM_HPS environment variable;
- SM_CHANNEL_<NAME> is the folder of each input channel (SM_CHANNEL_TRAIN for a channel "train");
- whatever is written to SM_MODEL_DIR becomes the job's model.tar.gz;
- SM_OUTPUT_DATA_DIR is for other outputs (output.tar.gz).

Replace main() with your training, e.g. transformers' Trainer with output_dir=SM_MODEL_DIR.
"""

import argparse
import json
import os


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model_name_or_path", type=str)
    parser.add_argument("--dataset_name", type=str)
    parser.add_argument("--num_train_epochs", type=float, default=3)
    parser.add_argument("--learning_rate", type=float, default=5e-5)
    # SageMaker passes booleans as the text True or False.
    parser.add_argument("--do_train", type=lambda v: v.lower() == "true", default=False)
    parser.add_argument("--do_eval", type=lambda v: v.lower() == "true", default=False)
    parser.add_argument("--output_dir", type=str)
    # Hyperparameters added to the job file later arrive too; keep them rather than fail.
    args, unknown = parser.parse_known_args()
    return args, unknown


def main():
    args, unknown = parse_args()
    model_dir = os.environ.get("SM_MODEL_DIR", "model")
    channels = {
        name[len("SM_CHANNEL_"):].lower(): path for name, path in os.environ.items() if name.startswith("SM_CHANNEL_")
    }
    print(f"hyperparameters: {json.loads(os.environ.get('SM_HPS', '{}'))}")
    print(f"parsed arguments: {vars(args)}; not parsed: {unknown}")
    print(f"input channels: {channels or 'none'}")
    print(f"hosts: {os.environ.get('SM_HOSTS', '[]')}, this one: {os.environ.get('SM_CURRENT_HOST', 'unknown')}")
    print("This starter script trains nothing: replace main() in train.py with your training.")

    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "run_arguments.json"), "w", encoding="utf-8") as f:
        json.dump({"arguments": vars(args), "not_parsed": unknown, "channels": channels}, f, indent=2)
    print(f"wrote {os.path.join(model_dir, 'run_arguments.json')}")


if __name__ == "__main__":
    main()
`;
