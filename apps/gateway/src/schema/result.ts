import { errorTypes } from "./errors.js";
import { AuthorizedType, MfaRequiredType, PendingType } from "./session.js";

/** The members of the result unions: the session outcomes, then every error type. */
export const resultTypes = [AuthorizedType, MfaRequiredType, PendingType, ...errorTypes] as const;
