/**
 * The operator CLI: `npm run admin -- <command>`. Prints one JSON object on stdout per command; errors go to
 * stderr as `{ "error": "…" }` with a non-zero exit code.
 *
 * Target: the table named by TABLE_NAME (AWS credentials and region from the usual AWS environment, optional
 * DYNAMODB_ENDPOINT); without TABLE_NAME, the running local stack (`npm start`), found through the state file it
 * writes.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import {
  AccountNotFoundError,
  DynamoAccountAdminStore,
  KeyNotFoundError,
} from '../adapters/dynamodb/account-admin-store';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { DynamoSuppressionList } from '../adapters/dynamodb/suppression-store';
import { ISO_COUNTRY_CODES } from '../domain/enrichment/countries';
import { ApiError } from '../domain/errors';
import { InvalidGrantError } from '../domain/credits/credits';
import { systemClock } from '../domain/clock';
import { AccountAdministration } from './accounts';
import { SuppressionAdministration } from './suppressions';
import { DynamoProviderTraffic } from '../adapters/dynamodb/provider-traffic-store';
import { DEFAULT_SWEEP_AGE_SECONDS } from '../domain/enrichment/sweep-pending';
import { knownProviderNames, providerFees } from '../providers/directory';
import { DynamoProviderStats } from '../adapters/dynamodb/usage-store';
import { DEFAULT_STATS_DAYS, MAX_STATS_DAYS, ProviderScorecard } from './provider-stats';
import {
  normaliseSuppression,
  SuppressionNotFoundError,
  type SuppressionKind,
} from '../domain/privacy/suppression-list';
import {
  MissingQueueError,
  MissingWaterfallConfigError,
  MissingWebhookQueueError,
  MissingWorkflowError,
  NoTargetError,
  OperatorRefusedError,
  resolveTarget,
  type AdminTarget,
} from './target';

export class UsageError extends Error {}

/** What a usage error points to, rather than the whole usage text. */
export const USAGE_HINT = 'npm run admin -- --help lists the commands and their options';

export const USAGE = `usage: npm run admin -- <command>

Each command prints one JSON object on stdout. Target: the table named by TABLE_NAME (with AWS_REGION and
credentials), else the running local stack (npm start).

  accounts create --name <name> [--credits <int>] [--personal-email-consent] [--phone-country-codes US,FR]
  accounts list
  accounts get <account_id>
  accounts grant <account_id> --credits <int>
  accounts set <account_id> [--personal-email-consent true|false] [--phone-country-codes US,FR|none]
                [--rate-limit <contacts per second>|default]
  accounts ledger <account_id>                     every credit movement, newest first
  keys create <account_id>
  keys revoke <account_id> <key_prefix>
  webhooks redrive                                 in AWS: WEBHOOK_QUEUE_URL and WEBHOOK_DLQ_URL
  webhooks resend <account_id> <enrichment_id>     in AWS: WEBHOOK_QUEUE_URL
  enrichments recover [--older-than <seconds>]     default 300; in AWS: STATE_MACHINE_ARN, WEBHOOK_QUEUE_URL
  providers status                                 each provider's circuit breaker and recent calls
  providers reset <provider>                       close a provider's breaker once its key is fixed
  providers stats [--days 7]                       per provider and type: calls, find rate, latency, fees;
                                                   per type the recommended order of the target's waterfall;
                                                   in AWS: WATERFALL_CONFIG, the deployed value (required)
  suppressions add (--email <e> | --linkedin-url <u> | --domain <d>) [--by <who>]   --by: default the OS user
  suppressions remove (--email <e> | --linkedin-url <u> | --domain <d>)
  suppressions list                                every entry: kind, normalised value, added_at, added_by
`;

function credits(value: string | undefined, required: boolean): number {
  if (value === undefined) {
    if (required) throw new UsageError('--credits <int> is required');
    return 0;
  }
  // Any whole number reaches the accounts domain, which says what it takes (a grant: at least 1).
  if (!/^-?\d{1,9}$/.test(value)) throw new UsageError(`--credits takes a whole number, got "${value}"`);
  return Number(value);
}

/** The most an account's own rate may be: the `accountRateLimit` setting's bound. */
const MAX_ACCOUNT_RATE = 100_000;

/** An account's own rate (contacts per second), or null for `default` (the deployment's). */
function rateLimit(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === 'default') return null;
  const rate = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(rate >= 1 && rate <= MAX_ACCOUNT_RATE)) {
    throw new UsageError(
      `--rate-limit must be 1 to ${MAX_ACCOUNT_RATE} or default, got ${JSON.stringify(value)}`,
    );
  }
  return rate;
}

