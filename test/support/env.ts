/** Quiet structured logs during tests; a failing test prints what it needs itself. */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// Tests that are not about the results cache ask providers every time, whoever they enrich; cache tests turn it on.
process.env.RESULT_CACHE_DAYS ??= '0';
// Tests that are not about the account rate limit send as fast as they like; its tests give an account a rate.
process.env.ACCOUNT_RATE_LIMIT ??= '0';
