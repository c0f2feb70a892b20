import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { externalKeySecret } from '#cdk/constructs/external-key.ts';

export interface CivilRegistryProps {
  /** The customer-managed key that encrypts the key (the personal-data key). */
  key: IKey;
  /** Base URL of the registry's NIK verification API (https only). */
  endpoint: string;
}

/**
 * What the functions that call the civil registry (uses `registry`) are given: its
 * endpoint (REGISTRY_ENDPOINT) and one secret with the programme's key there,
 * `{"keyId": "...", "secret": "..."}` (REGISTRY_SECRET_ARN), read by
 * contexts/registry/https.ts. The key is issued by Dukcapil, so the secret is created with
 * a placeholder and its value put by operations (docs/runbook.md).
 */
export class CivilRegistry extends Construct {
  readonly secret: Secret;
  readonly endpoint: string;

  constructor(scope: Construct, id: string, props: CivilRegistryProps) {
    super(scope, id);
    if (!/^https:\/\/[^\s/]+/.test(props.endpoint))
      throw new Error('the civil registry needs an https:// endpoint (context prakerja:registryEndpoint)');
    this.endpoint = props.endpoint;
    this.secret = externalKeySecret(this, {
      description: "Prakerja: the programme's signing key at the civil registry (REGISTRY_SECRET_ARN)",
      key: props.key,
      whyNoRotation:
        'The key is issued by the civil registry and rotated with it; a Secrets Manager rotation Lambda cannot create keys there.',
    });
  }
}
