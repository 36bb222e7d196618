/** POST /contacts/{id}/feedback: a client's outcome of the results, the refund of bad ones. */
import { lambdaHandler } from '../adapters/aws/lambda-platform';
import { feedbackHandler } from '../composition';
import { defineFunction } from './define';

export const spec = defineFunction({
  name: 'feedback',
  description: 'POST /contacts/{id}/feedback: outcome feedback on the results, and the refund of bad ones',
  trigger: { kind: 'http', routes: [{ method: 'POST', path: '/contacts/{id}/feedback' }] },
  timeoutSeconds: 10,
  // Reads the record; one transaction of updates (record, account, counters) and a ledger Put; then reads and
  // deletes (conditionally) the bad results' cache items.
  table: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem'],
  settings: ['refundOnBounce', 'refundWindowDays', 'waterfall', 'resultCacheDays', 'resultCacheScope'],
  needs: [],
  build: (runtime) => feedbackHandler(runtime),
});

export const handler = lambdaHandler(spec, {});
