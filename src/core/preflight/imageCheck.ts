/**
 * Is the job's training image published in its region? Answered from the image catalog (the
 * SageMaker SDK's own table of Hugging Face DLC registries per region), not from ECR: asking ECR
 * DescribeImages about AWS's DLC repositories needs permissions on an AWS-owned account that
 * users rarely have, so a call would mostly report "access denied" and prove nothing.
 */
import { parseImageUri, resolveTrainingImage } from '../catalog/huggingfaceImages';
import { resolveTrainingCompilerImage } from '../catalog/trainingCompilerImages';
import type { JobSpec } from '../jobFile/jobSpec';
import type { CheckItem } from './checklist';

const NOT_ASKED_ECR = 'Not confirmed with ECR: DescribeImages on the AWS registry needs cross-account permissions users rarely have.';
const ECR_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//;

export function checkTrainingImage(spec: JobSpec, region: string): CheckItem {
  const base = { id: 'image', kind: 'image' as const, title: 'Training image' };
  const imageUri = typeof spec.image_uri === 'string' ? spec.image_uri.trim() : '';
  if (imageUri) {
    const parsed = parseImageUri(imageUri);
    const imageRegion = parsed?.region ?? ECR_URI.exec(imageUri)?.[2];
    if (imageRegion && imageRegion !== region) {
      const sameImageHere = parsed
        ? resolveTrainingImage(
            parsed.baseFramework === 'pytorch'
              ? { transformersVersion: parsed.transformersVersion, pytorchVersion: parsed.baseVersion, pyVersion: parsed.pyVersion }
              : { transformersVersion: parsed.transformersVersion, tensorflowVersion: parsed.baseVersion, pyVersion: parsed.pyVersion },
            region,
          )
        : undefined;
      return {
        ...base,
        status: 'failed',
        blocking: true,
        detail: `image_uri is in the ECR registry of ${imageRegion}, the job runs in ${region}: SageMaker pulls training images from the job's region.`,
        nextStep: sameImageHere?.ok
          ? { action: `Use the same image from ${region}: image_uri: ${sameImageHere.uri} (or drop image_uri and keep the versions).` }
          : { action: `Push the image to ECR in ${region}, or run the job in ${imageRegion}.` },
      };
    }
    if (parsed?.inCatalog) {
      return { ...base, status: 'passed', blocking: true, detail: `${imageUri} is a Hugging Face DLC the catalog lists for ${region}. ${NOT_ASKED_ECR}` };
    }
    if (parsed) {
      return {
        ...base,
        status: 'unknown',
        blocking: false,
        detail: `${imageUri} looks like a Hugging Face DLC, but the catalog does not list this tag; it was not checked. ${NOT_ASKED_ECR}`,
      };
    }
    if (imageRegion) {
      return {
        ...base,
        status: 'unknown',
        blocking: false,
        detail: `${imageUri} is a custom ECR image; whether it exists was not checked (SageMaker's role needs ecr:BatchGetImage on it).`,
      };
    }
    return {
      ...base,
      status: 'unknown',
      blocking: false,
      detail: `${imageUri} is not an Amazon ECR image: SageMaker training pulls from ECR in the job's region (or a private registry reached through a VPC).`,
    };
  }

  const versions = {
    transformersVersion: typeof spec.transformers_version === 'string' ? spec.transformers_version : '',
    ...(typeof spec.pytorch_version === 'string' ? { pytorchVersion: spec.pytorch_version } : {}),
    ...(typeof spec.tensorflow_version === 'string' ? { tensorflowVersion: spec.tensorflow_version } : {}),
    ...(typeof spec.py_version === 'string' ? { pyVersion: spec.py_version } : {}),
  };
  // compiler_config: the SDK picks SageMaker Training Compiler's image from its own table.
  const resolved =
    typeof spec.compiler_config === 'object' && spec.compiler_config !== null ? resolveTrainingCompilerImage(versions, region) : resolveTrainingImage(versions, region);
  if (resolved.ok) {
    return { ...base, status: 'passed', blocking: true, detail: `${resolved.uri} is published in ${region} according to the SageMaker SDK's image catalog. ${NOT_ASKED_ECR}` };
  }
  // For a region, nearby ones first (same geography prefix): the data and the users are likely there.
  const geography = region.split('-')[0];
  const ordered =
    resolved.field === 'region' ? [...resolved.suggestions].sort((a, b) => Number(b.split('-')[0] === geography) - Number(a.split('-')[0] === geography)) : resolved.suggestions;
  const suggestions = ordered.slice(0, 8);
  return {
    ...base,
    status: 'failed',
    blocking: true,
    detail: `No Hugging Face training image: ${resolved.message}.`,
    nextStep: {
      action:
        resolved.field === 'region'
          ? `Run the job in a region that has the image${suggestions.length > 0 ? ` (${suggestions.join(', ')}${resolved.suggestions.length > suggestions.length ? ', …' : ''})` : ''}, or choose versions published in ${region}.`
          : `Fix ${resolved.field}${suggestions.length > 0 ? ` (e.g. ${suggestions.slice(0, 3).join(', ')})` : ''}; \`sagemaker-hf validate\` shows where.`,
    },
  };
}
