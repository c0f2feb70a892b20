import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_RATE_PER_SECOND } from '#shared/domain/partners.ts';
import { PROBLEM_BASE } from '#shared/http/problem.ts';

export const PARTNER_KEY_HEADER = 'x-prakerja-key-id';
export const PARTNER_PATH = '/v1/partner/';

export interface FirewallProps {
  stage: Stage;
  /** Requests per minute one partner key may make on /v1/partner/ routes. By default the
   *  highest rate a partner may be agreed: WAF is the global ceiling and never blocks a
   *  partner within its own rate (a static rule cannot read each partner's); the agreed
   *  rate itself is counted per function container (shared/http/rate-limit.ts). */
  partnerKeyLimit?: number;
  /** Requests per 5 minutes from one IP address on every other route. */
  ipLimit?: number;
}

const none = [{ priority: 0, type: 'NONE' }];
// WAF sees the stage in the path (`/prod/v1/partner/...`) on the execute-api host and
// not behind a custom domain: CONTAINS matches both.
const partnerPath = {
  byteMatchStatement: {
    fieldToMatch: { uriPath: {} },
    positionalConstraint: 'CONTAINS',
    searchString: PARTNER_PATH,
    textTransformations: none,
  },
};
const signedPartnerRequest = {
  andStatement: {
    statements: [
      partnerPath,
      {
        sizeConstraintStatement: {
          fieldToMatch: { singleHeader: { Name: PARTNER_KEY_HEADER } },
          comparisonOperator: 'GT',
          size: 0,
          textTransformations: none,
        },
      },
    ],
  },
};

const visibility = (name: string) => ({
  cloudWatchMetricsEnabled: true,
  metricName: name,
  sampledRequestsEnabled: true,
});

/**
 * Per-client throttling in front of the API stage. API Gateway usage plans cannot do it:
 * they key on API keys, and partners authenticate with HMAC signatures (API.md), not
 * API keys. So WAF counts partner requests per `X-Prakerja-Key-Id` (a forged key id only
 * throttles the forger: the signature is checked in the function) and everything else
 * per source IP. Blocked requests get a 429 problem document.
 */
export class Firewall extends Construct {
  readonly acl: CfnWebACL;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);
    const block = {
      block: {
        customResponse: {
          responseCode: 429,
          customResponseBodyKey: 'rate-limited',
          responseHeaders: [{ name: 'retry-after', value: '60' }],
        },
      },
    };
    this.acl = new CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('prakerja-api'),
      customResponseBodies: {
        'rate-limited': {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: `${PROBLEM_BASE}rate-limited`,
            title: 'Too many requests',
            status: 429,
          }),
        },
      },
      rules: [
        {
          name: 'partner-key-rate',
          priority: 0,
          action: block,
          visibilityConfig: visibility('partner-key-rate'),
          statement: {
            rateBasedStatement: {
              limit: props.partnerKeyLimit ?? MAX_RATE_PER_SECOND * 60,
              evaluationWindowSec: 60,
              aggregateKeyType: 'CUSTOM_KEYS',
              customKeys: [{ header: { name: PARTNER_KEY_HEADER, textTransformations: none } }],
              scopeDownStatement: partnerPath,
            },
          },
        },
        {
          // Everything the partner rule does not count, unsigned partner calls included.
          // Generous: many citizens share a carrier-grade NAT address.
          name: 'ip-rate',
          priority: 1,
          action: block,
          visibilityConfig: visibility('ip-rate'),
          statement: {
            rateBasedStatement: {
              limit: props.ipLimit ?? 2000,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: { notStatement: { statement: signedPartnerRequest } },
            },
          },
        },
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.acl.attrArn,
    });
  }
}
