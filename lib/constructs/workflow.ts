/**
 * The waterfall: the Standard state machine defined by `statemachines/waterfall.asl.json` (the same file the
 * local stack runs), its task functions (from the manifest), and the secret holding the providers' API keys.
 */
import { RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { specsTriggeredBy } from '../../functions/manifest';
import { taskPlaceholder, waterfallDefinition } from '../../statemachines/waterfall';
import { EnrichmentFunction, type Wiring } from './enrichment-function';

export interface WorkflowProps {
  /** What the task functions are wired to (the webhook queue record-result hands finished enrichments to). */
  wiring: Wiring;
  /** The bound on an enrichment: the state machine's timeout. */
  maxEnrichmentSeconds: number;
}

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  /** The functions of the definition's Task states, from the manifest. */
  readonly functions: EnrichmentFunction[];
  /** `{ "<provider>": "<api key>" }`, filled in by the operator after the first deployment. */
  readonly providerSecret: Secret;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);

    this.providerSecret = new Secret(this, 'ProviderKeys', {
      description:
        'Data provider API keys of the contact-enrichment waterfall, as {"<provider>": "<api key>"}',
      // Created empty: keys never pass through the template, and later deployments leave the value as the
      // operator set it (CloudFormation only rewrites it when this unchanged value changes).
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.providerSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret holds API keys issued by third-party data providers; they are rotated in each ' +
        "provider's dashboard, and no rotation Lambda can issue a new key on the provider's side.",
    });

    const wiring: Wiring = { ...props.wiring, providerSecret: this.providerSecret };
    this.functions = specsTriggeredBy('task').map((spec) => new EnrichmentFunction(this, spec, wiring));

    const logGroup = new LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps Step Functions' log delivery from growing the account's CloudWatch
      // Logs resource policy with one entry per state machine.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-waterfall`,
      retention: props.wiring.defaults.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(waterfallDefinition(props.maxEnrichmentSeconds)),
      definitionSubstitutions: Object.fromEntries(
        this.functions.map((fn) => [taskPlaceholder(fn.spec), fn.functionArn]),
      ),
      tracingEnabled: true,
      // The execution state carries ids and cursors only; errors are logged, execution data need not be.
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
    });
    // The definition names its functions by ARN in a text, so the CDK cannot infer the grants: the role may
    // invoke its task functions (unqualified ARNs, as the Task states use them) and nothing else.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: this.functions.map((fn) => fn.functionArn),
      }),
    );

    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-SF1',
        reason:
          'ERROR level records every failed execution, state and task; ALL would add a log event for each of ' +
          'the many provider-step transitions of every enrichment, which the execution history already keeps, ' +
          'at CloudWatch Logs ingestion cost.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Resource "*" is required by AWS for X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
          'GetSamplingTargets) and for CloudWatch Logs vended-log delivery (Create/Get/Update/Delete/' +
          'ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups): neither supports ' +
          'resource-level permissions.',
      },
    );
  }
}
