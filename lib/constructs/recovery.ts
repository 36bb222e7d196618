/**
 * Every accepted enrichment finishes, even when its workflow does not: an EventBridge rule sends this state
 * machine's failed, timed-out and aborted executions to the recovery function, and a scheduled sweeper finishes
 * (or starts) pending enrichments whose execution is not running, found through the table's sparse pending
 * index.
 */
import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { specsTriggeredBy } from '../../functions/manifest';
import { EnrichmentFunction, type Wiring } from './enrichment-function';

export interface RecoveryProps {
  /** What the functions are wired to, the state machine included. */
  wiring: Wiring;
}

/** How often the sweeper looks for pending enrichments whose workflow is not running (its manifest entry). */
export const SWEEP_SCHEDULE = Duration.minutes(
  specsTriggeredBy('schedule').reduce(
    (minutes, spec) => (spec.trigger.kind === 'schedule' ? spec.trigger.everyMinutes : minutes),
    5,
  ),
);

/** The execution statuses after which an enrichment is finished by the recovery function. */
export const RECOVERED_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export class Recovery extends Construct {
  /** The functions of the manifest triggered by an ended execution or by the schedule. */
  readonly functions: EnrichmentFunction[];
  readonly rules: Rule[];
  /** The rule sending ended executions to recovery. */
  readonly executionEndedRule: Rule;
  /** The sweeper's schedule. */
  readonly sweepRule: Rule;

  constructor(scope: Construct, id: string, props: RecoveryProps) {
    super(scope, id);
    const { wiring } = props;
    const stateMachine = wiring.stateMachine;
    if (!stateMachine) throw new Error('Recovery needs the state machine.');
    this.functions = [];
    this.rules = [];

    for (const spec of specsTriggeredBy('execution-ended')) {
      const fn = new EnrichmentFunction(this, spec, wiring);
      this.functions.push(fn);
      this.rules.push(
        new Rule(this, 'ExecutionEnded', {
          description: 'Waterfall executions that ended without finishing their enrichment',
          eventPattern: {
            source: ['aws.states'],
            detailType: ['Step Functions Execution Status Change'],
            detail: { status: [...RECOVERED_STATUSES], stateMachineArn: [stateMachine.stateMachineArn] },
          },
          targets: [new LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(6) })],
        }),
      );
    }
    const [executionEndedRule] = this.rules;
    if (!executionEndedRule) throw new Error('The manifest declares no recovery of ended executions.');
    this.executionEndedRule = executionEndedRule;

    for (const spec of specsTriggeredBy('schedule')) {
      const fn = new EnrichmentFunction(this, spec, wiring);
      this.functions.push(fn);
      const every = spec.trigger.kind === 'schedule' ? spec.trigger.everyMinutes : 0;
      this.rules.push(
        new Rule(this, 'Sweep', {
          description: 'Sweeps pending enrichments whose workflow is not running',
          schedule: Schedule.rate(Duration.minutes(every)),
          targets: [new LambdaFunction(fn, { retryAttempts: 2 })],
        }),
      );
    }
    const sweepRule = this.rules[1];
    if (!sweepRule) throw new Error('The manifest declares no sweeper.');
    this.sweepRule = sweepRule;
  }
}
