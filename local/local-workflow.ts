/**
 * Runs the waterfall state machines on this machine: the very files CDK deploys
 * (`statemachines/waterfall.asl.json` and the Express `waterfall-steps.asl.json` it starts), executed by
 * aws-local-stepfunctions with each Lambda Task state mapped to the same handler the function runs, and the
 * `startExecution.sync:2` Task state running the steps definition in-process (its output as `Output`, its failure
 * or timeout as the Task's error). Like Step Functions, it names executions after the enrichment, ends them at the
 * definition's `TimeoutSeconds`, and reports failed, timed-out and aborted ones the way the EventBridge rule does
 * in AWS (to the recovery handler).
 */
import type { Context } from 'aws-lambda';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { WorkflowInspector, WorkflowStarter, WorkflowStatus } from '../functions/domain/ports/workflow';
import type { WorkflowInput } from '../functions/domain/enrichment/waterfall-state';
import type { ExecutionStatusEvent } from '../functions/handlers/recover-enrichment';
import { specsTriggeredBy } from '../functions/manifest';
import type { WorkflowTask } from '../functions/manifest/define';
import {
  STEPS_PLACEHOLDER,
  stepsDefinition,
  taskPlaceholder,
  waterfallDefinition,
} from '../statemachines/waterfall';
import { lambdaContext } from './lambda-context';

const STEPS_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:waterfall-steps';

/** Local ARNs for the definitions' placeholders, as CDK's `definitionSubstitutions` fills them. */
export const TASK_SUBSTITUTIONS: Record<string, string> = {
  ...Object.fromEntries(
    specsTriggeredBy('task').map((spec) => [
      taskPlaceholder(spec),
      `arn:aws:lambda:us-east-1:000000000000:function:${spec.name}`,
    ]),
  ),
  [STEPS_PLACEHOLDER]: STEPS_ARN,
};

function substituted(text: string): StateMachineDefinition {
  return JSON.parse(
    text.replace(/\$\{(\w+)\}/g, (placeholder, name: string) => {
      const value = TASK_SUBSTITUTIONS[name];
      if (value === undefined)
        throw new Error(`No substitution for ${placeholder} in the waterfall definition`);
      return value;
    }),
  ) as StateMachineDefinition;
}

export function loadDefinition(maxEnrichmentSeconds = 3600): StateMachineDefinition {
  return substituted(waterfallDefinition(maxEnrichmentSeconds));
}

/** The steps definition; `timeoutSeconds` shortens its own bound (tests of a run that times out). */
export function loadStepsDefinition(timeoutSeconds?: number): StateMachineDefinition {
  const definition = substituted(stepsDefinition());
  return timeoutSeconds === undefined ? definition : { ...definition, TimeoutSeconds: timeoutSeconds };
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
  /** Shortens the steps runs' `TimeoutSeconds` for tests (the definition's own bound otherwise). */
  stepsTimeoutSeconds?: number;
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
  /** Set on the events of a steps run (the Express workflow the Steps state starts). */
  steps?: number;
}

/** One run of the Express steps workflow: what Express bills (one request, its duration). */
export interface StepsRun {
  status: 'succeeded' | 'failed' | 'timed_out' | 'aborted';
  durationMs: number;
  /** States entered in the run (not billed by Express; for tests and the bench). */
  statesEntered: number;
}

export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'timed_out' | 'aborted';

export interface ExecutionSummary {
  status: ExecutionStatus;
  input: WorkflowInput;
  /** States entered by the Standard waterfall: what Standard workflows bill as state transitions. */
  stateTransitions: number;
  /** The Express steps runs it started, in order. */
  stepsRuns: StepsRun[];
  /** The waterfall's events and, marked `steps`, those of its steps runs. */
  events: ExecutionEvent[];
  /** With `keepHistory`: every event as the runner reported it, state inputs and outputs included. */
  history: unknown[];
  output?: unknown;
  error?: string;
}

type Json = Parameters<StateMachine['run']>[0];
type EventLogs = ReturnType<StateMachine['run']>['eventLogs'];

const EVENT_STATUS: Partial<Record<ExecutionStatus, string>> = {
  failed: 'FAILED',
  timed_out: 'TIMED_OUT',
  aborted: 'ABORTED',
};

/** A failed or timed-out steps run, as the Steps Task state reports it. */
class StepsRunFailed extends Error {
  constructor(cause: string) {
    super(cause);
    this.name = 'States.TaskFailed';
  }
}

export class LocalWorkflow implements WorkflowStarter, WorkflowInspector {
  private readonly machine: StateMachine;
  private readonly steps: StateMachine;
  private readonly executions = new Map<string, ExecutionSummary>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  /** The steps runs in progress, by enrichment: stopped with their waterfall, as StopExecution does. */
  private readonly stepsRunning = new Map<string, Set<() => void>>();
  private stopping = false;

  constructor(private readonly options: LocalWorkflowOptions) {
    this.machine = new StateMachine(loadDefinition(options.maxEnrichmentSeconds));
    this.steps = new StateMachine(loadStepsDefinition(options.stepsTimeoutSeconds));
  }

