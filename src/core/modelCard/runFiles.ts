import { parsePythonJson, pythonToJs } from '../contract/pythonValue';

/**
 * The files of a model folder the card reads: what `Trainer.save_metrics` / `save_state` and
 * `save_pretrained` leave in `output_dir` (= /opt/ml/model, hence in model.tar.gz).
 */
export function isRunFile(name: string): boolean {
  return /^(train|eval|test|predict|all)_results\.json$/.test(name) || name === 'trainer_state.json' || name === 'config.json';
}

/**
 * Parses one of them. Python's `json.dump` writes `NaN` and `Infinity` for a diverged loss, which
 * `JSON.parse` rejects, so Python's rules are used (throws PythonJsonError on bad input).
 */
export function parseRunFile(text: string): unknown {
  return pythonToJs(parsePythonJson(text.replace(/^\ufeff/, '')));
}
