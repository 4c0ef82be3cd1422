import type { AuthorizeInput } from "@flinks-authorize/gateway/operations";
import { type FormEvent, useState } from "react";
import { ScenarioPicker } from "./ScenarioPicker";
import { AUTHORIZE_SCENARIOS } from "./scenarios";

/** The spec's example LoginId: Prism answers any, a real Flinks only its own. */
const EXAMPLE_LOGIN_ID = "5e115eac-1209-4f19-641c-08d6d484e2fe";

export interface StartFormProps {
  /** Mock mode: offer Prism's scenarios. */
  mock: boolean;
  onSubmit(input: AuthorizeInput, prefer: string | undefined): void;
}

/**
 * Cached mode (a LoginId from an earlier connection) or live mode (bank credentials). The password is
 * held in this form's state until it is sent, then cleared; nothing stores or logs it.
 */
export function StartForm({ mock, onSubmit }: StartFormProps) {
  const [mode, setMode] = useState<"cached" | "live">("cached");
  const [loginId, setLoginId] = useState(EXAMPLE_LOGIN_ID);
  const [institution, setInstitution] = useState("FlinksCapital");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [scenario, setScenario] = useState(AUTHORIZE_SCENARIOS[0]);

  function submit(event: FormEvent) {
    event.preventDefault();
    const input: AuthorizeInput = mode === "cached" ? { loginId } : { institution, username, password };
    setPassword("");
    onSubmit(input, scenario?.prefer);
  }

  return (
    <form onSubmit={submit} autoComplete="off">
      <h2>Connect your bank account</h2>
      <fieldset className="modes">
        <legend>How</legend>
        <label>
          <input type="radio" name="mode" checked={mode === "cached"} onChange={() => setMode("cached")} />
          Cached: a login connected before
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === "live"} onChange={() => setMode("live")} />
          Live: sign in to the bank
        </label>
      </fieldset>
      {mode === "cached" ? (
        <label>
          Login id
          <input value={loginId} onChange={(event) => setLoginId(event.target.value)} required />
        </label>
      ) : (
        <>
          <label>
            Institution
            <input value={institution} onChange={(event) => setInstitution(event.target.value)} required />
          </label>
          <label>
            Username
            <input value={username} onChange={(event) => setUsername(event.target.value)} required />
          </label>
          <label>
            Password
            <input
              type="password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              autoComplete="off"
              required
            />
          </label>
        </>
      )}
      {mock && (
        <ScenarioPicker label="Mock scenario" scenarios={AUTHORIZE_SCENARIOS} onChange={setScenario} />
      )}
      <button type="submit">Connect</button>
    </form>
  );
}
