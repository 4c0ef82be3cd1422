import { useId, useState } from "react";
import type { Scenario } from "./scenarios";

export interface ScenarioPickerProps {
  label: string;
  scenarios: readonly Scenario[];
  onChange(scenario: Scenario | undefined): void;
}

/** Mock mode: which of Prism's answers the next call gets, and the Prefer header that asks for it. */
export function ScenarioPicker({ label, scenarios, onChange }: ScenarioPickerProps) {
  const id = useId();
  const [index, setIndex] = useState(0);
  const prefer = scenarios[index]?.prefer;
  return (
    <div className="scenario">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        value={index}
        onChange={(event) => {
          const chosen = Number(event.target.value);
          setIndex(chosen);
          onChange(scenarios[chosen]);
        }}
      >
        {scenarios.map((scenario, i) => (
          <option key={scenario.label} value={i}>
            {scenario.label}
          </option>
        ))}
      </select>
      <code>{prefer ? `Prefer: ${prefer}` : "no Prefer header"}</code>
    </div>
  );
}
