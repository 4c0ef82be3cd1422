import type { ExecutionResult } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * A request refused before it ran (a document that does not parse or validate, variables that do not
 * fit, input past its bounds) cost the gateway work all the same: it is charged to its consumer's
 * session-call budget like a call that ran, so a consumer cannot spend the gateway's CPU on refusals
 * for free. Unauthenticated requests never get this far (use-caller-auth.ts refuses them first).
 */
export function useRefusalCharge({ charge }: { charge: (request: Request) => Promise<unknown> }): Plugin {
  const refused = (result: unknown) => {
    const single = result as ExecutionResult | undefined;
    return (
      typeof single === "object" && single !== null && !("data" in single) && Boolean(single.errors?.length)
    );
  };
  return {
    async onResultProcess({ request, result }) {
      if (refused(result)) await charge(request);
    },
  };
}
