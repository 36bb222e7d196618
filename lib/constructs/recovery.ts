/**
 * Every accepted enrichment finishes, even when its workflow does not: an EventBridge rule sends this state
 * machine's failed, timed-out and aborted executions to the recovery function, and a scheduled sweeper finishes
 * (or starts) pending enrichments whose execution is not running, found through the table's sparse pending
 * index.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Arn, ArnFormat, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { PENDING_INDEX } from '../../functions/adapters/dynamodb/keys';
import { ENV } from '../../functions/config';
import type { WaterfallSettings } from '../../functions/domain/waterfall-settings';
import {
  EnrichmentFunction,
  FINISH_ACTIONS,
  type EnrichmentTable,
  type FunctionDefaults,
} from './enrichment-function';

export interface RecoveryProps {
  storage: EnrichmentTable;
  functionDefaults: FunctionDefaults;
  waterfall: WaterfallSettings;
  stateMachine: StateMachine;
  webhookQueue: IQueue;
  maxEnrichmentSeconds: number;
}

/** How often the sweeper looks for pending enrichments whose workflow is not running. */
export const SWEEP_SCHEDULE = Duration.minutes(5);

/** The execution statuses after which an enrichment is finished by the recovery function. */
export const RECOVERED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export class Recovery extends Construct {
  readonly recoverFunction: EnrichmentFunction;
  readonly sweepFunction: EnrichmentFunction;
  readonly executionEndedRule: Rule;
  readonly sweepRule: Rule;

  constructor(scope: Construct, id: string, props: RecoveryProps) {
    super(scope, id);
    const environment = {
      [ENV.waterfall]: JSON.stringify(props.waterfall),
      [ENV.webhookQueueUrl]: props.webhookQueue.queueUrl,
      [ENV.maxEnrichmentSeconds]: String(props.maxEnrichmentSeconds),
    };

    this.recoverFunction = new EnrichmentFunction(this, 'RecoverEnrichment', {
      ...props.functionDefaults,
      handlerFile: 'recover-enrichment',
      description: 'Finishes an enrichment whose workflow failed, timed out or was aborted',
      timeout: Duration.seconds(30),
      environment,
    });
    this.recoverFunction.bindTable(props.storage, FINISH_ACTIONS);
    props.webhookQueue.grantSendMessages(this.recoverFunction);

    this.executionEndedRule = new Rule(this, 'ExecutionEnded', {
      description: 'Waterfall executions that ended without finishing their enrichment',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: [...RECOVERED_STATUSES], stateMachineArn: [props.stateMachine.stateMachineArn] },
      },
      targets: [
        new LambdaFunction(this.recoverFunction, { retryAttempts: 8, maxEventAge: Duration.hours(6) }),
      ],
    });

    this.sweepFunction = new EnrichmentFunction(this, 'SweepPending', {
      ...props.functionDefaults,
      handlerFile: 'sweep-pending',
      description: 'Finishes or starts pending enrichments whose workflow is not running',
      timeout: Duration.minutes(5),
      environment: { ...environment, [ENV.stateMachineArn]: props.stateMachine.stateMachineArn },
    });
    // Beyond a finish: a batch left half-way has its contacts read and written, its staged copies deleted.
    this.sweepFunction.bindTable(props.storage, [...FINISH_ACTIONS, 'BatchGetItem', 'DeleteItem']);
    this.sweepFunction.bindIndex(props.storage, PENDING_INDEX.name);
    props.webhookQueue.grantSendMessages(this.sweepFunction);
    props.stateMachine.grantStartExecution(this.sweepFunction);
    this.sweepFunction.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [
          Arn.format(
            {
              service: 'states',
              resource: 'execution',
              resourceName: `${props.stateMachine.stateMachineName}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            },
            Stack.of(this),
          ),
        ],
      }),
    );
    const stack = Stack.of(this);
    const stateMachineId = stack.resolve(
      stack.getLogicalId(props.stateMachine.node.defaultChild as CfnElement),
    ) as string;
    Validations.of(this.sweepFunction.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${stateMachineId}.Name>:*]`,
      reason:
        'DescribeExecution on the executions of this one state machine: executions are named after enrichments ' +
        'and only exist once started, so no policy can list them; the wildcard stops at this state machine.',
    });
    this.sweepRule = new Rule(this, 'Sweep', {
      description: 'Sweeps pending enrichments whose workflow is not running',
      schedule: Schedule.rate(SWEEP_SCHEDULE),
      targets: [new LambdaFunction(this.sweepFunction, { retryAttempts: 2 })],
    });
  }
}
