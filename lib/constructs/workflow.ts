/**
 * The waterfall: the Standard state machine defined by `statemachines/waterfall.asl.json` and the Express steps
 * state machine it starts (`waterfall-steps.asl.json`; the same files the local stack runs), their task functions
 * (from the manifest), and the secret holding the providers' API keys.
 */
import { ArnFormat, CfnElement, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { specsTriggeredBy } from '../../functions/manifest';
import {
  STEPS_PLACEHOLDER,
  stepsDefinition,
  taskPlaceholder,
  waterfallDefinition,
} from '../../statemachines/waterfall';
import { EnrichmentFunction, type Wiring } from './enrichment-function';

/** The managed rule through which Step Functions learns that a `.sync` child execution ended. */
const SYNC_EVENTS_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

export interface WorkflowProps {
  /** What the task functions are wired to (the webhook queue record-result hands finished enrichments to). */
  wiring: Wiring;
  /** The bound on an enrichment: the state machine's timeout. */
  maxEnrichmentSeconds: number;
}

export class Workflow extends Construct {
  readonly stateMachine: StateMachine;
  /** The Express state machine of the provider steps, started and waited for by the waterfall's Steps state. */
  readonly steps: StateMachine;
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

    const logGroup = (id: string, name: string) =>
      new LogGroup(this, id, {
        // The /aws/vendedlogs/ prefix keeps Step Functions' log delivery from growing the account's CloudWatch
        // Logs resource policy with one entry per state machine.
        logGroupName: `/aws/vendedlogs/states/${Stack.of(this).stackName}-${name}`,
        retention: props.wiring.defaults.logRetention,
        removalPolicy: RemovalPolicy.DESTROY,
      });
    // Each definition's Task functions: those whose placeholder its text names.
    const stepsText = stepsDefinition();
    const waterfallText = waterfallDefinition(props.maxEnrichmentSeconds);
    const tasksOf = (text: string) =>
      this.functions.filter((fn) => text.includes(`\${${taskPlaceholder(fn.spec)}}`));
    const substitutions = (fns: EnrichmentFunction[]) =>
      Object.fromEntries(fns.map((fn) => [taskPlaceholder(fn.spec), fn.functionArn]));
    // The definitions name their functions by ARN in a text, so the CDK cannot infer the grants: each role may
    // invoke its own Task functions (unqualified ARNs, as the Task states use them) and nothing else.
    const invoke = (fns: EnrichmentFunction[]) =>
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: fns.map((fn) => fn.functionArn) });

    // Express: billed per run and its duration, not per state; a run stops at five minutes, so its definition
    // hands its types back to the waterfall before that.
    const stepsTasks = tasksOf(stepsText);
    this.steps = new StateMachine(this, 'Steps', {
      stateMachineType: StateMachineType.EXPRESS,
      definitionBody: DefinitionBody.fromString(stepsText),
      definitionSubstitutions: substitutions(stepsTasks),
      tracingEnabled: true,
      // Express runs keep no history of their own: their errors are logged (without execution data).
      logs: {
        destination: logGroup('StepsLogs', 'waterfall-steps'),
        level: LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
    this.steps.addToRolePolicy(invoke(stepsTasks));

    const waterfallTasks = tasksOf(waterfallText);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(waterfallText),
      definitionSubstitutions: {
        ...substitutions(waterfallTasks),
        [STEPS_PLACEHOLDER]: this.steps.stateMachineArn,
      },
      tracingEnabled: true,
      // The execution state carries ids and cursors only; errors are logged, execution data need not be.
      logs: {
        destination: logGroup('Logs', 'waterfall'),
        level: LogLevel.ERROR,
        includeExecutionData: false,
      },
    });
    // Also the steps' Task functions: an execution started before an update keeps the definition it started
    // with, and the Release 2 definition invoked ProviderStep from this machine; without the grant, every
    // enrichment in flight during the deploy would have its providers cut off. Executions end within the
    // definition's TimeoutSeconds, so the grant can go one release after every deployment runs this one.
    this.stateMachine.addToRolePolicy(invoke([...waterfallTasks, ...stepsTasks]));
    this.allowStartingSteps();

    Validations.of(this.steps).acknowledge(
      {
        id: 'AwsSolutions-SF1',
        reason:
          'ERROR level records every failed steps run, state and task; ALL would add a log event for each ' +
          'provider-step state of every enrichment, at CloudWatch Logs ingestion cost.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Resource "*" is required by AWS for X-Ray (PutTraceSegments, PutTelemetryRecords, GetSamplingRules, ' +
          'GetSamplingTargets) and for CloudWatch Logs vended-log delivery: neither supports resource-level ' +
          'permissions.',
      },
    );
    Validations.of(this.stateMachine).acknowledge(
      {
        id: 'AwsSolutions-SF1',
        reason:
          'ERROR level records every failed execution, state and task; ALL would add a log event for each ' +
          'state of every enrichment, which the execution history already keeps, at CloudWatch Logs ' +
          'ingestion cost.',
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

  /**
   * What `startExecution.sync:2` needs on the waterfall's role: start the steps state machine, describe and stop
   * its runs, and keep the managed EventBridge rule through which Step Functions learns that a run ended.
   */
  private allowStartingSteps(): void {
    const stack = Stack.of(this);
    this.steps.grantStartExecution(this.stateMachine);
    const runsOf = (resource: string) =>
      stack.formatArn({
        service: 'states',
        resource,
        resourceName: `${this.steps.stateMachineName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution'],
        // Express runs are named under express:, Standard ones under execution:.
        resources: [runsOf('execution'), runsOf('express')],
      }),
    );
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: SYNC_EVENTS_RULE })],
      }),
    );
    const stepsId = stack.resolve(stack.getLogicalId(this.steps.node.defaultChild as CfnElement)) as string;
    Validations.of(this.stateMachine).acknowledge(
      ...['execution', 'express'].map((resource) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:${resource}:<${stepsId}.Name>:*]`,
        reason:
          'DescribeExecution and StopExecution on the runs of the steps state machine the waterfall starts: ' +
          'runs only exist once started, so no policy can list them; the wildcard stops at this state machine.',
      })),
    );
  }
}
