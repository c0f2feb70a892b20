import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AssetHashType, type CfnElement, DockerImage, Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  type HeadersFrameOption,
  type HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  contentSecurityPolicy,
  WEB_CACHE_CONTROL,
  WEB_SECURITY_HEADERS,
} from '#platform/http/web-headers.ts';

export interface WebProps {
  /** The API's origin (`https://<id>.execute-api.<region>.<suffix>`): the CSP's connect-src. */
  apiOrigin: string;
  /** The API's base URL (with the stage), written to /config.json for the pages. */
  apiUrl: string;
  /** The us-east-1 bucket CloudFront writes its standard logs to (cdk/stacks/edge-logs.ts):
   *  CloudFront delivers none to a bucket in an opt-in Region such as Jakarta. */
  cloudFrontLogBucket: string;
}

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** The console's own origin, as the local stack's console listener (local/web.ts): the
 *  console's page at `/` (S3 REST origins have no directory index), old `/admin/` links
 *  moved there, its assets and config, and nothing of the citizens' pages. Paths are
 *  compared decoded, as S3 decodes them (`/%61dmin/` is `/admin/`). */
export const CONSOLE_INDEX_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri;
  try { uri = decodeURIComponent(request.uri); } catch (e) { return { statusCode: 400, statusDescription: 'Bad Request' }; }
  if (uri === '/') { request.uri = '/admin/index.html'; return request; }
  if (uri === '/admin' || uri === '/admin/' || uri === '/admin/index.html')
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/' } } };
  if (uri === '/config.json' || (uri.indexOf('/assets/') === 0 && uri.indexOf('..') < 0)) return request;
  return { statusCode: 404, statusDescription: 'Not Found' };
}`;

/** The citizens' origin does not serve the console: its session must not share their
 *  origin's sessionStorage, nor their pages' scripts (compared decoded, as S3 decodes). */
export const CITIZENS_REQUEST_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri;
  try { uri = decodeURIComponent(request.uri); } catch (e) { return { statusCode: 400, statusDescription: 'Bad Request' }; }
  if (uri === '/admin' || uri.indexOf('/admin/') === 0 || uri.indexOf('..') >= 0)
    return { statusCode: 404, statusDescription: 'Not Found' };
  return request;
}`;

/**
 * The web front end (web/, built by Vite) in a private bucket behind CloudFront, which
 * reaches it through Origin Access Control only, answers HTTPS only (HTTP/2 and 3), and
 * adds the security headers of platform/http/web-headers.ts (the local stack's static
 * server sends the same). Hashed `assets/*` are cached for a year; the HTML and
 * `/config.json` (the API's URL) revalidate on every load.
 */
