/**
 * Runs the waterfall state machine on this machine: the very file CDK deploys
 * (`statemachines/waterfall.asl.json`), executed by aws-local-stepfunctions with each Task state mapped to the
 * same handler the Lambda function runs. Like Step Functions, it names executions after the enrichment, ends
 * them at the definition's `TimeoutSeconds`, and reports failed, timed-out and aborted ones the way the
 * EventBridge rule does in AWS (to the recovery handler).
 */
import type { Context } from 'aws-lambda';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { WorkflowInspector, WorkflowStarter, WorkflowStatus } from '../functions/domain/ports/workflow';
import type { WorkflowInput } from '../functions/domain/enrichment/waterfall-state';
import type { ExecutionStatusEvent } from '../functions/handlers/recover-enrichment';
import { specsTriggeredBy } from '../functions/manifest';
import type { WorkflowTask } from '../functions/manifest/define';
import { taskPlaceholder, waterfallDefinition } from '../statemachines/waterfall';
import { lambdaContext } from './lambda-context';

/** Local function ARNs for the definition's placeholders, as CDK's `definitionSubstitutions` fills them. */
export const TASK_SUBSTITUTIONS: Record<string, string> = Object.fromEntries(
  specsTriggeredBy('task').map((spec) => [
    taskPlaceholder(spec),
    `arn:aws:lambda:us-east-1:000000000000:function:${spec.name}`,
  ]),
);

export function loadDefinition(maxEnrichmentSeconds = 3600): StateMachineDefinition {
  const text = waterfallDefinition(maxEnrichmentSeconds).replace(
    /\$\{(\w+)\}/g,
    (placeholder, name: string) => {
      const value = TASK_SUBSTITUTIONS[name];
      if (value === undefined)
        throw new Error(`No substitution for ${placeholder} in the waterfall definition`);
      return value;
    },
  );
  return JSON.parse(text) as StateMachineDefinition;
}

export type TaskHandler = (event: never, context: Context) => Promise<unknown>;
type Task = WorkflowTask;

export interface LocalWorkflowOptions {
  /** The Lambda handlers of the Task states, by state name. */
  tasks: Record<Task, TaskHandler>;
  /** What the EventBridge rule invokes in AWS when an execution fails, times out or is aborted. */
  recover?: TaskHandler;
  /** The deployment's bound: executions still running after it are stopped as timed out. */
  maxEnrichmentSeconds?: number;
  /** Shortens waiting for tests: every Wait state lasts this many ms; every Retry pause too. */
  fastWaitsMs?: number;
  /** Keeps every state's input and output in `execution(id).history` (tests of what the workflow carries). */
  keepHistory?: boolean;
  onExecutionEvent?: (enrichmentId: string, event: ExecutionEvent) => void;
  /** Called with each Task's input and output (the local stack prints progress from it). */
  onTaskResult?: (task: Task, input: unknown, output: unknown) => void;
}

export interface ExecutionEvent {
  type: string;
  state?: { name: string; type: string };
  error?: string;
}

export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'aborted';

export interface ExecutionSummary {
  status: ExecutionStatus;
  input: WorkflowInput;
  /** States entered: what Standard workflows bill as state transitions. */
  stateTransitions: number;
  events: ExecutionEvent[];
  /** With `keepHistory`: every event as the runner reported it, state inputs and outputs included. */
  history: unknown[];
  output?: unknown;
  error?: string;
}

type Json = Parameters<StateMachine['run']>[0];

const EVENT_STATUS: Partial<Record<ExecutionStatus, string>> = {
  failed: 'FAILED',
  timed_out: 'TIMED_OUT',
  aborted: 'ABORTED',
};

export class LocalWorkflow implements WorkflowStarter, WorkflowInspector {
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, ExecutionSummary>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private stopping = false;

  constructor(private readonly options: LocalWorkflowOptions) {
    this.machine = new StateMachine(loadDefinition(options.maxEnrichmentSeconds));
  }

