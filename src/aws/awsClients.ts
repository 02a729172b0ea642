import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { PricingClient } from '@aws-sdk/client-pricing';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import type { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** Endpoint overrides per service: LocalStack, moto, VPC endpoints. */
export interface AwsEndpoints {
  sagemaker?: string;
  s3?: string;
  logs?: string;
  /** CloudWatch metrics (the job dashboard's instance and metric_definitions series). */
  cloudwatch?: string;
  sts?: string;
  iam?: string;
  serviceQuotas?: string;
  pricing?: string;
}

export interface AwsConnection {
  /** Explicit region; otherwise the SDK's chain (AWS_REGION, the profile's region). */
  region?: string;
  /** Named profile; otherwise the default credential chain. */
  profile?: string;
  endpoints?: AwsEndpoints;
  /** Path-style S3 URLs, needed by emulators on 127.0.0.1. Defaults to true when an S3 endpoint is set. */
  forcePathStyle?: boolean;
  /** Credentials to use instead of the chain (tests); never stored. */
  credentials?: AwsCredentialIdentityProvider | { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Retry attempts for every client (the SDK default is 3; CloudWatch Logs tailing wants more under throttling). */
  maxAttempts?: number;
}

/**
 * The AWS clients, each created on first use (the SDKs are loaded only then, which keeps the
 * extension's activation cheap) and reused after. Credentials come from the standard provider
 * chain — environment, shared config and credentials files, SSO, process credentials, instance
 * metadata — or a named profile; this code never stores them.
 */
export class AwsClients {
  private readonly cache = new Map<string, unknown>();

  constructor(readonly connection: AwsConnection = {}) {}

  /** Reads AWS_ENDPOINT_URL_<SERVICE> (and AWS_ENDPOINT_URL) as the AWS CLI and SDKs define them. */
  static endpointsFromEnv(env: NodeJS.ProcessEnv): AwsEndpoints {
    const all = env['AWS_ENDPOINT_URL'];
    const pick = (name: string) => env[`AWS_ENDPOINT_URL_${name}`] ?? all;
    const endpoints: AwsEndpoints = {};
    const set = (k: keyof AwsEndpoints, v: string | undefined) => {
      if (v) endpoints[k] = v;
    };
    set('sagemaker', pick('SAGEMAKER'));
    set('s3', pick('S3'));
    set('logs', pick('CLOUDWATCH_LOGS'));
    set('cloudwatch', pick('CLOUDWATCH'));
    set('sts', pick('STS'));
    set('iam', pick('IAM'));
    set('serviceQuotas', pick('SERVICE_QUOTAS'));
    set('pricing', pick('PRICING'));
    return endpoints;
  }

  private config(service: keyof AwsEndpoints): Record<string, unknown> {
    const c = this.connection;
    const endpoint = c.endpoints?.[service];
    const cfg: Record<string, unknown> = {};
    if (c.region) cfg['region'] = c.region;
    if (endpoint) cfg['endpoint'] = endpoint;
    if (c.maxAttempts) cfg['maxAttempts'] = c.maxAttempts;
    if (c.credentials) {
      cfg['credentials'] = c.credentials;
    } else if (c.profile) {
      const { fromNodeProviderChain } = require('@aws-sdk/credential-providers') as typeof import('@aws-sdk/credential-providers');
      cfg['credentials'] = fromNodeProviderChain({ profile: c.profile });
    }
    if (c.profile) cfg['profile'] = c.profile;
    return cfg;
  }

  private client<T>(key: string, make: () => T): T {
    let c = this.cache.get(key) as T | undefined;
    if (!c) {
      c = make();
      this.cache.set(key, c);
    }
    return c;
  }

  sagemaker(): SageMakerClient {
    return this.client('sagemaker', () => {
      const { SageMakerClient } = require('@aws-sdk/client-sagemaker') as typeof import('@aws-sdk/client-sagemaker');
      return new SageMakerClient(this.config('sagemaker'));
    });
  }

  s3(): S3Client {
    return this.client('s3', () => {
      const { S3Client } = require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3');
      const forcePathStyle = this.connection.forcePathStyle ?? this.connection.endpoints?.s3 !== undefined;
      return new S3Client({ ...this.config('s3'), forcePathStyle });
    });
  }

  logs(): CloudWatchLogsClient {
    return this.client('logs', () => {
      const { CloudWatchLogsClient } = require('@aws-sdk/client-cloudwatch-logs') as typeof import('@aws-sdk/client-cloudwatch-logs');
      return new CloudWatchLogsClient(this.config('logs'));
    });
  }

  cloudwatch(): CloudWatchClient {
    return this.client('cloudwatch', () => {
      const { CloudWatchClient } = require('@aws-sdk/client-cloudwatch') as typeof import('@aws-sdk/client-cloudwatch');
      return new CloudWatchClient(this.config('cloudwatch'));
    });
  }

  sts(): STSClient {
    return this.client('sts', () => {
      const { STSClient } = require('@aws-sdk/client-sts') as typeof import('@aws-sdk/client-sts');
      return new STSClient(this.config('sts'));
    });
  }

  iam(): IAMClient {
    return this.client('iam', () => {
      const { IAMClient } = require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam');
      return new IAMClient(this.config('iam'));
    });
  }

  serviceQuotas(): ServiceQuotasClient {
    return this.client('serviceQuotas', () => {
      const { ServiceQuotasClient } = require('@aws-sdk/client-service-quotas') as typeof import('@aws-sdk/client-service-quotas');
      return new ServiceQuotasClient(this.config('serviceQuotas'));
    });
  }

  pricing(): PricingClient {
    return this.client('pricing', () => {
      const { PricingClient } = require('@aws-sdk/client-pricing') as typeof import('@aws-sdk/client-pricing');
      // The Price List API answers in us-east-1 (and a few others) only, whatever the job's region.
      return new PricingClient({ ...this.config('pricing'), region: 'us-east-1' });
    });
  }

  /** The region the clients use: explicit, or what the SDK's chain resolves (env, profile). */
  async region(): Promise<string> {
    if (this.connection.region) return this.connection.region;
    const region = await this.sts().config.region();
    // The SDK's own words, so that awsErrors.isNoRegion knows it and each surface says how to set one.
    if (!region) throw new Error('Region is missing');
    return region;
  }

  /** Every client's sockets closed; for tests and the CLI's exit. */
  destroy(): void {
    for (const c of this.cache.values()) (c as { destroy?: () => void }).destroy?.();
    this.cache.clear();
  }
}
