import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * A secret holding keys an outside party issues (a payment partner, the civil registry):
 * created with a placeholder, its value put by operations (docs/runbook.md), kept when the
 * stack goes, and never rotated by a Lambda, which cannot create keys at the issuer.
 */
export function externalKeySecret(
  scope: Construct,
  props: { description: string; key: IKey; whyNoRotation: string },
): Secret {
  const secret = new Secret(scope, 'Credentials', {
    description: props.description,
    encryptionKey: props.key,
    removalPolicy: RemovalPolicy.RETAIN,
    generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'placeholder' },
  });
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: props.whyNoRotation });
  return secret;
}
