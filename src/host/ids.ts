/** Every string key the manifest and the code share, declared once. */

export const EXTENSION_ID = 'sagemaker-hf.sagemaker-hf-trainer';

export const CommandId = {
  newJobFile: 'sagemakerHf.newJobFile',
  validateWorkspace: 'sagemakerHf.validateWorkspace',
  showExtensionLog: 'sagemakerHf.showExtensionLog',
  setHubToken: 'sagemakerHf.setHubToken',
  clearHubToken: 'sagemakerHf.clearHubToken',
} as const;
export type CommandId = (typeof CommandId)[keyof typeof CommandId];

export const Setting = {
  validationDelayMs: 'sagemakerHf.validation.delayMs',
  region: 'sagemakerHf.aws.region',
  profile: 'sagemakerHf.aws.profile',
  hubUrl: 'sagemakerHf.hub.endpoint',
} as const;
export type Setting = (typeof Setting)[keyof typeof Setting];

/** Files the extension treats as job files. */
export const JOB_FILE_GLOB = '**/*.sagemaker.{yaml,yml}';
export const JOB_FILE_PATTERN = /\.sagemaker\.ya?ml$/i;

export const DIAGNOSTIC_SOURCE = 'sagemaker-hf';
