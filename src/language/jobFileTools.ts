// The job-file validator and assist, loaded when a job file first needs them rather than at
// activation: with yaml, ajv and the schema they are the largest part of the main bundle, and most
// windows never open a job file (docs/PERFORMANCE.md, activation). esbuild.mjs turns every import of
// these modules into a stub that requires dist/jobFile.js; requiring the stub here, on first use,
// rather than importing it keeps that file from loading at activation.
import type * as Assist from '../core/jobFile/assist';
import type * as Validate from '../core/jobFile/validateJobFile';

let validateModule: typeof Validate | undefined;
let assistModule: typeof Assist | undefined;

export function validateJobFile(...args: Parameters<typeof Validate.validateJobFile>): ReturnType<typeof Validate.validateJobFile> {
  validateModule ??= require('../core/jobFile/validateJobFile') as typeof Validate;
  return validateModule.validateJobFile(...args);
}

export function completionsAt(...args: Parameters<typeof Assist.completionsAt>): ReturnType<typeof Assist.completionsAt> {
  assistModule ??= require('../core/jobFile/assist') as typeof Assist;
  return assistModule.completionsAt(...args);
}

export function hoverAt(...args: Parameters<typeof Assist.hoverAt>): ReturnType<typeof Assist.hoverAt> {
  assistModule ??= require('../core/jobFile/assist') as typeof Assist;
  return assistModule.hoverAt(...args);
}
