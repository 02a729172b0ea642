/**
 * Context values of the Training Jobs view's rows, matched by regex in package.json menus:
 * `sagemaker:job:<origin>:<status>[:artifacts][:warmPool]` (`:warmPool`: an Available warm pool) for training
 * jobs (a tuning job's trials included), `sagemaker:tuning:<origin>:<status>[:best]` for tuning jobs (`:best`:
 * a best trial is known). Kept free of `vscode` so a unit test can check the manifest's `when` clauses against them.
 */
export type JobOrigin = 'cloud' | 'local';

export const ContextValue = {
  job: (status: string, origin: JobOrigin, hasArtifacts: boolean, warmPoolAvailable = false) =>
    `sagemaker:job:${origin}:${status}${hasArtifacts ? ':artifacts' : ''}${warmPoolAvailable ? ':warmPool' : ''}`,
  tuning: (status: string, origin: JobOrigin, hasBest: boolean) => `sagemaker:tuning:${origin}:${status}${hasBest ? ':best' : ''}`,
  loadMore: 'sagemaker:loadMore',
  message: 'sagemaker:message',
  detail: 'sagemaker:detail',
  group: 'sagemaker:group',
} as const;
