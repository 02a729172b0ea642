/**
 * Every string key the extension shares with VS Code, declared once: command ids, context keys, settings,
 * views, the webview type, the status bar item, and the keys of what it stores (SecretStorage,
 * workspaceState). The VS Code side spells no `sagemakerHf.` key anywhere else, and the adapters' messages
 * name only settings declared here (test/unit/composition.test.ts).
 */

export const EXTENSION_ID = 'sagemaker-hf.sagemaker-hf-trainer';

export const CommandId = {
  newJobFile: 'sagemakerHf.newJobFile',
  createQuickstart: 'sagemakerHf.createQuickstart',
  validateWorkspace: 'sagemakerHf.validateWorkspace',
  showExtensionLog: 'sagemakerHf.showExtensionLog',
  setHubToken: 'sagemakerHf.setHubToken',
  clearHubToken: 'sagemakerHf.clearHubToken',
  refreshJobs: 'sagemakerHf.refreshJobs',
  loadMoreJobs: 'sagemakerHf.loadMoreJobs',
  filterJobsByStatus: 'sagemakerHf.filterJobsByStatus',
  filterJobsByName: 'sagemakerHf.filterJobsByName',
  clearJobFilter: 'sagemakerHf.clearJobFilter',
  showJobLogs: 'sagemakerHf.showJobLogs',
  stopTailing: 'sagemakerHf.stopTailing',
  stopJob: 'sagemakerHf.stopJob',
  describeJob: 'sagemakerHf.describeJob',
  cloneJobFile: 'sagemakerHf.cloneJobFile',
  copyJobName: 'sagemakerHf.copyJobName',
  copyJobArn: 'sagemakerHf.copyJobArn',
  openJobInConsole: 'sagemakerHf.openJobInConsole',
  focusJobs: 'sagemakerHf.focusJobs',
  openModelCard: 'sagemakerHf.openModelCard',
  launchTraining: 'sagemakerHf.launchTraining',
  previewRequest: 'sagemakerHf.previewRequest',
  runLocally: 'sagemakerHf.runLocally',
  downloadModel: 'sagemakerHf.downloadModel',
  checkSetup: 'sagemakerHf.checkSetup',
  showDiagnosis: 'sagemakerHf.showDiagnosis',
  openJobTerminal: 'sagemakerHf.openJobTerminal',
  openDashboard: 'sagemakerHf.openDashboard',
  cleanUp: 'sagemakerHf.cleanUp',
  releaseWarmPool: 'sagemakerHf.releaseWarmPool',
  relaunchInWarmPool: 'sagemakerHf.relaunchInWarmPool',
  stopTuningJob: 'sagemakerHf.stopTuningJob',
  cloneBestTrial: 'sagemakerHf.cloneBestTrial',
  compareRuns: 'sagemakerHf.compareRuns',
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

/**
 * Context keys the walkthrough's steps complete on (package.json, contributes.walkthroughs): each is set
 * once the step's action has happened, not when its command starts. A step marked done moves the
 * walkthrough's focus, which would take the keyboard from the input box or pick the command just opened.
 */
export const WalkthroughDone = {
  quickstart: 'sagemakerHf.walkthrough.quickstartCreated',
  localRun: 'sagemakerHf.walkthrough.localRunStarted',
  jobFile: 'sagemakerHf.walkthrough.jobFileCreated',
  setupChecked: 'sagemakerHf.walkthrough.setupChecked',
  launched: 'sagemakerHf.walkthrough.jobLaunched',
  modelCard: 'sagemakerHf.walkthrough.modelCardOpened',
} as const;
export type WalkthroughDone = (typeof WalkthroughDone)[keyof typeof WalkthroughDone];

export const Setting = {
  validationDelayMs: 'sagemakerHf.validation.delayMs',
  region: 'sagemakerHf.aws.region',
  profile: 'sagemakerHf.aws.profile',
  hubUrl: 'sagemakerHf.hub.endpoint',
  hubUploadTransfer: 'sagemakerHf.hub.uploadTransfer',
  endpoints: 'sagemakerHf.aws.endpoints',
  jobsPageSize: 'sagemakerHf.jobs.pageSize',
  jobsRefreshSeconds: 'sagemakerHf.jobs.refreshIntervalSeconds',
  logsHistoryLines: 'sagemakerHf.logs.historyLines',
  showLaunchPreview: 'sagemakerHf.launch.showPreview',
  localRoot: 'sagemakerHf.local.root',
  localInterpreter: 'sagemakerHf.local.pythonInterpreter',
  localInstallRequirements: 'sagemakerHf.local.installRequirements',
  inferenceEndpointUrl: 'sagemakerHf.inference.endpointUrl',
} as const;
export type Setting = (typeof Setting)[keyof typeof Setting];

/** Files the extension treats as job files. */
export const JOB_FILE_GLOB = '**/*.sagemaker.{yaml,yml}';
export const JOB_FILE_PATTERN = /\.sagemaker\.ya?ml$/i;
/** Where workspace searches for job files do not look: installed packages and local runs' copies of the source. */
export const JOB_FILE_SEARCH_EXCLUDE = '{**/node_modules/**,**/.sagemaker-local/**}';

export const DIAGNOSTIC_SOURCE = 'sagemaker-hf';

export const ViewId = {
  trainingJobs: 'sagemakerHf.trainingJobs',
} as const;
export type ViewId = (typeof ViewId)[keyof typeof ViewId];

/** The command VS Code contributes for each view, which reveals and focuses it. */
export function focusViewCommand(view: ViewId): string {
  return `${view}.focus`;
}

/** The webview panel types (package.json: activationEvents `onWebviewPanel:`). */
export const WebviewType = {
  modelCard: 'sagemakerHf.modelCard',
  jobDashboard: 'sagemakerHf.jobDashboard',
  runComparison: 'sagemakerHf.runComparison',
} as const;

/** Status bar items, by id (the e2e journey finds the running-jobs item by it). */
export const StatusBarId = {
  runningJobs: 'sagemakerHf.runningJobs',
} as const;

/** Keys of what the extension stores through VS Code. */
export const StorageKey = {
  /** SecretStorage: the Hugging Face token. */
  hubToken: 'sagemakerHf.huggingFaceToken',
  /** workspaceState: per model folder, the job it came from and the repository it was last pushed to. */
  modelCardFolders: 'sagemakerHf.modelCard.folders',
} as const;