  async start(input: WorkflowInput): Promise<void> {
    // Execution names are unique, as in Step Functions: a second start of the same enrichment is a no-op.
    if (this.executions.has(input.enrichment_id)) return;
    const summary: ExecutionSummary = {
      status: 'running',
      input: { account_id: input.account_id, enrichment_id: input.enrichment_id, types: input.types },
      stateTransitions: 0,
      events: [],
      history: [],
    };
    this.executions.set(input.enrichment_id, summary);
    const fast = this.options.fastWaitsMs;
    const execution = this.machine.run(JSON.parse(JSON.stringify(input)) as Json, {
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: Object.fromEntries(
          (Object.keys(this.options.tasks) as Task[]).map((task) => [
            task,
            (state: Json) => this.invoke(task, state),
          ]),
        ),
        ...(fast !== undefined
          ? {
              waitTimeOverrides: { WaitForProvider: fast },
              retryIntervalOverrides: Object.fromEntries(
                Object.keys(this.options.tasks).map((task) => [task, fast]),
              ),
            }
          : {}),
      },
    });
    let endedAs: ExecutionStatus | undefined;
    const timeout = setTimeout(
      () => {
        endedAs = 'timed_out';
        execution.abort();
      },
      (this.options.maxEnrichmentSeconds ?? 3600) * 1000,
    );
    timeout.unref();
    const collect = (async () => {
      for await (const event of execution.eventLogs) {
        if (this.options.keepHistory) summary.history.push(event);
        const entry: ExecutionEvent = { type: event.type };
        if ('state' in event && event.state) entry.state = { name: event.state.name, type: event.state.type };
        if ('Error' in event) entry.error = String(event.Error);
        if (event.type === 'StateEntered') summary.stateTransitions += 1;
        summary.events.push(entry);
        this.options.onExecutionEvent?.(input.enrichment_id, entry);
      }
    })();
    const done = execution.result
      .then((output) => {
        // An aborted run resolves too (noThrowOnAbort): it ended as whatever aborted it.
        summary.status = endedAs ?? (this.stopping ? 'aborted' : 'succeeded');
        summary.output = output;
      })
      .catch((error: Error) => {
        // The runner enforces the definition's TimeoutSeconds itself and fails the run with an ExecutionTimeoutError.
        summary.status = endedAs ?? (error.name === 'ExecutionTimeoutError' ? 'timed_out' : 'failed');
        summary.error = error.name;
      })
      .then(() => collect)
      .finally(() => {
        clearTimeout(timeout);
        this.running.delete(input.enrichment_id);
      })
      .then(() => this.report(summary));
    this.running.set(input.enrichment_id, {
      abort: () => {
        endedAs ??= 'aborted';
        execution.abort();
      },
      done,
    });
  }

  async status(enrichmentId: string): Promise<WorkflowStatus> {
    const summary = this.executions.get(enrichmentId);
    if (!summary) return 'missing';
    return summary.status === 'running' ? 'running' : 'ended';
  }

  /** Aborts a running execution, as `StopExecution` would. */
  abort(enrichmentId: string): void {
    this.running.get(enrichmentId)?.abort();
  }

  /** Hands a failed, timed-out or aborted execution to the recovery handler, as the EventBridge rule does. */
  private async report(summary: ExecutionSummary): Promise<void> {
    const status = EVENT_STATUS[summary.status];
    if (!status || !this.options.recover || this.stopping) return;
    const event: ExecutionStatusEvent = {
      version: '0',
      id: `local-${summary.input.enrichment_id}`,
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: '000000000000',
      time: new Date().toISOString(),
      region: 'local',
      resources: [],
      detail: { status, name: summary.input.enrichment_id, input: JSON.stringify(summary.input) },
    };
    try {
      await this.options.recover(event as never, lambdaContext('recover-enrichment'));
    } catch {
      // In AWS the rule retries and the sweeper catches what is left; locally the sweeper does.
    }
  }

  /** Calls a task's handler as Lambda would: JSON in, JSON out (undefined fields dropped). */
  private async invoke(task: Task, input: Json): Promise<Json> {
    const name = task === 'ProviderStep' ? 'provider-step' : 'record-result';
    const output = JSON.parse(
      JSON.stringify((await this.options.tasks[task](input as never, lambdaContext(name))) ?? null),
    ) as Json;
    this.options.onTaskResult?.(task, input, output);
    return output;
  }

  execution(enrichmentId: string): ExecutionSummary | undefined {
    return this.executions.get(enrichmentId);
  }

  /** Resolves once no execution is running. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Stops every execution without recovering them (the stack is shutting down; the sweeper resumes them). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const execution of this.running.values()) execution.abort();
    await this.idle();
  }
}
