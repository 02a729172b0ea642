/**
 * Context values of the Training Jobs view's rows, matched by regex in package.json menus:
 * `sagemaker:job:<origin>:<status>[:artifacts]`. Kept free of `vscode` so a unit test can check
 * the manifest's `when` clauses against them.
 */
export type JobOrigin = 'cloud' | 'local';

export const ContextValue = {
  job: (status: string, origin: JobOrigin, hasArtifacts: boolean) => `sagemaker:job:${origin}:${status}${hasArtifacts ? ':artifacts' : ''}`,
  loadMore: 'sagemaker:loadMore',
  message: 'sagemaker:message',
  detail: 'sagemaker:detail',
  group: 'sagemaker:group',
} as const;
