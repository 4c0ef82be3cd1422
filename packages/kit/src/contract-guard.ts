/**
 * Reads Prism's verdict on each call. In mock mode an invalid request still gets an answer (the operation's
 * own 400/401), flagged only by an `sl-violations` header; a `--errors` proxy, or an operation without a
 * 400, answers 422 problem+json instead. Either way our request broke the contract.
 */
export interface PrismViolation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

/** The `sl-violations` header as Prism sent it; a header that is not Prism's JSON array is one violation. */
export function violationsOf(response: Response): PrismViolation[] {
  const header = response.headers.get("sl-violations");
  if (header === null) return [];
  try {
    const parsed: unknown = JSON.parse(header);
    if (Array.isArray(parsed)) return parsed as PrismViolation[];
  } catch {
    // fall through
  }
  return [{ location: ["unknown"], severity: "Error", code: "unparsable", message: header }];
}

/** Violations located in our request (`location[0] === "request"`), i.e. the caller's fault. */
export const requestViolations = (response: Response): PrismViolation[] =>
  violationsOf(response).filter((violation) => violation.location[0] === "request");

const describe = (violation: PrismViolation) =>
  `${violation.severity} at ${violation.location.join(".")}: ${violation.message} (${violation.code})`;

/**
 * What is wrong with our call according to Prism, in Prism's own words, or undefined when nothing is:
 * a request violation in `sl-violations`, or a 422 (with its problem+json detail and validation list).
 */
export async function contractProblem(request: Request, response: Response): Promise<string | undefined> {
  const where = `${request.method} ${new URL(request.url).pathname}`;
  const problems = requestViolations(response).map(describe);
  if (response.status === 422) {
    let detail = "";
    try {
      const body = (await response.clone().json()) as {
        detail?: string;
        validation?: Array<{ location?: string[]; message?: string; code?: string | number }>;
      };
      detail = [
        body.detail,
        ...(body.validation ?? []).map((v) => `${(v.location ?? []).join(".")}: ${v.message} (${v.code})`),
      ]
        .filter(Boolean)
        .join("; ");
    } catch {
      detail = "(no problem+json body)";
    }
    problems.push(`HTTP 422 from Prism: ${detail}`);
  }
  return problems.length === 0
    ? undefined
    : `Prism says ${where} breaks the contract:\n  - ${problems.join("\n  - ")}`;
}

export interface SeenCall {
  method: string;
  url: string;
  headers: Headers;
  body: string;
  status: number;
}

export interface ContractGuard {
  /** Give this to the client (or gateway) as its `fetch`: it calls `inner` and records Prism's verdict. */
  fetch: (request: Request) => Promise<Response>;
  /** Problems recorded since the last `take()`, and forgets them. */
  take(): string[];
  /** Throws with Prism's messages when any call since the last take broke the contract. */
  assertClean(): void;
  /** Every call seen, in order: the request as sent, and the status Prism answered. */
  readonly calls: ReadonlyArray<SeenCall>;
}

/** Wraps a fetch so that every answer is checked for Prism's request violations and 422s. */
export function guardFetch(inner: (request: Request) => Promise<Response>): ContractGuard {
  let problems: string[] = [];
  const calls: SeenCall[] = [];
  const take = () => {
    const taken = problems;
    problems = [];
    return taken;
  };
  return {
    calls,
    take,
    fetch: async (request) => {
      const seen = {
        method: request.method,
        url: request.url,
        headers: new Headers(request.headers),
        body: request.body ? await request.clone().text() : "",
      };
      const response = await inner(request);
      calls.push({ ...seen, status: response.status });
      const problem = await contractProblem(request, response);
      if (problem) problems.push(problem);
      return response;
    },
    assertClean() {
      const taken = take();
      if (taken.length > 0) throw new Error(taken.join("\n"));
    },
  };
}
