// Structured Lambda logs stay quiet in the local stack, which prints readable progress lines instead. The
// loggers read these variables when their modules load, so this module is imported first.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
