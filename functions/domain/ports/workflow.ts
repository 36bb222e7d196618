/** The workflow: starting an enrichment's execution and asking whether it still runs. */
import type { WorkflowInput } from '../enrichment/waterfall-state';

export interface WorkflowStarter {
  /** Starts the waterfall; starting the same enrichment twice is harmless. */
  start(input: WorkflowInput): Promise<void>;
}

export type WorkflowStatus = 'running' | 'ended' | 'missing';

export interface WorkflowInspector {
  /** Whether the enrichment's execution is running, has ended (however), or was never started. */
  status(enrichmentId: string): Promise<WorkflowStatus>;
}