  private overrides(states: readonly string[]) {
    const fast = this.options.fastWaitsMs;
    const handlers = Object.fromEntries(
      states
        .filter((state) => state in this.options.tasks)
        .map((state) => [state, (input: Json) => this.invoke(state as Task, input)]),
    );
    return {
      taskResourceLocalHandlers: handlers,
      ...(fast !== undefined
        ? {
            waitTimeOverrides: { WaitForProvider: fast },
            retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((task) => [task, fast])),
          }
        : {}),
    };
  }

  /** The Steps state: one Express run of the steps definition, waited for (`startExecution.sync:2`). */
  private async runSteps(summary: ExecutionSummary, input: Json): Promise<Json> {
    const enrichmentId = summary.input.enrichment_id;
    const number = summary.stepsRuns.length + 1;
    const run: StepsRun = { status: 'succeeded', durationMs: 0, statesEntered: 0 };
    summary.stepsRuns.push(run);
    const started = performance.now();
    const execution = this.steps.run((input as { Input: Json }).Input, {
      noThrowOnAbort: true,
      overrides: this.overrides(['ProviderStep']),
      context: {
        Execution: { Id: `${STEPS_ARN.replace(':stateMachine:', ':express:')}:${enrichmentId}-${number}` },
      },
    });
    const running = this.stepsRunning.get(enrichmentId) ?? new Set();
    this.stepsRunning.set(enrichmentId, running);
    running.add(execution.abort);
    const collect = this.collect(summary, execution.eventLogs, number, () => (run.statesEntered += 1));
    try {
      const output = await execution.result;
      if (output === null) run.status = 'aborted';
      return { Status: 'SUCCEEDED', Output: output } as Json;
    } catch (error) {
      run.status = (error as Error).name === 'ExecutionTimeoutError' ? 'timed_out' : 'failed';
      const cause = (error as Error).cause as Error | undefined;
      throw new StepsRunFailed(
        JSON.stringify({ status: run.status.toUpperCase(), error: cause?.name ?? (error as Error).name }),
      );
    } finally {
      run.durationMs = performance.now() - started;
      running.delete(execution.abort);
      await collect;
    }
  }

  /** Keeps an execution's events in its summary; `steps` numbers the steps run they come from. */
  private async collect(
    summary: ExecutionSummary,
    events: EventLogs,
    steps: number | undefined,
    onStateEntered: () => void,
  ): Promise<void> {
    for await (const event of events) {
      if (this.options.keepHistory) summary.history.push(steps === undefined ? event : { ...event, steps });
      const entry: ExecutionEvent = { type: event.type };
      if ('state' in event && event.state) entry.state = { name: event.state.name, type: event.state.type };
      if ('Error' in event) entry.error = String(event.Error);
      if (steps !== undefined) entry.steps = steps;
      if (event.type === 'StateEntered') onStateEntered();
      summary.events.push(entry);
      this.options.onExecutionEvent?.(summary.input.enrichment_id, entry);
    }
  }

  async start(input: WorkflowInput): Promise<void> {
    // Execution names are unique, as in Step Functions: a second start of the same enrichment is a no-op.
    if (this.executions.has(input.enrichment_id)) return;
    const summary: ExecutionSummary = {
      status: 'running',
      input: { account_id: input.account_id, enrichment_id: input.enrichment_id, types: input.types },
      stateTransitions: 0,
      stepsRuns: [],
      events: [],
      history: [],
    };
    this.executions.set(input.enrichment_id, summary);
    const overrides = this.overrides(['RecordResult']);
    const execution = this.machine.run(JSON.parse(JSON.stringify(input)) as Json, {
      noThrowOnAbort: true,
      overrides: {
        ...overrides,
        taskResourceLocalHandlers: {
          ...overrides.taskResourceLocalHandlers,
          Steps: (state: Json) => this.runSteps(summary, state),
        },
      },
      context: {
        Execution: {
          Id: `arn:aws:states:us-east-1:000000000000:execution:waterfall:${input.enrichment_id}`,
          Name: input.enrichment_id,
        },
      },
    });
    let endedAs: ExecutionStatus | undefined;
    const timeout = setTimeout(
      () => {
        endedAs = 'timed_out';
        execution.abort();
        for (const abortSteps of this.stepsRunning.get(input.enrichment_id) ?? []) abortSteps();
      },
      (this.options.maxEnrichmentSeconds ?? 3600) * 1000,
    );
    timeout.unref();
    const collect = this.collect(
      summary,
      execution.eventLogs,
      undefined,
      () => (summary.stateTransitions += 1),
    );
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
        this.stepsRunning.delete(input.enrichment_id);
      })
      .then(() => this.report(summary));
    this.running.set(input.enrichment_id, {
      abort: () => {
        endedAs ??= 'aborted';
        execution.abort();
        for (const abortSteps of this.stepsRunning.get(input.enrichment_id) ?? []) abortSteps();
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
