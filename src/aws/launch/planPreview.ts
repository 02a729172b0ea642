/**
 * What `sagemaker-hf plan --json` prints and the editor's request preview shows: the exact request,
 * the uploads, and what the request alone does not say — where each `${env:NAME}` value goes, that
 * the request sent holds the values the preview does not, and the links that would carry files from
 * outside their folder into the upload, and the digest of the job file text it was planned from
 * (launch refuses a file whose text no longer has it). Names of variables only, never their values.
 */
import { describeCredentialFlow } from '../../core/jobFile/credentialFlows';
import type { CreateTrainingJobRequest } from '../../core/training/createTrainingJobRequest';
import type { CreateHyperParameterTuningJobRequest, NotSentUnderTuning } from '../../core/training/createTuningJobRequest';
import type { PlannedTrainingJob } from './planTrainingJob';

export interface PlanDocument {
  /** As planned: Environment values written `${env:NAME}` appear as written. Absent for a job file with `tuning:`. */
  createTrainingJob?: CreateTrainingJobRequest;
  /** A job file with `tuning:`: the tuning request, sent instead of CreateTrainingJob. */
  createHyperParameterTuningJob?: CreateHyperParameterTuningJobRequest;
  uploads: Array<{ from: string; to: string }>;
  /** Present when some value is written `${env:NAME}`: what launch sends instead of this request's text. */
  launchSends?: string;
  /** Each `${env:NAME}` and where its value goes. */
  credentials?: Array<{ flow: string; via: string }>;
  /** Links in the source that leave their folder: their targets are uploaded only when confirmed. */
  linksLeavingTheirFolder?: Array<{ link: string; in: string; target: string }>;
  /** Job-file settings the SDK's tuner leaves out of the tuning request (it sends them for a training job). */
  notSentUnderTuning?: NotSentUnderTuning[];
  /** SHA-256 (hex) of the job file text this was planned from (`sagemaker-hf launch --job-file-sha256`). */
  jobFileSha256: string;
}

export function planDocument(planned: PlannedTrainingJob): PlanDocument {
  const expanded = expandedEnvironmentNote(planned);
  const tuning = planned.tuning;
  return {
    ...(tuning ? { createHyperParameterTuningJob: tuning.createHyperParameterTuningJob } : { createTrainingJob: planned.plan.createTrainingJob }),
    uploads: planned.plan.uploads.map((u) => ({ from: u.git ? u.git.repo : u.from, to: u.to })),
    ...(expanded ? { launchSends: expanded } : {}),
    ...(planned.credentialFlows.length > 0 ? { credentials: planned.credentialFlows.map((f) => ({ flow: describeCredentialFlow(f), via: f.via })) } : {}),
    ...(planned.externalLinks.length > 0 ? { linksLeavingTheirFolder: planned.externalLinks.map((l) => ({ link: l.path, in: l.root, target: l.target })) } : {}),
    ...(tuning && tuning.notSent.length > 0 ? { notSentUnderTuning: tuning.notSent } : {}),
    jobFileSha256: planned.jobFileDigest,
  };
}

/** The request as JSON, for the editor's read-only preview document. */
export function planDocumentText(planned: PlannedTrainingJob): string {
  return `${JSON.stringify(planDocument(planned), null, 2)}\n`;
}

/** Says that (and which) Environment values the sent request holds instead of `${env:NAME}`; undefined when none. */
export function expandedEnvironmentNote(planned: PlannedTrainingJob): string | undefined {
  const names = planned.credentialFlows.filter((f) => f.key.startsWith('environment.')).map((f) => f.key.slice('environment.'.length));
  if (names.length === 0) return undefined;
  return `This request, except that Environment.${names.join(', Environment.')} ${names.length === 1 ? 'holds the value' : 'hold the values'} of the variable${names.length === 1 ? '' : 's'} named in \${env:…}, expanded at launch from the launching machine's environment (never shown here).`;
}
