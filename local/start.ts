/**
 * `npm start`: runs the whole product on this machine (local/stack.ts) until Ctrl-C, prints how to use it.
 *
 * Environment: PORT (default 3000); LOCAL_PERSIST=1 or `npm start -- --persist` keeps DynamoDB data in
 * .local-data/dynamodb across restarts; WEBHOOK_RETRY_SCHEDULE (seconds before each webhook retry);
 * WATERFALL_CONFIG, `<PROVIDER>_API_KEY` and `<PROVIDER>_BASE_URL` to use real providers.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoAccountAdminStore } from '../functions/adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../functions/adapters/dynamodb/client';
import { AccountAdministration } from '../functions/admin/accounts';
import { LOCAL_STATE_FILE, type LocalStackState } from '../functions/admin/target';
import { systemClock } from '../functions/domain/clock';
import { logger } from '../functions/handlers/observability';
import { makeReadable } from './readable-logs';
import { JavaMissingError } from './dynamodb-local';
import { PortInUseError, startLocalStack, type LocalStack } from './stack';

const DATA_ROOT = join(__dirname, '..', '.local-data');

function timestamp(): string {
  return new Date().toISOString().slice(11, 19);
}

async function createDemoAccount(stack: LocalStack) {
  const db = createDocumentClient({ endpoint: stack.dynamoEndpoint });
  try {
    return await new AccountAdministration(
      new DynamoAccountAdminStore(db, stack.tableName),
      systemClock,
    ).create({
      name: 'Demo',
      credits: 1000,
      personalEmailConsent: true,
      phoneCountryCodes: null,
    });
  } finally {
    db.destroy();
  }
}

/**
 * Structured Lambda logs below WARN and metrics stay quiet: the stack prints readable progress lines instead,
 * and what the functions still log is rewritten into the same readable shape.
 */
function quietLambdaLogs(): void {
  if (!process.env.POWERTOOLS_LOG_LEVEL) logger.setLogLevel('WARN');
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  makeReadable(process.stdout);
  makeReadable(process.stderr);
}

async function main(): Promise<void> {
  quietLambdaLogs();
  const started = Date.now();
  const port = Number(process.env.PORT ?? 3000);
  const persist = process.argv.includes('--persist') || process.env.LOCAL_PERSIST === '1';

  let dataDir: string | undefined;
  if (persist) {
    dataDir = join(DATA_ROOT, 'dynamodb');
    mkdirSync(dataDir, { recursive: true });
  }

  let stack: LocalStack;
  try {
    stack = await startLocalStack({ port, dataDir, log: (line) => console.log(`${timestamp()} ${line}`) });
  } catch (error) {
    if (error instanceof PortInUseError || error instanceof JavaMissingError) {
      console.error(`error: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }

  const state: LocalStackState = {
    pid: process.pid,
    apiUrl: stack.apiUrl,
    dynamoEndpoint: stack.dynamoEndpoint,
    tableName: stack.tableName,
    operatorUrl: `${stack.apiUrl}/_local`,
  };
  mkdirSync(dirname(LOCAL_STATE_FILE), { recursive: true });
  writeFileSync(LOCAL_STATE_FILE, JSON.stringify(state, null, 2));

  const demo = stack.tableCreated ? await createDemoAccount(stack) : undefined;
  const ready = Date.now() - started;
  console.log(`
Contact enrichment API running at ${stack.apiUrl} (ready in ${ready} ms; data ${persist ? `kept in ${dataDir}` : 'in memory'})
${
  demo
    ? `
Demo account (1000 credits, personal email consent):
  account_id      ${demo.account_id}
  api_key         ${demo.api_key}
  webhook_secret  ${demo.webhook_secret}
`
    : ''
}
Create another account:  npm run admin -- accounts create --name "My team" --credits 100
Try it:
  curl -s -X POST ${stack.apiUrl}/contacts/enrich/async \\
    -H "Authorization: Bearer ${demo?.api_key ?? '<api_key>'}" -H "Content-Type: application/json" \\
    -d '{"firstname":"Jane","lastname":"Doe","domain":"acme.com","enrichment_type":["email"]}'

Ctrl-C stops everything.
`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${timestamp()} ${signal}: stopping`);
    rmSync(LOCAL_STATE_FILE, { force: true });
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

void main();
