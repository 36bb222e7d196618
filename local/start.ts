/**
 * `npm start`: runs the whole product on this machine (local/stack.ts) until Ctrl-C.
 *
 * Environment: PORT (default 3000); LOCAL_PERSIST=1 or `npm start -- --persist` keeps DynamoDB data in
 * .local-data/dynamodb across restarts; WEBHOOK_RETRY_SCHEDULE (seconds before each webhook retry);
 * WATERFALL_CONFIG and `<PROVIDER>_API_KEY` to use real providers.
 */
import './quiet-lambda-logs';
import { main } from './run-local-stack';

void main();
