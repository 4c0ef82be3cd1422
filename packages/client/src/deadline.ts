import { unexpected } from "./answers.js";
import type { CallOptions } from "./client.js";
import type { TransportFailure } from "./outcomes.js";
import { ResponseTooLargeError } from "./transport.js";

/**
 * Each call's clock: a fresh deadline combined with the caller's signal, and whatever the call throws
 * turned into a typed failure (timeout, aborted, network error, an answer too large).
 */

/** The longest delay `setTimeout` honours. */
const MAX_TIMER_MS = 2_147_483_647;

export function assertTimeout(timeoutMs: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
    throw new RangeError(`timeoutMs must be a positive whole number of milliseconds, got ${timeoutMs}.`);
  }
}

/**
 * Runs one call under a fresh deadline combined with the caller's signal, and turns whatever it throws
 * into a typed failure. The timer is cleared when the call settles, so no timer outlives its call.
 */
export async function withDeadline<T>(
  options: CallOptions,
  defaultTimeoutMs: number,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T | TransportFailure> {
  const relative = options.timeoutMs ?? (options.deadline === undefined ? defaultTimeoutMs : undefined);
  if (relative !== undefined) assertTimeout(relative);
  if (options.deadline !== undefined && !Number.isFinite(options.deadline)) {
    throw new RangeError(`deadline must be epoch milliseconds, got ${options.deadline}.`);
  }
  const untilDeadline = options.deadline === undefined ? undefined : Math.ceil(options.deadline - Date.now());
  const timeoutMs = Math.min(relative ?? MAX_TIMER_MS, untilDeadline ?? MAX_TIMER_MS, MAX_TIMER_MS);
  if (timeoutMs <= 0) {
    return { kind: "timeout", timeoutMs: 0, message: "The deadline passed before the call was sent." };
  }
  const callerSignal = options.signal;
  if (callerSignal?.aborted) return { kind: "aborted", message: "The call was aborted before it started." };

  const controller = new AbortController();
  let timedOut = false;
  let rejectOnAbort: (reason: unknown) => void = () => {};
  // The deadline holds even over a fetch that ignores its signal: the call is raced against it.
  const aborted = new Promise<never>((_, reject) => {
    rejectOnAbort = reject;
  });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`No complete answer within ${timeoutMs} ms.`, "TimeoutError"));
  }, timeoutMs);
  const onAbort = () => rejectOnAbort(controller.signal.reason);
  controller.signal.addEventListener("abort", onAbort, { once: true });
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener("abort", onCallerAbort, { once: true });
  try {
    return await Promise.race([call(controller.signal), aborted]);
  } catch (error) {
    if (timedOut)
      return { kind: "timeout", timeoutMs, message: `Flinks did not answer within ${timeoutMs} ms.` };
    if (callerSignal?.aborted) return { kind: "aborted", message: "The call was aborted by its caller." };
    if (error instanceof ResponseTooLargeError) {
      return unexpected(
        error.status,
        "tooLarge",
        `Flinks answered HTTP ${error.status} with a body over the ${error.limit}-byte limit.`,
      );
    }
    return networkError(error);
  } finally {
    clearTimeout(timer);
    controller.signal.removeEventListener("abort", onAbort);
    callerSignal?.removeEventListener("abort", onCallerAbort);
  }
}

/**
 * Keeps only the system error code of a thrown fetch error. Messages of nested causes can quote the
 * request, so none of them is copied.
 */
function networkError(error: unknown): TransportFailure {
  let code: string | undefined;
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 5; at = at.cause, depth++) {
    const candidate = (at as { code?: unknown }).code;
    if (typeof candidate === "string" && /^[A-Z][A-Z0-9_]+$/.test(candidate)) {
      code = candidate;
      break;
    }
  }
  return {
    kind: "networkError",
    code,
    message: code ? `Could not reach Flinks (${code}).` : "Could not reach Flinks.",
  };
}
