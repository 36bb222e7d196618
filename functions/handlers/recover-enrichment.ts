/**
 * EventBridge target: a waterfall execution failed, timed out or was aborted. The enrichment is finished
 * anyway, with what was found so far (functions/domain/enrichment/finish-enrichment.ts).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { EventBridgeEvent } from 'aws-lambda';
import type { FinishEnrichment, FinishReport } from '../domain/enrichment/finish-enrichment';
import type { WorkflowInput } from '../domain/enrichment/waterfall-state';
import { logger } from './observability';

/** The part of Step Functions' "Execution Status Change" event this function reads. */
export interface ExecutionStatusChange {
  status: string;
  name: string;
  /** The execution input, as JSON text: the enrichment's reference, never personal data. */
  input: string | null;
}

export type ExecutionStatusEvent = EventBridgeEvent<
  'Step Functions Execution Status Change',
  ExecutionStatusChange
>;

const REASONS: Readonly<Record<string, string>> = {
  FAILED: 'the workflow failed',
  TIMED_OUT: 'the workflow timed out',
  ABORTED: 'the workflow was aborted',
};

export function createRecoverEnrichmentHandler(finish: Pick<FinishEnrichment, 'execute'>) {
  return middy<ExecutionStatusEvent, FinishReport | { status: 'ignored' }>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const reason = REASONS[event.detail.status];
      const input = JSON.parse(event.detail.input ?? 'null') as Partial<WorkflowInput> | null;
      if (!reason || typeof input?.account_id !== 'string' || typeof input.enrichment_id !== 'string') {
        logger.warn('execution event ignored', { execution: event.detail.name, status: event.detail.status });
        return { status: 'ignored' };
      }
      const outcome = await finish.execute({
        account_id: input.account_id,
        enrichment_id: input.enrichment_id,
        reason,
      });
      logger.info('enrichment recovered', { enrichment_id: input.enrichment_id, reason, ...outcome });
      return outcome;
    });
}
