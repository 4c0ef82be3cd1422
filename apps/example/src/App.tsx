import {
  AuthorizeDocument,
  type AuthorizeInput,
  type GatewayMode,
  GatewayModeDocument,
  type MfaResponseInput,
  SubmitMfaDocument,
} from "@flinks-authorize/gateway/operations";
import { useEffect, useRef, useState } from "react";
import { ChallengeForm } from "./ChallengeForm";
import { followPending } from "./follow";
import { type GatewayClient, GatewayError } from "./gateway";
import { AuthorizedView, FailureView, PendingView, RefusedView } from "./Outcomes";
import type { Authorized, Failure, MfaRequired, Pending, Result } from "./results";
import { StartForm } from "./StartForm";

type Screen =
  | { name: "start" }
  | { name: "working" }
  | { name: "mfa"; result: MfaRequired }
  | { name: "pending"; result: Pending }
  | { name: "authorized"; result: Authorized }
  | { name: "failed"; result: Failure }
  | { name: "refused"; error: GatewayError };

/** One answer of the gateway, listed beside the screen: the path a session took. */
interface Step {
  id: number;
  operation: "authorize" | "submitMfa" | "authorization";
  outcome: string;
  prefer: string | undefined;
}

export interface AppProps {
  client: GatewayClient;
  gatewayUrl: string;
  trustedDocuments: boolean;
}

const asGatewayError = (error: unknown) =>
  error instanceof GatewayError ? error : new GatewayError(String(error), undefined, undefined);

export function App({ client, gatewayUrl, trustedDocuments }: AppProps) {
  const [mode, setMode] = useState<GatewayMode>();
  const [modeError, setModeError] = useState<GatewayError>();
  const [screen, setScreen] = useState<Screen>({ name: "start" });
  const [steps, setSteps] = useState<Step[]>([]);
  /** Aborts the session's calls in flight, the subscription included, on "Start over". */
  const session = useRef<AbortController>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    client
      .execute(GatewayModeDocument, {}, { signal: controller.signal })
      .then(({ gatewayMode }) => setMode(gatewayMode))
      .catch((error: unknown) => controller.signal.aborted || setModeError(asGatewayError(error)));
    return () => controller.abort();
  }, [client]);
  useEffect(() => () => session.current?.abort(), []);

  function show(operation: Step["operation"], result: Result, prefer: string | undefined) {
    setSteps((previous) => [
      ...previous,
      { id: previous.length, operation, outcome: result.__typename, prefer },
    ]);
    switch (result.__typename) {
      case "Authorized":
        return setScreen({ name: "authorized", result });
      case "MfaRequired":
        return setScreen({ name: "mfa", result });
      case "Pending":
        return setScreen({ name: "pending", result });
      default:
        // The unions grow: an error type newer than this app still implements Error.
        return setScreen({ name: "failed", result });
    }
  }

  /** Shows a call's result; a Pending is followed over the subscription until it settles. */
  async function settle(
    operation: Step["operation"],
    call: Promise<Result>,
    prefer: string | undefined,
    signal: AbortSignal,
  ) {
    try {
      const result = await call;
      if (signal.aborted) return;
      show(operation, result, prefer);
      if (result.__typename !== "Pending") return;
      for await (const update of followPending(client, result, signal))
        show("authorization", update, undefined);
    } catch (error) {
      if (!signal.aborted) setScreen({ name: "refused", error: asGatewayError(error) });
    }
  }

  function newSession(): AbortSignal {
    session.current?.abort();
    session.current = new AbortController();
    return session.current.signal;
  }

  function authorize(input: AuthorizeInput, prefer: string | undefined) {
    const signal = newSession();
    setSteps([]);
    setScreen({ name: "working" });
    const call = client.execute(AuthorizeDocument, { input }, { prefer, signal });
    void settle(
      "authorize",
      call.then((data) => data.authorize),
      prefer,
      signal,
    );
  }

  function submitMfa(handle: string, responses: MfaResponseInput[], prefer: string | undefined) {
    const signal = newSession();
    setScreen({ name: "working" });
    const call = client.execute(SubmitMfaDocument, { input: { handle, responses } }, { prefer, signal });
    void settle(
      "submitMfa",
      call.then((data) => data.submitMfa),
      prefer,
      signal,
    );
  }

  function startOver() {
    session.current?.abort();
    setSteps([]);
    setScreen({ name: "start" });
  }

  const mock = mode === "MOCK";
  return (
    <main>
      <header>
        <h1>Flinks Authorize: an example consumer</h1>
        <p className="gateway">
          Gateway <code>{gatewayUrl}</code> · {mode ? (mock ? "mock (Prism)" : "live") : "…"} · trusted
          documents {trustedDocuments ? "on" : "off"}
        </p>
      </header>
      {modeError && <RefusedView error={modeError} />}
      <div className="layout">
        <div className="card">
          {screen.name === "start" && <StartForm mock={mock} onSubmit={authorize} />}
          {screen.name === "working" && (
            <p className="working" aria-busy="true">
              Contacting your bank…
            </p>
          )}
          {screen.name === "mfa" && (
            <ChallengeForm
              mfa={screen.result}
              mock={mock}
              onSubmit={(responses, prefer) => submitMfa(screen.result.handle, responses, prefer)}
            />
          )}
          {screen.name === "pending" && <PendingView pending={screen.result} />}
          {screen.name === "authorized" && <AuthorizedView authorized={screen.result} />}
          {screen.name === "failed" && <FailureView failure={screen.result} />}
          {screen.name === "refused" && <RefusedView error={screen.error} />}
          {screen.name !== "start" && screen.name !== "working" && (
            <button type="button" className="secondary" onClick={startOver}>
              Start over
            </button>
          )}
        </div>
        <aside aria-labelledby="steps">
          <h2 id="steps">What the gateway answered</h2>
          <ol className="steps">
            {steps.map((step) => (
              <li key={step.id}>
                <code>{step.operation}</code> → <strong>{step.outcome}</strong>
                {step.prefer && <small>Prefer: {step.prefer}</small>}
              </li>
            ))}
          </ol>
        </aside>
      </div>
    </main>
  );
}