function countryCodes(value: string | undefined): string[] | null | undefined {
  if (value === undefined) return undefined;
  if (value.toLowerCase() === 'none') return null;
  const codes = [
    ...new Set(
      value
        .split(',')
        .map((code) => code.trim().toUpperCase())
        .filter(Boolean),
    ),
  ];
  const unknown = codes.filter((code) => !ISO_COUNTRY_CODES.has(code));
  if (!codes.length || unknown.length)
    throw new UsageError(`--phone-country-codes has unknown codes: ${unknown.join(', ') || value}`);
  return codes;
}

function seconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value))
    throw new UsageError(`--older-than must be a number of seconds, got "${value}"`);
  return Number(value);
}

function days(value: string | undefined): number {
  if (value === undefined) return DEFAULT_STATS_DAYS;
  const count = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(count >= 1 && count <= MAX_STATS_DAYS))
    throw new UsageError(`--days must be 1 to ${MAX_STATS_DAYS}, got ${JSON.stringify(value)}`);
  return count;
}

function flag(value: string | boolean | undefined): boolean | undefined {
  if (value === undefined || typeof value === 'boolean') return value;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new UsageError(`--personal-email-consent takes true or false, got "${value}"`);
}

const SUPPRESSION_OPTIONS = { email: 'email', 'linkedin-url': 'linkedin_url', domain: 'domain' } as const;

/** Exactly one of `--email`, `--linkedin-url`, `--domain`, with a value that normalises as a request's would. */
function suppressionValue(values: Partial<Record<keyof typeof SUPPRESSION_OPTIONS, string>>): {
  kind: SuppressionKind;
  input: string;
} {
  const given = (Object.keys(SUPPRESSION_OPTIONS) as Array<keyof typeof SUPPRESSION_OPTIONS>).filter(
    (option) => values[option] !== undefined,
  );
  const option = given[0];
  if (given.length !== 1 || option === undefined)
    throw new UsageError('give exactly one of --email, --linkedin-url, --domain');
  const kind = SUPPRESSION_OPTIONS[option];
  const input = values[option]!;
  if (normaliseSuppression(kind, input) === undefined)
    throw new UsageError(`--${option} "${input}" is not a valid ${kind.replace('_', ' ')}`);
  return { kind, input };
}

