import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/**
 * The customer-managed key for personal data (the table and the key material are both
 * encrypted with it) and the key material that platform/secrets.ts reads:
 * `{jwtKey, lookupKey, dataKey}`, each 32 random bytes in base64.
 *
 * CloudFormation generates only one field per secret, so each key is generated in a
 * secret of its own and the secret the functions read is assembled from them with
 * dynamic references: no value ever appears in the template.
 *
 * Rotation: the KMS key rotates its backing key yearly (automatic, transparent). The
 * key material does not rotate automatically: a new lookupKey means re-hashing every
 * NIK/KK marker and a new dataKey means re-encrypting every profile, so both are
 * rotated by a migration, not by a Secrets Manager rotation Lambda; a new jwtKey only
 * signs everyone out (tokens live one hour) and can be rotated by replacing JwtKey.
 */
export class Keys extends Construct {
  readonly key: Key;
  readonly secret: Secret;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.key = new Key(this, 'PersonalDataKey', {
      description: 'Prakerja personal data: the table and the key material',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const generated = (name: string) =>
      new Secret(this, name, {
        description: `Prakerja ${name}: source of one field of KeyMaterial`,
        encryptionKey: this.key,
        removalPolicy: RemovalPolicy.RETAIN,
        // 43 base64 characters decode to exactly 32 bytes, the AES-256 / HS256 key size;
        // without punctuation the alphabet is base64's minus `+` and `/`.
        generateSecretString: { passwordLength: 43, excludePunctuation: true, includeSpace: false },
      });
    const parts = [generated('JwtKey'), generated('LookupKey'), generated('DataKey')];
    this.secret = new Secret(this, 'KeyMaterial', {
      description: 'Prakerja key material read by the functions (SECRETS_ARN)',
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      secretObjectValue: {
        jwtKey: parts[0]!.secretValue,
        lookupKey: parts[1]!.secretValue,
        dataKey: parts[2]!.secretValue,
      },
    });
    for (const secret of [...parts, this.secret]) {
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Key material that keys or encrypts stored data: rotating it is a data migration ' +
          '(re-hash NIK/KK markers, re-encrypt profiles), see the rotation note in cdk/constructs/keys.ts.',
      });
    }
  }
}
