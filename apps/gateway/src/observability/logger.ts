import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Paths pino blanks out wherever they appear in a log object. Nothing here logs these on purpose; this
 * is the net under the code: keys, tokens, credentials and MFA answers.
 */
export const REDACTED_PATHS = [
  "headers.authorization",
  'headers["flinks-auth-key"]',
  "*.headers.authorization",
  '*.headers["flinks-auth-key"]',
  "password",
  "*.password",
  "Password",
  "*.Password",
  "token",
  "*.token",
  "Token",
  "*.Token",
  "secretKey",
  "*.secretKey",
  "SecurityResponses",
  "*.SecurityResponses",
  "answers",
  "*.answers",
  "variables",
  "*.variables",
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "flinks-authorize-gateway" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
