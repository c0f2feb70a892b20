import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** The most a function's minified bundle (index.mjs, without its source map) may weigh:
 *  the `bundles` test project fails over it. Measured: 252-473 KB, of which ~200 KB is the
 *  DynamoDB client alone (docs/benchmarks.md "Bundles"). The X-Ray SDK (120 KB, docs/adr/0001-tracing.md)
 *  would not fit again. */
export const BUNDLE_BUDGET_KB = 512;

/**
 * Modules the AWS SDK imports lazily (`await import()`) on paths a Lambda function never
 * takes, left out of every bundle (~135 KB). The credential chain tries the environment
 * first, and Lambda always sets the role's keys there (AWS_PROFILE would skip them; the CDK
 * test checks no function sets it): the SSO, profile-file, process and web-identity
 * providers, with the STS, SSO and sign-in clients they bring, are never reached; the
 * container and instance providers after them stay bundled. Event streams serve only
 * operations with a streaming member, which none of our clients (DynamoDB, SFN, SQS, SES,
 * SNS, Secrets Manager) uses. Were one reached, its import would fail, not pass silently.
 */
export const NOT_REACHED_ON_LAMBDA = [
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@smithy/core/event-streams',
];

/** How every function is bundled: by the CDK app (`appFunction`) and, the same options
 *  through esbuild's API, by the `bundles` test project and `npm run bench:bundles`.
 *  Tried and left (docs/benchmarks.md "Bundles"): `legalComments: 'none'` and `charset: 'utf8'` change
 *  no byte that matters (0.2 KB); `keepNames` stays off (+28 KB); the `node` condition
 *  picks CommonJS builds (+159 KB). */
export const BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node24',
  mainFields: ['module', 'main'],
  // Some CommonJS dependencies call require(); ESM has none unless we make one.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  minify: true,
  sourceMap: true,
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false,
  // The AWS SDK is bundled too: the deployed code runs the versions the tests ran.
  externalModules: NOT_REACHED_ON_LAMBDA,
} satisfies BundlingOptions;

/** `BUNDLING` as esbuild's build options, the flags NodejsFunction passes its CLI. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLING.format as BuildOptions['format'],
    target: BUNDLING.target,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner },
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    external: BUNDLING.externalModules,
  };
}
