/**
 * Hyperparameters as SageMaker carries them, one owner for both directions.
 *
 * CreateTrainingJob.HyperParameters maps names to strings. The SageMaker Python SDK writes each
 * value as `json.dumps(value)` (estimator.py `EstimatorBase._json_encode_hyperparameters`); the
 * training toolkit reads each one back with `json.loads`, keeping the raw string when that fails
 * (sagemaker_training environment.py `read_hyperparameters`), which is what a value set by hand in
 * the console or by a tool that does not encode gets. Every reader here — the container contract,
 * the Training Jobs view, Clone as Job File, the model card — decodes through this module.
 *
 * Encoding a value the YAML of a job file denotes (where `1.0` must stay a float) works from the
 * parsed nodes: see `encodeJobFileValues` in ../training/pythonJson.ts, whose `json.dumps` this
 * module uses for plain values.
 */
import { parsePythonJson, pyDict, pyStr, pythonToJs } from '../contract/pythonValue';
import type { PyDict, PyValue } from '../contract/pythonValue';
import { pythonJsonDumpsValue } from '../training/pythonJson';

/** A hyperparameter value as YAML denotes it: encoded with Python's `json.dumps` when sent. */
export type HyperparameterValue = string | number | boolean | null | HyperparameterValue[] | { [key: string]: HyperparameterValue };

/**
 * `json.dumps(value)` with Python's defaults (`", "`/`": "` separators, `ensure_ascii`), as the SDK
 * sends a value: `5e-05`, `"samsum"` with its quotes, `true`, `[1, "a"]`. Integral numbers are ints.
 */
export function encodeHyperparameter(value: unknown): string {
  return pythonJsonDumpsValue(value);
}

/** One stored value as the toolkit reads it: `json.loads`, or the string itself when it is not JSON. */
export function decodeHyperparameter(encoded: string): PyValue {
  return parseHyperparameter(encoded) ?? pyStr(encoded);
}

/** `json.loads` of one stored value; undefined when it is not JSON (sent as is, not by the SDK). */
export function parseHyperparameter(encoded: string): PyValue | undefined {
  try {
    return parsePythonJson(encoded);
  } catch {
    return undefined;
  }
}

/** Every stored value decoded (TK `read_hyperparameters`), in SageMaker's order, as Python values. */
export function decodeHyperparameters(encoded: Readonly<Record<string, string>>): PyDict {
  return pyDict(Object.entries(encoded).map(([key, raw]) => [key, decodeHyperparameter(raw)] as const));
}

/**
 * The same as plain JavaScript values, for readers that show them (the model card): floats and
 * ints become numbers, ints beyond 2^53 their decimal text, NaN stays NaN.
 */
export function decodeHyperparameterValues(encoded: Readonly<Record<string, string>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(encoded)) out[key] = pythonToJs(decodeHyperparameter(raw));
  return out;
}

/** Keys the SDK adds to a job's hyperparameters (and the training toolkit reads), as opposed to the user's. */
export function isSdkHyperparameter(name: string): boolean {
  return name.startsWith('sagemaker_') || name === 'mp_parameters';
}
