/**
 * SageMaker Training Compiler: the job file's `compiler_config`, the HuggingFace estimator's
 * `TrainingCompilerConfig(enabled=True, debug=False)` (sagemaker/huggingface/training_compiler/config.py
 * and its base sagemaker/training_compiler/config.py, SDK v2.257.6).
 *
 * With it the SDK
 * - picks the Training Compiler image (../catalog/trainingCompilerImages.ts) instead of the Hugging
 *   Face training image;
 * - adds `sagemaker_training_compiler_enabled` and `sagemaker_training_compiler_debug_mode` to the
 *   hyperparameters, after the distribution's (HuggingFace.hyperparameters());
 * - refuses what `TrainingCompilerConfig.validate` refuses, and logs its warnings.
 *
 * `enabled: false` changes neither: the class defines Python 2's `__nonzero__`, not `__bool__`, so
 * under Python 3 the object is always true. The SDK still validates, still picks the compiler's image
 * and sends `sagemaker_training_compiler_enabled: false`, which the image's toolkit reads to leave
 * the compiler off. We do the same, and say so in a warning.
 *
 * Pure: the request builder and the validator call it.
 */
import type { TrainingPlanErrorCode } from '../training/trainingPlanError';
import { encodeHyperparameter } from './hyperparameters';
import { excerpt } from '../excerpt';

/** `TrainingCompilerConfig(**compiler_config)`. */
export interface CompilerConfigArg {
  enabled?: boolean;
  debug?: boolean;
}

/** The estimator arguments `validate` reads. */
export interface CompilerEstimatorArguments {
  compiler_config?: CompilerConfigArg;
  instance_type?: unknown;
  instance_count?: unknown;
  image_uri?: unknown;
  pytorch_version?: unknown;
  tensorflow_version?: unknown;
  distribution?: unknown;
  debugger_hook_config?: unknown;
  disable_profiler?: unknown;
  instance_groups?: unknown;
}

/** base config.py SUPPORTED_INSTANCE_CLASS_PREFIXES: the instance classes (the part after `ml.`) it runs on. */
export const TRAINING_COMPILER_INSTANCE_CLASSES: readonly string[] = ['p3', 'p3dn', 'g4dn', 'p4d', 'g5'];

export const HP_COMPILER_ENABLED = 'sagemaker_training_compiler_enabled';
export const HP_COMPILER_DEBUG = 'sagemaker_training_compiler_debug_mode';

export interface CompilerFinding {
  severity: 'error' | 'warning';
  code:
    TrainingPlanErrorCode | 'compiler.disabledStillCompiles' | 'compiler.localRun' | 'compiler.debuggerOverhead' | 'compiler.debugSlows' | 'compiler.multiNodeWithoutDistribution';
  message: string;
  path: readonly (string | number)[];
}

/** A `major.minor.patch` version as numbers, or undefined when it is not one (`Version()` would raise). */
function versionParts(v: unknown): number[] | undefined {
  if (typeof v !== 'string' || !/^\d+(\.\d+)*$/.test(v.trim())) return undefined;
  return v
    .trim()
    .split('.')
    .map((p) => Number(p));
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function isNonEmptyRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length > 0;
}

/**
 * What `TrainingCompilerConfig.validate` raises (errors, in its order) and logs (warnings), for a
 * job file with `compiler_config`; empty without it.
 */
