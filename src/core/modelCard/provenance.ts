/**
 * What the saved files show about a model, so that the card claims no more than that:
 *
 * - descent: does the model in the folder derive from the model the hyperparameters name
 *   (`model_name_or_path`)? Only then is it "a fine-tuned version of" it with `base_model` set;
 * - loadability: can transformers load the folder (`from_pretrained`, `pipeline`)? Only then does the
 *   card declare `library_name: transformers`, a `pipeline_tag` and a usage snippet.
 */

import { isRecord } from '../isRecord';

export interface Descent {
  descends: boolean;
  /** Why, in words for the card: "config.json's model_type is extractive-turn-scorer". */
  reason: string;
}

/** Files `save_pretrained` writes for the weights (single file, sharded index, other frameworks). */
const WEIGHT_FILES: readonly string[] = [
  'model.safetensors',
  'model.safetensors.index.json',
  'pytorch_model.bin',
  'pytorch_model.bin.index.json',
  'tf_model.h5',
  'flax_model.msgpack',
];

/** Files a tokenizer (or, for images and audio, a processor) leaves; `from_pretrained` needs one of them. */
const PREPROCESSOR_FILES: readonly string[] = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'vocab.txt',
  'spiece.model',
  'sentencepiece.bpe.model',
  'tokenizer.model',
  'preprocessor_config.json',
  'processor_config.json',
];

/** Lower case without separators: `deberta-v2` and `DebertaV2…` compare equal, `gpt_neox` and `GPTNeoX…` too. */
function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** config.json written by transformers' `save_pretrained`: it records `transformers_version` and a `model_type`. */
export function transformersConfig(config: unknown): { modelType: string; version: string } | undefined {
  if (!isRecord(config)) return undefined;
  const modelType = text(config.model_type);
  const version = text(config.transformers_version);
  return modelType && version ? { modelType, version } : undefined;
}

/**
 * Whether the saved config shows descent from `baseModel`. Every piece of evidence config.json holds
 * must agree: it was saved by transformers (`transformers_version`, `model_type`); its first
 * architecture belongs to that model type (`BartForConditionalGeneration` for `bart`); and either
 * `_name_or_path` is the base model, or (when `_name_or_path` is absent or a local path) the base
 * model's name contains the model type (`facebook/bart-large-cnn` for `bart`). A `_name_or_path` that
 * names another Hub model is a contradiction.
 */
export function modelDescent(baseModel: string, config: unknown): Descent {
  if (!isRecord(config)) return { descends: false, reason: 'there is no config.json to show what the model is' };
  const saved = transformersConfig(config);
  const modelType = text(config.model_type);
  if (!saved) {
    return {
      descends: false,
      reason: modelType
        ? `config.json was not saved by transformers (no transformers_version) and its model_type is ${modelType}`
        : 'config.json was not saved by transformers (no transformers_version, no model_type)',
    };
  }
  const architecture = Array.isArray(config.architectures) ? text(config.architectures[0]) : undefined;
  if (architecture && !squash(architecture).startsWith(squash(saved.modelType))) {
    return { descends: false, reason: `config.json's architecture ${architecture} is not a ${saved.modelType} model` };
  }
  const nameOrPath = text(config._name_or_path);
  if (nameOrPath && nameOrPath.toLowerCase() === baseModel.toLowerCase()) {
    return { descends: true, reason: `config.json's _name_or_path is ${baseModel}` };
  }
  const localPath = nameOrPath !== undefined && (/^[./~]/.test(nameOrPath) || /^[A-Za-z]:[\\/]/.test(nameOrPath) || nameOrPath.split('/').length > 2);
  if (nameOrPath && !localPath) {
    return { descends: false, reason: `config.json's _name_or_path is ${nameOrPath}, not ${baseModel}` };
  }
  if (squash(baseModel).includes(squash(saved.modelType))) {
    return { descends: true, reason: `config.json's model_type ${saved.modelType} matches ${baseModel}` };
  }
  return { descends: false, reason: `config.json's model_type ${saved.modelType} does not match ${baseModel}` };
}

export interface Loadability {
  /** transformers' `from_pretrained` (and a `pipeline`) can load the folder. */
  loadable: boolean;
  /** What is missing, for the card; '' when loadable. */
  reason: string;
}

/**
 * Whether transformers can load the folder: config.json saved by transformers, a weights file, and a
 * tokenizer or processor. `fileNames` are the names in the model folder; without them nothing is
 * known, and nothing is claimed.
 */
export function transformersLoadability(config: unknown, fileNames: readonly string[] | undefined): Loadability {
  if (fileNames === undefined) return { loadable: false, reason: "the model folder's files were not listed" };
  const names = new Set(fileNames);
  const missing: string[] = [];
  const saved = transformersConfig(config);
  if (!isRecord(config)) missing.push('there is no config.json');
  else if (!saved) {
    const modelType = text(config.model_type);
    missing.push(`config.json was not saved by transformers${modelType ? ` (its model_type is ${modelType})` : ''}`);
  }
  if (!WEIGHT_FILES.some((f) => names.has(f))) missing.push('there is no weights file transformers reads (model.safetensors, pytorch_model.bin)');
  if (!PREPROCESSOR_FILES.some((f) => names.has(f))) missing.push('there are no tokenizer files (tokenizer.json, tokenizer_config.json)');
  return { loadable: missing.length === 0, reason: missing.join('; ') };
}
