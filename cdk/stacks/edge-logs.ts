import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface EdgeLogsProps extends StackProps {
  /** The bucket's name: derived from the stage and account, so that the Jakarta stack can
   *  name it without a cross-Region reference. */
  bucketName: string;
}

/**
 * What must live in us-east-1: the bucket CloudFront writes the distributions' standard
 * logs to. CloudFront delivers no standard logs to a bucket in an opt-in Region such as
 * Jakarta (the first deploy there failed with "You don't have permission to access the S3
 * bucket for CloudFront logs"), and logging v2's delivery source must itself be created in
 * us-east-1 (docs/adr/0002-stacks.md).
 */
export class EdgeLogsStack extends Stack {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: EdgeLogsProps) {
    super(scope, id, { ...props, description: "Prakerja: CloudFront's standard logs (us-east-1)" });
    this.bucket = new Bucket(this, 'CloudFrontLogs', {
      bucketName: props.bucketName,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // CloudFront's standard logs are written with an ACL, and only SSE-S3 is supported.
      encryption: BucketEncryption.S3_MANAGED,
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds access logs: logging its own access would log the logging.',
    });
  }
}

/** The CloudFront log bucket's name for a stage in an account. */
export const cloudFrontLogBucketName = (stage: string, account: string) =>
  `prakerja-${stage}-cloudfront-logs-${account}`;