export function trainingCompilerFindings(args: CompilerEstimatorArguments): CompilerFinding[] {
  const config = args.compiler_config;
  if (config === undefined || config === null || typeof config !== 'object') return [];
  const out: CompilerFinding[] = [];
  const classes = TRAINING_COMPILER_INSTANCE_CLASSES.join(', ');

  // Base validate: the instance class; local mode.
  const type = typeof args.instance_type === 'string' ? args.instance_type : undefined;
  if (type !== undefined && !type.includes('local')) {
    const cls = type.split('.')[1] ?? '';
    if (!TRAINING_COMPILER_INSTANCE_CLASSES.includes(cls)) {
      out.push({
        severity: 'error',
        code: 'compiler.instanceType',
        message: `SageMaker Training Compiler runs only on the instance classes ${classes}; ${excerpt(type)} is class ${excerpt(cls) || '(none)'}, and the SageMaker SDK refuses it ("Unsupported Instance class ${excerpt(cls)}"). Pick e.g. ml.g5.xlarge or ml.p3.2xlarge, or remove compiler_config.`,
        path: ['instance_type'],
      });
    }
  } else if (type === 'local') {
    out.push({
      severity: 'error',
      code: 'compiler.instanceType',
      message: `SageMaker Training Compiler has no local mode (instance_type local), and the SageMaker SDK refuses it; it runs only on the GPU instance classes ${classes}. Remove compiler_config to run locally.`,
      path: ['instance_type'],
    });
  }
  if (type === 'local_gpu') {
    out.push({
      severity: 'warning',
      code: 'compiler.localRun',
      message: 'A local run (local_gpu) runs the script with your Python, without SageMaker Training Compiler; the compiler runs only on SageMaker.',
      path: ['compiler_config'],
    });
  }
  const distribution = isNonEmptyRecord(args.distribution) ? args.distribution : undefined;
  if (distribution && 'smdistributed' in distribution) {
    out.push({
      severity: 'error',
      code: 'compiler.smdistributed',
      message:
        'SageMaker distributed training (distribution.smdistributed) does not work with SageMaker Training Compiler, and the SageMaker SDK refuses the two together. Remove distribution.smdistributed or compiler_config.',
      path: ['distribution', 'smdistributed'],
    });
  }
  const hook = args.debugger_hook_config;
  const hookOn = hook !== undefined && hook !== null && hook !== false && !(typeof hook === 'object' && Object.keys(hook).length === 0);
  if (hookOn || args.disable_profiler !== true) {
    out.push({
      severity: 'warning',
      code: 'compiler.debuggerOverhead',
      message:
        'Debugger and the profiler may make SageMaker Training Compiler recompile and slow the job down; the SageMaker SDK advises debugger_hook_config: false and disable_profiler: true with compiler_config.',
      path: ['compiler_config'],
    });
  }

  if (Array.isArray(args.instance_groups) && args.instance_groups.length > 0) {
    out.push({
      severity: 'error',
      code: 'compiler.instanceGroups',
      message: `SageMaker Training Compiler runs only on homogeneous clusters (one instance type, of the classes ${classes}), and the SageMaker SDK refuses instance_groups with it. Use instance_type and instance_count instead of instance_groups, or remove compiler_config.`,
      path: ['instance_groups'],
    });
  }

  // HuggingFace validate: PyTorch 1.9 to 1.11; no image_uri; pytorchxla for multi-node PyTorch 1.11.
  const pt = versionParts(args.pytorch_version);
  if (pt && (compare(pt, [1, 9]) < 0 || compare(pt, [1, 11]) > 0)) {
    out.push({
      severity: 'error',
      code: 'compiler.frameworkVersion',
      message: `SageMaker Training Compiler supports Hugging Face with PyTorch 1.9 to 1.11 only (got pytorch_version ${String(args.pytorch_version)}), and the SageMaker SDK refuses the rest. Use transformers_version 4.21.1 with pytorch_version 1.11.0, or remove compiler_config.`,
      path: ['pytorch_version'],
    });
  }
  if (typeof args.image_uri === 'string' && args.image_uri !== '') {
    out.push({
      severity: 'error',
      code: 'compiler.imageUri',
      message:
        "The SageMaker SDK does not let image_uri override SageMaker Training Compiler's image: set transformers_version with pytorch_version or tensorflow_version instead, and the compiler's image is picked for them.",
      path: ['image_uri'],
    });
  }
  if (distribution) {
    if (pt && compare(pt, [1, 11]) >= 0 && !('pytorchxla' in distribution)) {
      out.push({
        severity: 'error',
        code: 'compiler.distribution',
        message: `With SageMaker Training Compiler and PyTorch ${String(args.pytorch_version)} the only distribution the SageMaker SDK accepts is pytorchxla, which this extension does not support; it refuses distribution.${Object.keys(distribution)[0]}. Train on one instance without distribution, or remove compiler_config.`,
        path: ['distribution'],
      });
    }
  } else if (typeof args.instance_count === 'number' && args.instance_count > 1 && pt && compare(pt, [1, 11]) >= 0) {
    out.push({
      severity: 'warning',
      code: 'compiler.multiNodeWithoutDistribution',
      message: `With instance_count ${args.instance_count}, PyTorch 1.11 and no distribution, each instance trains on its own; SageMaker Training Compiler distributes only with pytorchxla, which this extension does not support.`,
      path: ['instance_count'],
    });
  }

  if (config.enabled === false) {
    out.push({
      severity: 'warning',
      code: 'compiler.disabledStillCompiles',
      message:
        "compiler_config with enabled: false still runs on SageMaker Training Compiler's image with its refusals, as the SageMaker SDK does (under Python 3 the config object is always true); the image's toolkit then leaves the compiler off. Remove compiler_config to run on the ordinary Hugging Face image.",
      path: ['compiler_config', 'enabled'],
    });
  } else if (config.debug === true) {
    out.push({
      severity: 'warning',
      code: 'compiler.debugSlows',
      message: 'compiler_config.debug writes detailed compilation logs to /opt/ml/output/data/compiler/ and may slow training down.',
      path: ['compiler_config', 'debug'],
    });
  }
  return out;
}

/** `_to_hyperparameter_dict`, json-encoded: added after the distribution's hyperparameters. */
export function trainingCompilerHyperparameters(config: CompilerConfigArg | undefined): Array<[string, string]> {
  if (config === undefined) return [];
  return [
    [HP_COMPILER_ENABLED, encodeHyperparameter(config.enabled ?? true)],
    [HP_COMPILER_DEBUG, encodeHyperparameter(config.debug ?? false)],
  ];
}

/** `compiler_config` back from a job's hyperparameters (Clone as Job File), with only what differs from the defaults. */
export function compilerConfigFromHyperparameters(hyperparameters: Record<string, string>): CompilerConfigArg | undefined {
  const enabled = hyperparameters[HP_COMPILER_ENABLED];
  const debug = hyperparameters[HP_COMPILER_DEBUG];
  if (enabled === undefined && debug === undefined) return undefined;
  const out: CompilerConfigArg = {};
  if (enabled === 'false') out.enabled = false;
  if (debug === 'true') out.debug = true;
  return out;
}