export class Web extends Construct {
  readonly bucket: Bucket;
  /** The citizens' pages. */
  readonly distribution: Distribution;
  /** The administrators' console, on an origin of its own. */
  readonly console: Distribution;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    // The site bucket's server access logs (S3 logs to a bucket in its own Region).
    const logs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the access logs: logging its own access would log the logging.',
    });
    // Not versioned: every object is rebuilt from the repository at each deploy, and old
    // hashed assets are kept (no prune) for pages loaded before a deploy.
    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/',
    });

    const hsts = WEB_SECURITY_HEADERS.strictTransportSecurity;
    if (WEB_SECURITY_HEADERS.contentTypeOptions !== 'nosniff')
      throw new Error('CloudFront sends only nosniff');
    const headers = new ResponseHeadersPolicy(this, 'Headers', {
      comment: 'Prakerja web: platform/http/web-headers.ts',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy(props.apiOrigin),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(hsts.maxAgeSeconds),
          includeSubdomains: hsts.includeSubdomains,
          preload: hsts.preload,
          override: true,
        },
        frameOptions: {
          frameOption: WEB_SECURITY_HEADERS.frameOptions as HeadersFrameOption,
          override: true,
        },
        contentTypeOptions: { override: true },
        referrerPolicy: {
          referrerPolicy: WEB_SECURITY_HEADERS.referrerPolicy as HeadersReferrerPolicy,
          override: true,
        },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'permissions-policy', value: WEB_SECURITY_HEADERS.permissionsPolicy, override: true },
        ],
      },
    });
    const cloudFrontLogs = Bucket.fromBucketAttributes(this, 'CloudFrontLogs', {
      bucketName: props.cloudFrontLogBucket,
      region: 'us-east-1',
    });
    const distribution = (name: string, comment: string, code: string) =>
      new Distribution(this, name, {
        comment,
        defaultRootObject: 'index.html',
        httpVersion: HttpVersion.HTTP2_AND_3,
        enableLogging: true,
        logBucket: cloudFrontLogs,
        logFilePrefix: `${name.toLowerCase()}/`,
        defaultBehavior: {
          origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
          viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
          // The managed CachingOptimized policy honours the objects' Cache-Control (set below).
          compress: true,
          responseHeadersPolicy: headers,
          functionAssociations: [
            {
              function: new EdgeFunction(this, `${name}Request`, {
                code: FunctionCode.fromInline(code),
                runtime: FunctionRuntime.JS_2_0,
                comment,
              }),
              eventType: FunctionEventType.VIEWER_REQUEST,
            },
          ],
        },
      });
    this.distribution = distribution('Distribution', 'Prakerja citizens', CITIZENS_REQUEST_FUNCTION);
    this.console = distribution('Console', 'Prakerja administrators console', CONSOLE_INDEX_FUNCTION);
    for (const d of [this.distribution, this.console]) this.acknowledgeDistributionFindings(d);

    // Two deployments of one build, for two Cache-Control values. The pages' one prunes
    // everything but assets/; the assets' one never prunes, so a page loaded before a
    // deploy still finds its (old, hashed) scripts.
    const site = webBuild();
    const assets = new BucketDeployment(this, 'Assets', {
      sources: [site],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.fromString(WEB_CACHE_CONTROL.immutable)],
    });
    const pages = new BucketDeployment(this, 'Pages', {
      sources: [site, Source.jsonData('config.json', { apiUrl: props.apiUrl })],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      cacheControl: [CacheControl.fromString(WEB_CACHE_CONTROL.revalidate)],
    });
    // The new pages name the new assets: those go first.
    pages.node.addDependency(assets);
    this.acknowledgeDeploymentFindings(pages);
  }

  /** `https://<domain>`: the origin the citizens' pages are served from. */
  get origin(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }

  /** `https://<domain>`: the console's origin. */
  get consoleOrigin(): string {
    return `https://${this.console.distributionDomainName}`;
  }

  private acknowledgeDistributionFindings(distribution: Distribution): void {
    Validations.of(distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Static public pages of a national programme: Indonesians abroad (migrant workers) use it ' +
          'too, and eligibility is decided by the API, not by where a page is loaded from.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'A CloudFront web ACL must live in us-east-1 and this stack is regional; the distribution ' +
          'serves static files only, while the API, where requests cost work, has its own WAF (firewall.ts).',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate, for which CloudFront fixes the minimum TLS version. ' +
          'A custom domain (prakerja:webOrigin) needs its own us-east-1 certificate, set up outside this ' +
          'stack, with TLSv1.2_2021 as the minimum.',
      },
    );
  }

  /** BucketDeployment's own handler: the Lambda (Python, with the AWS CLI) that aws-cdk-lib
   *  provides, once per stack, with the grants it needs to copy the assets into the bucket. */
  private acknowledgeDeploymentFindings(deployment: BucketDeployment): void {
    const handler = deployment.handlerRole.node.scope!;
    const siteId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const assets = Stack.of(this).synthesizer.bootstrapQualifier ?? 'hnb659fds';
    Validations.of(handler).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason:
          "BucketDeployment's handler runtime is chosen by aws-cdk-lib, which moves it with its releases.",
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: "BucketDeployment's handler writes its own logs, with the policy AWS documents for it.",
      },
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map((action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason: `BucketDeployment's grants (Bucket.grantRead/grantReadWrite) on the CDK asset bucket and the site bucket only.`,
      })),
      {
        id: `AwsSolutions-IAM5[Resource::<${siteId}.Arn>/*]`,
        reason: "BucketDeployment writes and prunes the site bucket's objects.",
      },
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-${assets}-assets-${Stack.of(this).account}-${Stack.of(this).region}/*]`,
        reason: "BucketDeployment reads the web build's zip from the CDK asset bucket.",
      },
    );
  }
}

/**
 * The web front end built by Vite straight into the asset's output directory at synth,
 * so a fresh clone synthesizes without `npm run build:web`. Local bundling only: the
 * Docker image is never used (tryBundle always succeeds or throws).
 */
function webBuild(): ISource {
  return Source.asset(WEB_DIR, {
    exclude: ['dist'],
    // The hash of the built files: a dependency upgrade that changes them redeploys.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      local: {
        tryBundle(outputDir: string): boolean {
          const vite = spawnSync(
            'npx',
            [
              'vite',
              'build',
              '--config',
              `${WEB_DIR}vite.config.ts`,
              '--outDir',
              outputDir,
              '--emptyOutDir',
              '--logLevel',
              'warn',
            ],
            { cwd: ROOT_DIR, stdio: ['ignore', process.stderr, 'inherit'] },
          );
          if (vite.status !== 0) throw new Error(`vite build failed (${vite.status ?? vite.signal})`);
          return true;
        },
      },
    },
  });
}