/** Who adds a suppression: `--by`, else the operator's OS user. */
function operator(by: string | undefined): string {
  if (by?.trim()) return by.trim();
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

function positional(values: string[], index: number, name: string): string {
  const value = values[index];
  if (!value) throw new UsageError(`<${name}> is required`);
  return value;
}

/** `--personal-email-consent` alone means true; other options take a value. */
function parseOptions(args: string[]) {
  const expanded = args.flatMap((arg, index) =>
    arg === '--personal-email-consent' && (args[index + 1] === undefined || args[index + 1]!.startsWith('--'))
      ? [arg, 'true']
      : [arg],
  );
  // `--credits -5` is a value, not an option: parseArgs would take `-5` for a flag.
  for (let i = 0; i < expanded.length - 1; i += 1) {
    if (expanded[i] === '--credits' && /^-\d/.test(expanded[i + 1]!)) {
      expanded.splice(i, 2, `--credits=${expanded[i + 1]!}`);
    }
  }
  try {
    return parseArgs({
      args: expanded,
      allowPositionals: true,
      strict: true,
      options: {
        name: { type: 'string' },
        credits: { type: 'string' },
        'personal-email-consent': { type: 'string' },
        'phone-country-codes': { type: 'string' },
        'rate-limit': { type: 'string' },
        'older-than': { type: 'string' },
        days: { type: 'string' },
        email: { type: 'string' },
        'linkedin-url': { type: 'string' },
        domain: { type: 'string' },
        by: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export async function runAdmin(argv: string[], target: AdminTarget): Promise<unknown> {
  const [group, command, ...rest] = argv;
  const { values, positionals } = parseOptions(rest);
  const db = createDocumentClient({ endpoint: target.dynamoEndpoint, region: target.region });
  const admin = new AccountAdministration(new DynamoAccountAdminStore(db, target.tableName), systemClock);
  const suppressions = new SuppressionAdministration(
    new DynamoSuppressionList(db, target.tableName),
    systemClock,
  );
  try {
    switch (`${group} ${command}`) {
      case 'accounts create': {
        if (!values.name?.trim()) throw new UsageError('--name <name> is required');
        return await admin.create({
          name: values.name.trim(),
          credits: credits(values.credits, false),
          personalEmailConsent: flag(values['personal-email-consent']) ?? false,
          phoneCountryCodes: countryCodes(values['phone-country-codes']) ?? null,
        });
      }
      case 'accounts get': {
        const id = positional(positionals, 0, 'account_id');
        const account = await admin.get(id);
        if (!account) throw new AccountNotFoundError(id);
        return account;
      }
      case 'accounts list':
        return await admin.list();
      case 'accounts ledger': {
        const id = positional(positionals, 0, 'account_id');
        const ledger = await admin.ledger(id);
        if (!ledger) throw new AccountNotFoundError(id);
        return ledger;
      }
      case 'accounts grant':
        return await admin.grant(positional(positionals, 0, 'account_id'), credits(values.credits, true));
      case 'accounts set': {
        const settings = {
          personal_email_consent: flag(values['personal-email-consent']),
          default_phone_country_codes: countryCodes(values['phone-country-codes']),
          rate_limit: rateLimit(values['rate-limit']),
        };
        if (
          settings.personal_email_consent === undefined &&
          settings.default_phone_country_codes === undefined &&
          settings.rate_limit === undefined
        ) {
          throw new UsageError(
            'accounts set needs --personal-email-consent, --phone-country-codes or --rate-limit',
          );
        }
        return await admin.set(positional(positionals, 0, 'account_id'), settings);
      }
      case 'keys create':
        return await admin.createKey(positional(positionals, 0, 'account_id'));
      case 'keys revoke':
        return await admin.revokeKey(
          positional(positionals, 0, 'account_id'),
          positional(positionals, 1, 'key_prefix'),
        );
      case 'webhooks redrive':
        return await target.redriveWebhooks();
      case 'webhooks resend':
        return await target.resendWebhook(
          positional(positionals, 0, 'account_id'),
          positional(positionals, 1, 'enrichment_id'),
        );
      case 'enrichments recover':
        return await target.recoverEnrichments(seconds(values['older-than'], DEFAULT_SWEEP_AGE_SECONDS));
      case 'providers status': {
        const traffic = new DynamoProviderTraffic(db, target.tableName, {
          rateLimits: {},
          cooldownSeconds: 0,
        });
        const now = Date.now();
        return {
          providers: await Promise.all(knownProviderNames().map((name) => traffic.status(name, now))),
        };
      }
      case 'providers reset': {
        const name = positional(positionals, 0, 'provider');
        if (!knownProviderNames().includes(name)) throw new UsageError(`unknown provider "${name}"`);
        const traffic = new DynamoProviderTraffic(db, target.tableName, {
          rateLimits: {},
          cooldownSeconds: 0,
        });
        await traffic.close(name);
        return await traffic.status(name, Date.now());
      }
      case 'providers stats':
        return await new ProviderScorecard({
          stats: new DynamoProviderStats(db, target.tableName),
          waterfall: target.waterfall,
          fees: providerFees(),
          clock: systemClock,
        }).read(days(values.days));
      case 'suppressions add': {
        const { kind, input } = suppressionValue(values);
        return await suppressions.add(kind, input, operator(values.by));
      }
      case 'suppressions remove': {
        const { kind, input } = suppressionValue(values);
        return await suppressions.remove(kind, input);
      }
      case 'suppressions list':
        return await suppressions.list();
      default:
        throw new UsageError(`unknown command "${[group, command].filter(Boolean).join(' ')}"`);
    }
  } finally {
    db.destroy();
  }
}

/** Where the CLI writes: the process's streams, or a test's buffers. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CliOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Runs one command as `npm run admin -- <argv>` does; answers the exit code (0, 1 on an error, 2 on misuse). */
export async function main(
  argv: string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  output: CliOutput = processOutput,
): Promise<number> {
  try {
    if (!argv.length || argv[0] === '--help' || argv[0] === 'help') {
      output.stdout(USAGE);
      return 0;
    }
    const result = await runAdmin(argv, resolveTarget(env));
    output.stdout(`${JSON.stringify(result)}\n`);
    return 0;
  } catch (error) {
    const known =
      error instanceof UsageError ||
      error instanceof AccountNotFoundError ||
      error instanceof KeyNotFoundError ||
      error instanceof NoTargetError ||
      error instanceof MissingQueueError ||
      error instanceof MissingWebhookQueueError ||
      error instanceof OperatorRefusedError ||
      error instanceof SuppressionNotFoundError ||
      error instanceof ApiError ||
      error instanceof MissingWorkflowError ||
      error instanceof MissingWaterfallConfigError ||
      error instanceof InvalidGrantError;
    const message = known
      ? (error as Error).message
      : `${(error as Error).name}: ${(error as Error).message}`;
    output.stderr(
      `${JSON.stringify({ error: message, ...(error instanceof UsageError ? { hint: USAGE_HINT } : {}) })}\n`,
    );
    return error instanceof UsageError ? 2 : 1;
  }
}

// Run when invoked as the CLI, not when imported (by the tests).
if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
