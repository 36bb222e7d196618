/**
 * Published on-demand prices in us-east-1, free tiers left out (what an account past them pays). `checked` is
 * when they were last compared with the pages named.
 */
import { REAL_PROVIDERS } from '../functions/providers/catalog';

export const PRICES = {
  region: 'us-east-1',
  checked: '2026-11-27',
  /** REST API, first 333 million requests a month. */
  apiGatewayPerMillionRequests: { usd: 3.5, source: 'https://aws.amazon.com/api-gateway/pricing/' },
  lambdaPerMillionRequests: { usd: 0.2, source: 'https://aws.amazon.com/lambda/pricing/' },
  /** arm64, duration rounded up to 1 ms. */
  lambdaArmPerGbSecond: { usd: 0.0000133334, source: 'https://aws.amazon.com/lambda/pricing/' },
  /** Every state entered, retries included. */
  stepFunctionsStandardPerThousandTransitions: {
    usd: 0.025,
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  /** Express: every run started, nested runs included. */
  stepFunctionsExpressPerMillionRequests: {
    usd: 1,
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  /**
   * Express duration, first 1,000 GB-hours a month: each run's duration rounded up to 100 ms, times its memory
   * (from the size of the definition and of the data it carries) billed in 64 MB steps. Both Express prices
   * compared on 2026-12-07 with the worked example of the AWS Step Functions Workshop (nested Express workflows:
   * $0.000001 a request, $0.0000001042 per 100 ms at 64 MB), not with the pricing page itself.
   */
  stepFunctionsExpressPerGbSecond: {
    usd: 0.00001667,
    source: 'https://aws.amazon.com/step-functions/pricing/',
  },
  dynamoDbPerMillionWriteUnits: { usd: 0.625, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  dynamoDbPerMillionReadUnits: { usd: 0.125, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/' },
  sqsPerMillionRequests: { usd: 0.4, source: 'https://aws.amazon.com/sqs/pricing/' },
  /** Standard log class. */
  cloudWatchLogsPerGbIngested: { usd: 0.5, source: 'https://aws.amazon.com/cloudwatch/pricing/' },
} as const;

/**
 * Hunter's list price per email found (it counts a request only when it finds one: 1 credit). Growth plan,
 * monthly: $149 for 10,000 credits (Starter $49 for 2,000, $0.0245 a credit; Scale $299 for 25,000, $0.01196;
 * yearly billing 30% less). Looked up 2026-11-29 in a transcription of https://hunter.io/pricing
 * (api-evangelist/hunter, plans/hunter-plans-pricing.yml, re-verified there against the page on 2026-08-13).
 */
export const HUNTER_PRICE = {
  /** The catalog's price (the scorecard's fees), so both say the same. */
  usdPerFind: REAL_PROVIDERS.hunter!.fee!.email!.usd,
  plan: 'Growth plan, monthly: $149 for 10,000 credits',
  source: 'https://hunter.io/pricing, as transcribed by api-evangelist/hunter (verified 2026-08-13)',
  checked: '2026-11-29',
} as const;
