import { isRecord } from '../isRecord';
import { metricLabel, validationLabel } from './results';

/**
 * Chart series from a Trainer's `trainer_state.json`, whose `log_history` is a list of records:
 * training logs `{loss, learning_rate, grad_norm?, epoch, step}` every `logging_steps`, evaluation
 * logs `{eval_loss, eval_rouge1, …, eval_runtime, epoch, step}`, and one closing summary
 * `{train_runtime, train_loss, total_flos, …}`.
 */
export interface CurvePoint {
  step: number;
  epoch?: number;
  value: number;
}

export interface TrainingCurve {
  /** The log key: `loss`, `learning_rate`, `eval_loss`, `eval_rouge1`, … */
  key: string;
  label: string;
  /** Which chart it belongs on: losses share one, the learning rate has its own, the rest are metrics. */
  axis: 'loss' | 'learning-rate' | 'metric';
  points: CurvePoint[];
}

/** Throughput and bookkeeping numbers a chart of the run has no use for. */
const NOT_A_CURVE = /^(step|epoch|total_flos|train_runtime|train_samples_per_second|train_steps_per_second|train_loss)$|_(runtime|samples_per_second|steps_per_second)$/;

/**
 * Series per logged key, points in step order (one point per step: a repeated step keeps the last
 * value), non-finite values dropped. Order: loss, eval_loss, learning_rate, then the other keys
 * alphabetically. The closing summary record (it has `train_runtime`) is skipped.
 */
export function trainingCurves(trainerState: unknown): TrainingCurve[] {
  const history = isRecord(trainerState) && Array.isArray(trainerState.log_history) ? trainerState.log_history : [];
  const byKey = new Map<string, Map<number, CurvePoint>>();
  for (const record of history) {
    if (!isRecord(record) || 'train_runtime' in record) continue;
    const step = record.step;
    if (typeof step !== 'number' || !Number.isFinite(step)) continue;
    const epoch = typeof record.epoch === 'number' && Number.isFinite(record.epoch) ? record.epoch : undefined;
    for (const [key, value] of Object.entries(record)) {
      if (NOT_A_CURVE.test(key) || typeof value !== 'number' || !Number.isFinite(value)) continue;
      let points = byKey.get(key);
      if (!points) byKey.set(key, (points = new Map()));
      points.set(step, { step, ...(epoch !== undefined ? { epoch } : {}), value });
    }
  }
  const rank = (key: string) => (key === 'loss' ? 0 : key === 'eval_loss' ? 1 : key === 'learning_rate' ? 2 : 3);
  return [...byKey.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, points]) => ({
      key,
      label: curveLabel(key),
      axis: key === 'learning_rate' ? 'learning-rate' : /(^|_)loss$/.test(key) ? 'loss' : 'metric',
      points: [...points.values()].sort((a, b) => a.step - b.step),
    }));
}

function curveLabel(key: string): string {
  if (key === 'loss') return 'Training loss';
  if (key === 'learning_rate') return 'Learning rate';
  if (key === 'grad_norm') return 'Gradient norm';
  if (key.startsWith('eval_')) return validationLabel(key.slice(5));
  return metricLabel(key);
}
