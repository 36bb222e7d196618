/**
 * `npm start`: runs the whole product on this machine (local/stack.ts) until Ctrl-C.
 *
 * Environment: PORT (default 3000); LOCAL_PERSIST=1 or `npm start -- --persist` keeps DynamoDB data in
 * .local-data/dynamodb across restarts; WEBHOOK_RETRY_SCHEDULE (seconds before each webhook retry);
 * WATERFALL_CONFIG and `<PROVIDER>_API_KEY` to use real providers.
 */

// Structured Lambda logs stay quiet locally (the stack prints readable progress lines instead); the loggers
// read this when their modules load, hence before the import below.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

void import('./run-local-stack').then(({ main }) => main());
