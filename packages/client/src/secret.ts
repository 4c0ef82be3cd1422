const inspectSymbol = Symbol.for("nodejs.util.inspect.custom");
const REDACTED = "[redacted]";

/**
 * A credential that redacts itself everywhere it could be printed: `String()`, template literals,
 * `JSON.stringify`, `console.log`/`util.inspect` and error messages. Only `reveal()` gives the value,
 * so every place that sends it over the wire is easy to find.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== "string" || value.length === 0) {
      throw new TypeError("A secret must be a non-empty string.");
    }
    this.#value = value;
  }

  /** The clear value. Call it only where the value leaves for Flinks. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspectSymbol](): string {
    return `Secret(${REDACTED})`;
  }
}

/** Wraps a plain string, leaves a Secret as it is. */
export const asSecret = (value: string | Secret): Secret =>
  value instanceof Secret ? value : new Secret(value);
