/** Scheduled: finishes or starts pending enrichments whose workflow is not running (functions/domain/sweep-pending.ts). */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SweepPending, SweepReport } from '../domain/sweep-pending';
import { logger, metrics, OLDEST_PENDING_METRIC, PENDING_ENRICHMENTS_METRIC } from './observability';

export function createSweepPendingHandler(sweep: Pick<SweepPending, 'execute' | 'backlog'>) {
  return middy<unknown, SweepReport>()
    .use(injectLambdaContext(logger))
    .handler(async () => {
      const report = await sweep.execute();
      if (report.started || report.finished) logger.warn('pending enrichments swept', { ...report });
      // The backlog as the monitoring sees it: how many are pending, and for how long the oldest has been.
      const backlog = await sweep.backlog();
      const metric = metrics().singleMetric();
      metric.addMetric(PENDING_ENRICHMENTS_METRIC, MetricUnit.Count, backlog.count);
      metric.addMetric(OLDEST_PENDING_METRIC, MetricUnit.Seconds, backlog.oldestAgeSeconds);
      return report;
    });
}
