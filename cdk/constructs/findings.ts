import { createHash } from 'node:crypto';
import { Stack, Validations } from 'aws-cdk-lib';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';

/**
 * How cdk-nag names another resource's attribute in a finding: `<Id.Arn>` in its own
 * stack; from another stack, the name of the export CDK makes for it (Stack.exportValue:
 * `<stack>:ExportsOutput<reference><md5 of it>`), since findings are read off the template.
 */
function nagName(scope: Construct, value: string, owner: Construct): string {
  const producer = Stack.of(owner);
  const resolved = producer.resolve(value);
  const attribute = resolved?.['Fn::GetAtt'] ? `<${resolved['Fn::GetAtt'].join('.')}>` : `<${resolved?.Ref}>`;
  const consumer = Stack.of(scope);
  if (consumer === producer) return attribute;
  const id = `Output${JSON.stringify(resolved)}`;
  const hash = createHash('md5').update(`Exports/${id}`).digest('hex').slice(0, 8).toUpperCase();
  return `${producer.stackName}:Exports${id.replace(/[^A-Za-z0-9]/g, '')}${hash}`;
}

/**
 * The cdk-nag findings every app function raises, acknowledged with their reasons on
 * `scope` (a stack or a construct holding functions): X-Ray's actions, which have no
 * resource-level permissions, and the wildcard actions of the table's customer key.
 */
export function acknowledgeFunctionFindings(scope: Construct): void {
  Validations.of(scope).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions.',
    },
    ...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((action) => ({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason: 'Writing to the table encrypted with the personal-data key; the resource is that one key.',
    })),
  );
}

/** StateMachine.grantRead's executions: `execution:<machine name>:*`. */
export function acknowledgeExecutionReads(scope: Construct, machine: IStateMachine, name: string): void {
  const stack = Stack.of(scope);
  const producer = Stack.of(machine);
  const arn =
    producer === stack
      ? producer.resolve(machine.stateMachineArn)
      : { 'Fn::ImportValue': nagName(scope, machine.stateMachineArn, machine) };
  const machineName = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', arn] }] });
  Validations.of(scope).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:${stack.region}:${stack.account}:execution:${machineName}:*]`,
    reason: `Describing the ${name} state machine's own executions (StateMachine.grantRead).`,
  });
}
