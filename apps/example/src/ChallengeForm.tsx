import { type FormEvent, useState } from "react";
import type { Challenge, MfaRequired } from "./results";
import { ScenarioPicker } from "./ScenarioPicker";
import { ANSWER_SCENARIOS } from "./scenarios";

export interface ChallengeFormProps {
  mfa: MfaRequired;
  /** Mock mode: offer Prism's answer scenarios. */
  mock: boolean;
  onSubmit(responses: Array<{ prompt: string; answers: string[] }>, prefer: string | undefined): void;
}

/** Only base64 becomes an image source: a choice is the institution's text, not ours. */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Every challenge of an MfaRequired, each rendered for its type. The answers live in this component's
 * state only: they go to the gateway once and are gone when the form is.
 */
export function ChallengeForm({ mfa, mock, onSubmit }: ChallengeFormProps) {
  const [answers, setAnswers] = useState<string[][]>(() => mfa.challenges.map(() => []));
  const [scenario, setScenario] = useState(ANSWER_SCENARIOS[0]);
  const complete = answers.every((chosen) => chosen.some((answer) => answer.trim() !== ""));

  const answer = (index: number, chosen: string[]) =>
    setAnswers((current) => current.map((previous, i) => (i === index ? chosen : previous)));

  function submit(event: FormEvent) {
    event.preventDefault();
    // Prompts go back byte for byte: Flinks matches them exactly.
    onSubmit(
      mfa.challenges.map(({ prompt }, index) => ({ prompt, answers: answers[index] ?? [] })),
      scenario?.prefer,
    );
  }

  return (
    <form onSubmit={submit} autoComplete="off">
      <h2>Security questions from {mfa.institution}</h2>
      {mfa.challenges.map((challenge, index) => (
        <ChallengeInput
          key={challenge.prompt}
          challenge={challenge}
          name={`challenge-${index}`}
          chosen={answers[index] ?? []}
          onChange={(chosen) => answer(index, chosen)}
        />
      ))}
      {mock && (
        <ScenarioPicker
          label="Mock answer to these answers"
          scenarios={ANSWER_SCENARIOS}
          onChange={setScenario}
        />
      )}
      <button type="submit" disabled={!complete}>
        Submit answers
      </button>
    </form>
  );
}

interface ChallengeInputProps {
  challenge: Challenge;
  name: string;
  chosen: string[];
  onChange(chosen: string[]): void;
}

function ChallengeInput({ challenge, name, chosen, onChange }: ChallengeInputProps) {
  const { type, prompt, choices } = challenge;
  const multiple = type === "MULTIPLE_CHOICE_MULTIPLE_ANSWERS";
  const toggle = (choice: string, on: boolean) =>
    onChange(on ? [...chosen, choice] : chosen.filter((previous) => previous !== choice));

  // QUESTION_AND_ANSWER, or a type newer than this app without choices: a text field.
  if (choices.length === 0) {
    return (
      <label className="challenge">
        <span className="prompt">{prompt}</span>
        <input type="text" value={chosen[0] ?? ""} onChange={(event) => onChange([event.target.value])} />
      </label>
    );
  }
  return (
    <fieldset className={`challenge ${type === "IMAGE_SELECTION" ? "images" : ""}`}>
      <legend className="prompt">{prompt}</legend>
      {type === "UNKNOWN" && (
        <p className="hint">A {challenge.rawType} challenge, new to this app: pick one.</p>
      )}
      {multiple && <p className="hint">Choose every answer that applies.</p>}
      {choices.map((choice, index) => (
        <label key={choice} className="choice">
          {/* Several answers: checkboxes. MULTIPLE_CHOICE, TEXT_OR_CALL, IMAGE_SELECTION and unknown types
              with choices: one of them. */}
          <input
            type={multiple ? "checkbox" : "radio"}
            name={name}
            checked={chosen.includes(choice)}
            onChange={(event) => (multiple ? toggle(choice, event.target.checked) : onChange([choice]))}
          />
          {type !== "IMAGE_SELECTION" ? (
            <span>{choice}</span>
          ) : BASE64.test(choice) ? (
            <img
              src={`data:image/jpeg;base64,${choice}`}
              alt={`Option ${index + 1}`}
              width={96}
              height={96}
            />
          ) : (
            <span>Option {index + 1} (not a JPEG)</span>
          )}
        </label>
      ))}
    </fieldset>
  );
}
