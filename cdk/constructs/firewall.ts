import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { Stage } from 'aws-cdk-lib/aws-apigateway';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL, CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { MAX_RATE_PER_SECOND } from '#contexts/partners/rules/partners.ts';
import { PROBLEM_BASE } from '#platform/http/problem.ts';

export const PARTNER_KEY_HEADER = 'x-prakerja-key-id';
export const PARTNER_PATH = '/v1/partner/';

export interface FirewallProps {
  stage: Stage;
  /** Names the WAF log group (`aws-waf-logs-<name>`), unique in the account and Region. */
  name: string;
  /** Requests per 5 minutes from one IP address, whatever it asks: a ceiling no client
   *  passes, signed or not (a partner's key id is the caller's to choose). */
  ipCeiling?: number;
  /** Requests per 5 minutes from one IP address outside /v1/partner/. Generous: many
   *  citizens share a carrier-grade NAT address. */
  ipLimit?: number;
  /** Requests per minute one partner key id may make on /v1/partner/ routes. */
  partnerKeyLimit?: number;
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

const visibility = (name: string) => ({
  cloudWatchMetricsEnabled: true,
  metricName: name,
  sampledRequestsEnabled: true,
});

/** AWS's managed rule groups, in order: known bad sources first. Rules that would refuse
 *  what the API takes are counted instead (the handler validates with zod): the body size
 *  rule stops at 8 KB, while list imports and surveys send up to 64 KiB. */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', count: [] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', count: [] },
  { name: 'AWSManagedRulesCommonRuleSet', count: ['SizeRestrictions_BODY'] },
] as const;

/**
 * Per-client throttling and AWS's managed rules in front of the API stage. API Gateway
 * usage plans cannot throttle per client: they key on API keys, and partners authenticate
 * with HMAC signatures (API.md), not API keys.
 * - Every request counts against its source IP's ceiling, whatever headers it carries: an
 *   attacker-chosen `X-Prakerja-Key-Id` passes no rule.
 * - Outside /v1/partner/ a much lower per-IP limit applies (citizens, administrators).
 * - On /v1/partner/ each key id also has a ceiling: the highest rate a partner may be
 *   agreed (its own agreed rate is counted per function container, platform/http/rate-limit.ts).
 * Blocked requests get a 429 problem document. Every request is logged to CloudWatch Logs,
 * with the credentials redacted.
 */
export class Firewall extends Construct {
  readonly acl: CfnWebACL;
  readonly logs: LogGroup;

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
    const managed = MANAGED_RULE_GROUPS.map((group, i) => ({
      name: group.name,
      priority: 10 + i,
      overrideAction: { none: {} },
      visibilityConfig: visibility(group.name),
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: group.name,
          ruleActionOverrides: group.count.map((name) => ({ name, actionToUse: { count: {} } })),
        },
      },
    }));
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
          name: 'ip-ceiling',
          priority: 0,
          action: block,
          visibilityConfig: visibility('ip-ceiling'),
          statement: {
            rateBasedStatement: {
              limit: props.ipCeiling ?? 100_000,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
            },
          },
        },
        {
          name: 'ip-rate',
          priority: 1,
          action: block,
          visibilityConfig: visibility('ip-rate'),
          statement: {
            rateBasedStatement: {
              limit: props.ipLimit ?? 2000,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: { notStatement: { statement: partnerPath } },
            },
          },
        },
        {
          name: 'partner-key-rate',
          priority: 2,
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
        ...managed,
      ],
    });
    new CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.acl.attrArn,
    });
    // WAF writes only to a log group whose name starts with aws-waf-logs-.
    this.logs = new LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.name}`,
      retention: RetentionDays.THREE_MONTHS,
    });
    new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.acl.attrArn,
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      // Credentials never reach a log line.
      redactedFields: ['authorization', 'x-prakerja-signature'].map((name) => ({
        singleHeader: { Name: name },
      })),
    });
  }
}
