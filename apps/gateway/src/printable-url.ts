/**
 * A URL as it may be printed or logged: an upstream URL may carry a user and password
 * (`https://user:secret@host`), which never reach a log or a terminal. No trailing slash.
 */
export function printableUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.href.replace(/\/+$/, "");
}
