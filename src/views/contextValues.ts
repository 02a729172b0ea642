/**
 * Context values of the Training Jobs view's rows, matched by regex in package.json menus:
 * `sagemaker:job:<origin>:<status>[:artifacts][:warmPool]` (`:warmPool`: an Available warm pool). Kept free of `vscode` so a unit test can check
 * the manifest's `when` clauses against them.
 */
export type JobOrigin = 'cloud' | 'local';

export const ContextValue = {
  job: (status: string, origin: JobOrigin, hasArtifacts: boolean, warmPoolAvailable = false) =>
    `sagemaker:job:${origin}:${status}${hasArtifacts ? ':artifacts' : ''}${warmPoolAvailable ? ':warmPool' : ''}`,
  loadMore: 'sagemaker:loadMore',
  message: 'sagemaker:message',
  detail: 'sagemaker:detail',
  group: 'sagemaker:group',
} as const;
