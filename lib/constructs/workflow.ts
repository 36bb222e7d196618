/**
 * The waterfall: the Standard state machine defined by `statemachines/waterfall.asl.json` (the same file the
 * local stack runs), its two task functions, and the secret holding the providers' API keys.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ENV } from '../../functions/config';
import type { WaterfallSettings } from '../../functions/domain/waterfall-settings';
import { waterfallDefinition } from '../../statemachines/waterfall';
import {
  EnrichmentFunction,
  FINISH_ACTIONS,
  type EnrichmentTable,
  type FunctionDefaults,
} from './enrichment-function';

export interface WorkflowProps {
  storage: EnrichmentTable;
  functionDefaults: FunctionDefaults;
  waterfall: WaterfallSettings;
  /** Where record-result hands finished enrichments that have a webhook. */
  webhookQueue: IQueue;
  /** The bound on an enrichment: the state machine's timeout. */
  maxEnrichmentSeconds: number;
  /** Provider traffic control and the results cache, as the provider step reads them. */
  traffic: {
    rateLimits: Record<string, { perSecond: number }>;
    providerCooldownSeconds: number;
    resultCacheDays: number;
    resultCacheScope: string;
  };
}

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  readonly providerStep: EnrichmentFunction;
  readonly recordResult: EnrichmentFunction;
  /** `{ "<provider>": "<api key>" }`, filled in by the operator after the first deployment. */
  readonly providerSecret: Secret;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const waterfallConfig = JSON.stringify(props.waterfall);

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

    this.providerStep = new EnrichmentFunction(this, 'ProviderStep', {
      ...props.functionDefaults,
      handlerFile: 'provider-step',
      description: 'Asks one data provider for one enrichment type',
      // A provider call is cut at 20 s; the state's own TimeoutSeconds (60) is the outer bound.
      timeout: Duration.seconds(30),
      environment: {
        [ENV.waterfall]: waterfallConfig,
        [ENV.providerSecretId]: this.providerSecret.secretArn,
        [ENV.rateLimits]: JSON.stringify(props.traffic.rateLimits),
        [ENV.providerCooldownSeconds]: String(props.traffic.providerCooldownSeconds),
        [ENV.resultCacheDays]: String(props.traffic.resultCacheDays),
        [ENV.resultCacheScope]: props.traffic.resultCacheScope,
      },
    });
    // Reads the contact and appends its trace and results to the record (the workflow carries ids only), keeps
    // each provider's traffic item (rate limit, breaker) and writes verified finds to the results cache.
    this.providerStep.bindTable(props.storage, ['GetItem', 'UpdateItem', 'BatchWriteItem']);
    // GetSecretValue alone: the function reads the value and never needs the secret's metadata.
    this.providerStep.addToRolePolicy(
      new PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.providerSecret.secretArn],
      }),
    );

    this.recordResult = new EnrichmentFunction(this, 'RecordResult', {
      ...props.functionDefaults,
      handlerFile: 'record-result',
      description: 'Finishes an enrichment, settles its credits and queues its webhook',
      timeout: Duration.seconds(30),
      environment: {
        [ENV.waterfall]: waterfallConfig,
        [ENV.webhookQueueUrl]: props.webhookQueue.queueUrl,
      },
    });
    this.recordResult.bindTable(props.storage, FINISH_ACTIONS);
    props.webhookQueue.grantSendMessages(this.recordResult);

    const logGroup = new LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps Step Functions' log delivery from growing the account's CloudWatch
      // Logs resource policy with one entry per state machine.
      logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-waterfall`,
      retention: props.functionDefaults.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(waterfallDefinition(props.maxEnrichmentSeconds)),
      definitionSubstitutions: {
        ProviderStepFunctionArn: this.providerStep.functionArn,
        RecordResultFunctionArn: this.recordResult.functionArn,
      },
      tracingEnabled: true,
      // The execution state carries ids and cursors only; errors are logged, execution data need not be.
      logs: { destination: logGroup, level: LogLevel.ERROR, includeExecutionData: false },
    });
    // The definition names its functions by ARN in a text, so the CDK cannot infer the grants: the role may
    // invoke these two functions (unqualified ARNs, as the Task states use them) and nothing else.
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.providerStep.functionArn, this.recordResult.functionArn],
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
