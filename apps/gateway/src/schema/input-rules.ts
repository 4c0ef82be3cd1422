/** Text rules shared by the mutation inputs. Messages name the rule, never the value. */
export const hasNoNul = (value: string) => !value.includes("\u0000");
export const NO_NUL_MESSAGE = "must not contain NUL characters";
