import { Logger } from '@aws-lambda-powertools/logger';

// One JSON logger for every function. Personal data (NIK, KK, passwords, codes) is
// never passed to it: log ids and outcomes only. The redaction below is a last guard.
const SIXTEEN_DIGITS = /\b\d{16}\b/g;

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'prakerja',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | undefined) ?? 'INFO',
  jsonReplacerFn: (_key: string, value: unknown) =>
    typeof value === 'string' ? value.replace(SIXTEEN_DIGITS, '[redacted-16-digits]') : value,
});
