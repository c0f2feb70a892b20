import { CfnOutput, Lazy, Stack, type StackProps } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { Alarms, FIVE_MINUTES } from '#cdk/constructs/alarms.ts';
import { Api } from '#cdk/constructs/api.ts';
import { Firewall } from '#cdk/constructs/firewall.ts';
import type { AppResources } from '#cdk/constructs/function.ts';
import { Web } from '#cdk/constructs/web.ts';
import { deployedRoutes } from '#contexts/routes.ts';
import { NAMESPACE } from '#platform/observability.ts';

export interface ApiStackProps extends StackProps {
  stage: string;
  resources: AppResources;
  alarmTopic: ITopic;
  /** The citizens' origin (a custom domain in front of the distribution); by default the
   *  distribution's own `https://<domain>`. */
  webOrigin?: string;
  /** The console's origin, likewise. */
  consoleOrigin?: string;
  /** The us-east-1 bucket of CloudFront's standard logs. */
  cloudFrontLogBucket: string;
}

/**
 * What answers requests: the REST API (a nested stack per bounded context), its WAF, and
 * the web front end's two distributions (citizens, console) that call it.
 */
export class ApiStack extends Stack {
  readonly api: Api;
  readonly web: Web;
  readonly firewall: Firewall;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, { ...props, description: 'Prakerja: the API, its firewall and the web front end' });
    // No cycle: the distributions' CSP names the API's origin from the RestApi id only, while
    // the CORS origins (preflights, gateway responses, WEB_ORIGIN) name the distributions.
    const webOrigin = props.webOrigin ?? Lazy.string({ produce: () => this.web.origin });
    const consoleOrigin = props.consoleOrigin ?? Lazy.string({ produce: () => this.web.consoleOrigin });
    this.api = new Api(this, 'Api', {
      routes: deployedRoutes,
      resources: props.resources,
      webOrigins: [webOrigin, consoleOrigin],
      name: `prakerja-${props.stage}`,
    });
    this.firewall = new Firewall(this, 'Firewall', {
      stage: this.api.stage,
      name: `prakerja-${props.stage}`,
    });
    this.web = new Web(this, 'Web', {
      apiOrigin: this.api.origin,
      apiUrl: this.api.url,
      cloudFrontLogBucket: props.cloudFrontLogBucket,
    });

    const alarms = new Alarms(this, 'Alarms', { topic: props.alarmTopic });
    alarms.add(
      'Api5xx',
      this.api.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
      5,
      'The API answered 5xx: a handler failed (bad input is always a 4xx problem).',
      'api-5xx',
    );
    // Admitted registrations and joins failing on the backend: the waiting room lowers its
    // rate by itself (contexts/admission/rules/room.ts), and someone should know why.
    for (const [service, operation] of [
      ['accounts', 'createAccount'],
      ['waves', 'joinWave'],
    ])
      alarms.add(
        `${operation}AdmissionFailed`,
        new Metric({
          namespace: NAMESPACE,
          metricName: 'AdmissionFailed',
          dimensionsMap: { service: service!, operation: operation! },
          period: FIVE_MINUTES,
          statistic: 'Sum',
        }),
        25,
        `Admitted ${operation} requests failed on the backend (throttles, 5xx): the waiting room lowers its rate.`,
        'waiting-room',
      );
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'WebUrl', { value: this.web.origin });
    new CfnOutput(this, 'ConsoleUrl', { value: this.web.consoleOrigin });
  }
}
