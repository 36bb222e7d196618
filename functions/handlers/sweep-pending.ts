/** Scheduled: finishes or starts pending enrichments whose workflow is not running (functions/domain/enrichment/sweep-pending.ts). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { SweepPending, SweepReport } from '../domain/enrichment/sweep-pending';
import { emitMetric, logger } from './observability';

export function createSweepPendingHandler(sweep: Pick<SweepPending, 'execute' | 'backlog'>) {
  return middy<unknown, SweepReport>()
    .use(injectLambdaContext(logger))
    .handler(async () => {
      const report = await sweep.execute();
      if (report.started || report.finished) logger.warn('pending enrichments swept', { ...report });
      // The backlog as the monitoring sees it: how many are pending, and for how long the oldest has been.
      const backlog = await sweep.backlog();
      emitMetric('pendingEnrichments', backlog.count, {});
      emitMetric('oldestPending', backlog.oldestAgeSeconds, {});
      return report;
    });
}
