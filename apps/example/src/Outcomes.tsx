import type { GatewayError } from "./gateway";
import type { Authorized, Failure, Pending } from "./results";

export function AuthorizedView({ authorized }: { authorized: Authorized }) {
  const { login } = authorized;
  return (
    <section className="outcome success" aria-labelledby="authorized">
      <h2 id="authorized">Connected to {authorized.institutionName ?? authorized.institution}</h2>
      <p>The session is open: the server side reads the accounts with this request id.</p>
      <dl>
        <dt>Request id</dt>
        <dd>{authorized.requestId}</dd>
        <dt>Login id</dt>
        <dd>{login.id}</dd>
        {login.username && (
          <>
            <dt>Username</dt>
            <dd>{login.username}</dd>
          </>
        )}
        {login.lastRefresh && (
          <>
            <dt>Last refresh</dt>
            <dd>{new Date(login.lastRefresh).toLocaleString()}</dd>
          </>
        )}
        <dt>Data endpoints</dt>
        <dd>{authorized.links.map((link) => link.rel).join(", ") || "none"}</dd>
      </dl>
    </section>
  );
}

export function PendingView({ pending }: { pending: Pending }) {
  return (
    <section className="outcome pending" aria-labelledby="pending" aria-busy="true">
      <h2 id="pending">Your bank is still working…</h2>
      <p>{pending.message}</p>
      <p className="hint">
        Following the session over server-sent events (the <code>authorization</code> subscription):{" "}
        {pending.reason}.
      </p>
    </section>
  );
}

/** Every `Error` member of the result unions: its message, code and whether a retry may help. */
export function FailureView({ failure }: { failure: Failure }) {
  return (
    <section className="outcome failure" role="alert" aria-labelledby="failure">
      <h2 id="failure">{failure.message}</h2>
      <dl>
        <dt>Result</dt>
        <dd>{failure.__typename}</dd>
        <dt>Code</dt>
        <dd>{failure.code ?? "none (the gateway's side)"}</dd>
        <dt>Retryable</dt>
        <dd>
          {failure.retryable
            ? "Yes: the same request may succeed later, unchanged."
            : "No: something must change before trying again."}
        </dd>
        {(failure.__typename === "GatewayBusyError" || failure.__typename === "RateLimitedError") && (
          <>
            <dt>Retry after</dt>
            <dd>{failure.retryAfterSeconds} s</dd>
          </>
        )}
        {failure.__typename === "RateLimitedError" && (
          <>
            <dt>Limit</dt>
            <dd>{failure.scope === "END_USER" ? "this end user's attempts" : "this application's calls"}</dd>
          </>
        )}
      </dl>
      {failure.__typename === "InvalidInputError" && (
        <ul className="issues">
          {failure.issues.map((issue) => (
            <li key={issue.path.join(".")}>
              <code>{issue.path.join(".")}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** The request itself was refused (or never arrived): no result to show, only why. */
export function RefusedView({ error }: { error: GatewayError }) {
  return (
    <section className="outcome failure" role="alert" aria-labelledby="refused">
      <h2 id="refused">The gateway did not run the request</h2>
      <p>{error.message}</p>
      <dl>
        <dt>Code</dt>
        <dd>{error.code ?? "none"}</dd>
        {error.status !== undefined && (
          <>
            <dt>HTTP status</dt>
            <dd>{error.status}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
